"""A serial (RS-232 or USB-CDC) scanner read with pyserial, reopened after unplug."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import serial

from pos_tui.devices.backoff import Backoff
from pos_tui.devices.errors import DeviceConfigError
from pos_tui.devices.scan_source import (
    DeviceGone,
    ReconnectingScanSource,
    ScanCallback,
    StatusCallback,
)
from pos_tui.devices.serial_framing import FramedCode, SerialFramer

PARITIES = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}
BYTESIZES = {7: serial.SEVENBITS, 8: serial.EIGHTBITS}
STOPBITS = {1: serial.STOPBITS_ONE, 2: serial.STOPBITS_TWO}
# How long one read waits: short enough to notice a quiet line (idle framing) and a stop request.
POLL_SECONDS = 0.02


@dataclass(frozen=True)
class SerialScannerConfig:
    """``port`` is a stable path (``/dev/serial/by-id/...``, a udev symlink) or a pyserial URL."""

    port: str
    baudrate: int = 9600
    parity: str = "N"
    bytesize: int = 8
    stopbits: int = 1
    framing: str = "cr"
    idle_gap: float = 0.05
    partial_timeout: float = 0.5
    max_length: int = 128
    backoff: Backoff = field(default_factory=Backoff)

    def __post_init__(self) -> None:
        problems = []
        if self.parity not in PARITIES:
            problems.append(f"parity {self.parity!r} (use N, E or O)")
        if self.bytesize not in BYTESIZES:
            problems.append(f"data bits {self.bytesize} (use 7 or 8)")
        if self.stopbits not in STOPBITS:
            problems.append(f"stop bits {self.stopbits} (use 1 or 2)")
        if problems:
            raise DeviceConfigError(
                f"Serial scanner {self.port} has unusable settings: {'; '.join(problems)}.",
                "Copy them from the scanner's setup sheet (9600 8N1 is the usual default).",
            )


def open_serial_port(config: SerialScannerConfig) -> serial.SerialBase:
    port = serial.serial_for_url(
        config.port,
        baudrate=config.baudrate,
        parity=PARITIES[config.parity],
        bytesize=BYTESIZES[config.bytesize],
        stopbits=STOPBITS[config.stopbits],
        timeout=POLL_SECONDS,
        do_not_open=True,
    )
    # Another program reading the same scanner would steal half of each code.
    if config.port.startswith("/"):
        port.exclusive = True
    port.open()
    return port


class SerialScanner(ReconnectingScanSource):
    def __init__(
        self,
        config: SerialScannerConfig,
        on_scan: ScanCallback,
        on_status: StatusCallback | None = None,
        name: str | None = None,
        open_port: Callable[[SerialScannerConfig], serial.SerialBase] = open_serial_port,
    ) -> None:
        super().__init__(name or config.port, on_scan, on_status, config.backoff)
        self._config = config
        self._open_port = open_port
        self._port: serial.SerialBase | None = None
        # Fail at start-up, not in the thread, when the framing setting is wrong.
        SerialFramer(config.framing)

    def _open(self) -> None:
        try:
            self._port = self._open_port(self._config)
        except serial.SerialException as error:
            raise DeviceGone(str(error)) from error
        except ValueError as error:
            raise DeviceConfigError(
                f"Serial scanner {self._config.port} rejected its settings: {error}.",
                "Check baud rate, parity, data and stop bits.",
            ) from error

    def _close(self) -> None:
        if self._port is not None:
            with contextlib.suppress(OSError, serial.SerialException):
                self._port.close()
            self._port = None

    def _wake(self) -> None:
        # Reads time out every POLL_SECONDS, so the thread sees the stop request on its own.
        return None

    def _read_until_gone(self) -> None:
        assert self._port is not None
        config = self._config
        framer = SerialFramer(config.framing, config.max_length, config.idle_gap, config.partial_timeout)
        while not self._stopping():
            try:
                data = self._port.read(self._port.in_waiting or 1)
            except serial.SerialException as error:
                raise DeviceGone(str(error)) from error
            now = time.monotonic()
            results = framer.feed(data, now) if data else framer.quiet(now)
            for result in results:
                if isinstance(result, FramedCode):
                    self._deliver(result.code)
                else:
                    self._reject(f"Scan refused: {result.reason}")
