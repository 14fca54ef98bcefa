"""A USB HID scanner read through evdev: grabbed, decoded, reconnected after unplug.

One long-lived event iterator per opened device: evdev reads up to 64 events per batch, and leaving
an iterator part-way through a batch loses the rest of it (a scan ``22222222`` arrives as ``222222``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import evdev
from evdev import InputDevice, ecodes

from pos_tui.devices.backoff import Backoff
from pos_tui.devices.errors import DeviceConfigError
from pos_tui.devices.key_decoder import US_LAYOUT, DecodedScan, KeyDecoder, KeyLayout, RefusedScan
from pos_tui.devices.scan_source import (
    DeviceGone,
    ReconnectingScanSource,
    ScanCallback,
    StatusCallback,
)


@dataclass(frozen=True)
class EvdevScannerConfig:
    """``device`` is a stable path (``/dev/input/by-id/usb-...-event-kbd``, a udev symlink such as
    ``/dev/input/pos-scanner``) or ``vendor:product`` in hex (``05e0:1200``)."""

    device: str
    layout: KeyLayout = field(default_factory=lambda: US_LAYOUT)
    terminator: str = "enter"
    max_length: int = 128
    max_key_gap: float | None = None
    backoff: Backoff = field(default_factory=Backoff)


def parse_vendor_product(text: str) -> tuple[int, int] | None:
    """``"05e0:1200"`` -> (0x05E0, 0x1200); a path -> None."""
    if text.startswith("/") or text.count(":") != 1:
        return None
    vendor, product = text.split(":")
    try:
        return int(vendor, 16), int(product, 16)
    except ValueError:
        raise DeviceConfigError(
            f"Scanner device {text!r} is neither a path nor vendor:product.",
            "Write a path like /dev/input/by-id/usb-...-event-kbd or hex ids like 05e0:1200 (see lsusb).",
        ) from None


def open_input_device(device: str) -> InputDevice[str]:
    """Open the scanner named by config; raises ``DeviceGone`` when it is not plugged in."""
    ids = parse_vendor_product(device)
    if ids is None:
        return InputDevice(device)
    for path in evdev.list_devices():
        candidate = InputDevice(path)
        keys = candidate.capabilities().get(ecodes.EV_KEY, [])
        # A scanner often exposes several event nodes (keyboard, consumer keys); take the one that types.
        if (candidate.info.vendor, candidate.info.product) == ids and ecodes.KEY_ENTER in keys:
            return candidate
        candidate.close()
    raise DeviceGone(f"no input device with id {device} is plugged in")


class GrabbedDevice:
    """The few ioctl-backed calls we make on an InputDevice, kept apart so a pipe can stand in."""

    def __init__(self, device: InputDevice[str]) -> None:
        self.device = device

    def grab(self) -> str:
        """Take the device for ourselves (the console no longer sees its keys); returns a note."""
        try:
            self.device.grab()
        except OSError as error:
            if error.errno == errno.ENOTTY:
                # Not an evdev node (a pipe or file standing in for one): nothing to grab.
                return "reading without exclusive access (not an input device node)"
            if error.errno == errno.EBUSY:
                raise DeviceGone("another program holds this scanner exclusively; close it") from error
            raise
        return "grabbed"

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.device.close()


class EvdevScanner(ReconnectingScanSource):
    def __init__(
        self,
        config: EvdevScannerConfig,
        on_scan: ScanCallback,
        on_status: StatusCallback | None = None,
        name: str | None = None,
        open_device: Callable[[], InputDevice[str]] | None = None,
    ) -> None:
        super().__init__(name or config.device, on_scan, on_status, config.backoff)
        self._config = config
        self._open_device = open_device or (lambda: open_input_device(config.device))
        self._device: GrabbedDevice | None = None
        self._wake_read, self._wake_write = os.pipe()
        self._grab_note = ""

    def stop(self, timeout: float = 2.0) -> None:
        super().stop(timeout)
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._wake_read = self._wake_write = -1

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_write, b"x")

    def _open(self) -> None:
        device = GrabbedDevice(self._open_device())
        try:
            self._grab_note = device.grab()
        except BaseException:
            device.close()
            raise
        self._device = device

    def _close(self) -> None:
        if self._device is not None:
            self._device.close()
            self._device = None

    def _read_until_gone(self) -> None:
        assert self._device is not None
        decoder = KeyDecoder(
            self._config.layout, self._config.terminator, self._config.max_length, self._config.max_key_gap
        )
        for event in self._events(self._device.device):
            if event.type != ecodes.EV_KEY:
                continue
            result = decoder.feed(event.code, event.value, event.timestamp())
            if isinstance(result, DecodedScan):
                self._deliver(result.code)
            elif isinstance(result, RefusedScan):
                self._reject(f"Scan refused: {result.reason}")

    def _events(self, device: InputDevice[str]) -> Iterator[evdev.InputEvent]:
        """The one iterator over this opened device: whole batches, until unplug or stop."""
        while not self._stopping():
            readable, _, _ = select.select([device.fd, self._wake_read], [], [])
            if self._wake_read in readable:
                return
            try:
                batch = list(device.read())
            except BlockingIOError:
                continue
            except OSError as error:
                if error.errno == errno.ENODEV:
                    raise DeviceGone("unplugged") from error
                raise DeviceGone(os.strerror(error.errno or 0) or str(error)) from error
            if not batch:
                # A real event node never reads empty; end of file means the other side is gone.
                raise DeviceGone("end of input")
            yield from batch
