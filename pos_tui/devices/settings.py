"""The `[devices]` section of pos.toml: printer, scanners, pole display and wedge timing.

Pydantic models only; each turns into the plain config dataclass its device module takes, so the
device code stays free of pydantic and can be driven from tests without a config file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pos_tui.devices.backoff import Backoff
from pos_tui.devices.errors import DeviceConfigError
from pos_tui.devices.printer_address import parse_printer_uri
from pos_tui.devices.serial_framing import FRAMINGS
from pos_tui.devices.wedge import WedgeTiming

if TYPE_CHECKING:  # the device modules load evdev/pyserial: only when a device is actually used
    from pos_tui.devices.evdev_scanner import EvdevScannerConfig
    from pos_tui.devices.pole_display import PoleDisplayConfig
    from pos_tui.devices.serial_scanner import SerialScannerConfig

COMMAND_SETS = ("cd5220", "epson")  # pos_tui.devices.pole_display.COMMAND_SETS, checked by a test


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrinterConfig(_Section):
    """The receipt printer (and the cash drawer plugged into it)."""

    uri: str = "none"
    """Where the printer is: tcp://host:9100, usb://04b8:0202, serial:///dev/ttyS0?baud=19200,
    file:///dev/usb/lp0, or none (receipts are not printed)."""
    profile: str = "TM-T88III"
    """python-escpos printer profile (TM-T88III, TM-T20II, POS-5890...): code pages, barcodes, cutter."""
    columns: Literal[32, 42, 48] | None = None
    """Characters per line: 32 on 58 mm paper, 42 or 48 on 80 mm. Unset: the profile's own width."""
    code_page: str | None = None
    """Printer code page (CP437, CP858, CP866...). Unset: chosen from the store's language."""
    drawer_pin: Literal[2, 5] | None = 2
    """Drawer kick pin on the printer's RJ-11 port (2 on most drawers, 5 for a second one); "none": no drawer."""
    spool_dir: Path = Path("var/spool")
    """Print queue on disk: jobs wait here until the printer took them, across restarts."""
    confirm_status: bool = False
    """Network printers: after each job ask for the printer's status and wait for the answer, proof that
    the printer (not just a network buffer) took every byte."""
    wait_seconds: float = Field(default=3.0, ge=0, le=60)
    """How long `pos sale` and the `pos devices` commands wait for the job to print before reporting it queued."""
    retry_initial_seconds: float = Field(default=1.0, gt=0)
    """First wait before retrying a job the printer did not take; doubles after each failure."""
    retry_max_seconds: float = Field(default=60.0, gt=0)
    """Longest wait between retries."""

    @field_validator("drawer_pin", mode="before")
    @classmethod
    def _none_means_no_drawer(cls, value: object) -> object:
        return None if isinstance(value, str) and value.strip().lower() == "none" else value

    @field_validator("uri")
    @classmethod
    def _uri_parses(cls, value: str) -> str:
        try:
            parse_printer_uri(value)
        except DeviceConfigError as error:
            raise ValueError(str(error)) from error
        return value

    def retry_backoff(self) -> Backoff:
        return Backoff(initial=self.retry_initial_seconds, maximum=max(self.retry_max_seconds,
                                                                       self.retry_initial_seconds))


class _ScannerBase(_Section):
    name: str = ""
    """How the scanner is named in messages and in `pos devices listen` (default: its device or port)."""
    max_length: int = Field(default=128, ge=1, le=4096)
    """Longest code accepted; longer reads are refused as noise."""
    reconnect_max_seconds: float = Field(default=30.0, gt=0)
    """After an unplug the scanner is looked for again, waiting up to this long between attempts."""

    def _backoff(self) -> Backoff:
        return Backoff(initial=min(0.5, self.reconnect_max_seconds), maximum=self.reconnect_max_seconds)


class EvdevScannerSettings(_ScannerBase):
    """A USB HID scanner read directly through evdev (grabbed: the console does not see its keys)."""

    kind: Literal["evdev"] = "evdev"
    """evdev: a USB scanner that types like a keyboard, read from its input event node."""
    device: str
    """A stable path (/dev/input/by-id/usb-...-event-kbd, or the udev symlink /dev/input/pos-scanner) or
    vendor:product in hex (05e0:1200, see lsusb)."""
    terminator: Literal["enter", "kpenter", "tab"] = "enter"
    """The key the scanner sends after each code."""
    layout: dict[str, list[str]] = Field(default_factory=dict)
    """Keys that differ from the US layout the scanner is set to, as KEY_NAME = ["plain", "shifted"]
    (a German-set scanner: KEY_Y = ["z", "Z"], KEY_Z = ["y", "Y"])."""
    max_key_gap: float | None = Field(default=None, gt=0)
    """Refuse a code whose keys arrive further apart than this many seconds (unset: no limit)."""

    @field_validator("layout")
    @classmethod
    def _layout_keys_exist(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if not value:
            return value
        from pos_tui.devices.key_decoder import layout_from_config

        try:
            layout_from_config(value)  # type: ignore[arg-type]
        except DeviceConfigError as error:
            raise ValueError(str(error)) from error
        return value

    def to_config(self) -> EvdevScannerConfig:
        from pos_tui.devices.evdev_scanner import EvdevScannerConfig
        from pos_tui.devices.key_decoder import layout_from_config

        return EvdevScannerConfig(
            device=self.device,
            layout=layout_from_config(self.layout),  # type: ignore[arg-type]
            terminator=self.terminator,
            max_length=self.max_length,
            max_key_gap=self.max_key_gap,
            backoff=self._backoff(),
        )

    @property
    def label(self) -> str:
        return self.name or self.device


class SerialScannerSettings(_ScannerBase):
    """A scanner on RS-232 or USB-CDC (a virtual serial port)."""

    kind: Literal["serial"] = "serial"
    """serial: a scanner that sends its codes over a serial line."""
    port: str
    """A stable path (/dev/serial/by-id/..., a udev symlink like /dev/pos-scanner) or a pyserial URL."""
    baudrate: int = 9600
    """Line speed, from the scanner's setup sheet."""
    parity: Literal["N", "E", "O"] = "N"
    """Parity: N(one), E(ven) or O(dd)."""
    bytesize: Literal[7, 8] = 8
    """Data bits."""
    stopbits: Literal[1, 2] = 1
    """Stop bits."""
    framing: str = "cr"
    """How codes are separated: cr, lf, crlf, stx_etx, or idle (a quiet gap ends a code)."""
    idle_gap: float = Field(default=0.05, gt=0)
    """framing = "idle": seconds of silence that end a code."""
    partial_timeout: float = Field(default=0.5, gt=0)
    """A code still open after this many quiet seconds is a broken read and is refused."""

    @field_validator("framing")
    @classmethod
    def _known_framing(cls, value: str) -> str:
        if value not in FRAMINGS:
            raise ValueError(f"unknown framing {value!r}; use one of {', '.join(FRAMINGS)}")
        return value

    def to_config(self) -> SerialScannerConfig:
        from pos_tui.devices.serial_scanner import SerialScannerConfig

        return SerialScannerConfig(
            port=self.port, baudrate=self.baudrate, parity=self.parity, bytesize=self.bytesize,
            stopbits=self.stopbits, framing=self.framing, idle_gap=self.idle_gap,
            partial_timeout=self.partial_timeout, max_length=self.max_length, backoff=self._backoff(),
        )

    @property
    def label(self) -> str:
        return self.name or self.port


ScannerSettings = Annotated[EvdevScannerSettings | SerialScannerSettings, Field(discriminator="kind")]


class PoleDisplaySettings(_Section):
    """The customer-facing pole display (2 lines of 20 characters on a serial line)."""

    port: str
    """Serial port of the display (/dev/ttyUSB0, a udev symlink such as /dev/pos-display)."""
    baudrate: int = 9600
    """Line speed, from the display's self-test printout."""
    command_set: str = "cd5220"
    """cd5220 or epson: the command set the display speaks."""
    encoding: str = "cp437"
    """Character set of the display."""
    timeout: float = Field(default=0.5, gt=0)
    """Seconds a write may take before the display counts as not answering."""

    @field_validator("command_set")
    @classmethod
    def _known_command_set(cls, value: str) -> str:
        if value not in COMMAND_SETS:
            raise ValueError(f"unknown command set {value!r}; use one of {', '.join(COMMAND_SETS)}")
        return value

    def to_config(self) -> PoleDisplayConfig:
        from pos_tui.devices.pole_display import PoleDisplayConfig

        return PoleDisplayConfig(self.port, self.baudrate, self.command_set, self.encoding, self.timeout)


class WedgeSettings(_Section):
    """A keyboard-wedge scanner typing into the till's scan field: told from a person by key timing."""

    max_key_gap: float = Field(default=0.050, gt=0)
    """Longest gap in seconds between two keys of one scan (people type slower)."""
    min_length: int = Field(default=4, ge=1)
    """Shortest code counted as a scan."""
    max_duration: float = Field(default=1.5, gt=0)
    """Longest time in seconds a whole scan may take."""

    def to_timing(self) -> WedgeTiming:
        return WedgeTiming(self.max_key_gap, self.min_length, self.max_duration)


class DeviceSettings(_Section):
    """Counter hardware of this till."""

    printer: PrinterConfig = Field(default_factory=PrinterConfig)
    """The receipt printer and its cash drawer."""
    scanners: list[ScannerSettings] = Field(default_factory=list)
    """Scanners read directly (evdev or serial). A keyboard-wedge scanner needs no entry: it types."""
    pole_display: PoleDisplaySettings | None = None
    """The customer display, if the till has one."""
    wedge: WedgeSettings = Field(default_factory=WedgeSettings)
    """Timing that tells a keyboard-wedge scanner from typing."""
