"""The customer-facing pole display: a 2x20 VFD on a serial line (CD5220 or Epson ESC/POS command set).

Line 1 shows the last item, line 2 the running total. Writes are short and best-effort: a missing
display must never hold up a sale, so failures come back as a ``DeviceError`` the caller may show.
"""

from __future__ import annotations

from dataclasses import dataclass

import serial

from pos_tui.devices.errors import DeviceConfigError, DeviceError
from pos_tui.devices.text_fit import fit, fit_two_columns

WIDTH = 20

# Clear, then write each line at its start: CD5220 has "ESC Q A/B <text> CR" for upper/lower line;
# Epson DM-D style displays move the cursor with "US $ x y".
COMMAND_SETS = {
    "cd5220": {"init": b"\x1b\x40", "clear": b"\x0c", "line1": b"\x1bQA", "line2": b"\x1bQB", "end": b"\r"},
    "epson": {"init": b"\x1b\x40", "clear": b"\x0c", "line1": b"\x1f\x24\x01\x01",
              "line2": b"\x1f\x24\x01\x02", "end": b""},
}


@dataclass(frozen=True)
class PoleDisplayConfig:
    port: str
    baudrate: int = 9600
    command_set: str = "cd5220"
    encoding: str = "cp437"
    timeout: float = 0.5

    def __post_init__(self) -> None:
        if self.command_set not in COMMAND_SETS:
            raise DeviceConfigError(
                f"Unknown pole display command set {self.command_set!r}.",
                "Use cd5220 or epson (see the display's manual or its self-test printout).",
            )


def sale_lines(item_name: str, item_price: str, total_label: str, total: str) -> tuple[str, str]:
    """The two 20-column lines during a sale: last item and its price, then the total."""
    return fit_two_columns(item_name, item_price, WIDTH), fit_two_columns(total_label, total, WIDTH)


def display_bytes(config: PoleDisplayConfig, line1: str, line2: str) -> bytes:
    commands = COMMAND_SETS[config.command_set]

    def encoded(text: str) -> bytes:
        return fit(text, WIDTH).encode(config.encoding, errors="replace")

    return (
        commands["clear"]
        + commands["line1"] + encoded(line1) + commands["end"]
        + commands["line2"] + encoded(line2) + commands["end"]
    )


class PoleDisplay:
    def __init__(self, config: PoleDisplayConfig) -> None:
        self.config = config
        self._port: serial.SerialBase | None = None

    def show(self, line1: str, line2: str = "") -> None:
        self._write(display_bytes(self.config, line1, line2))

    def clear(self) -> None:
        self._write(COMMAND_SETS[self.config.command_set]["clear"])

    def close(self) -> None:
        if self._port is not None:
            self._port.close()
            self._port = None

    def _write(self, data: bytes) -> None:
        try:
            if self._port is None:
                self._port = serial.serial_for_url(
                    self.config.port, baudrate=self.config.baudrate, write_timeout=self.config.timeout
                )
                self._port.write(COMMAND_SETS[self.config.command_set]["init"])
            self._port.write(data)
            self._port.flush()
        except (serial.SerialException, OSError) as error:
            self.close()  # reopen on the next write: the display may have been replugged
            raise DeviceError(
                f"The customer display on {self.config.port} is not answering ({error}).",
                "Check its cable and power; sales carry on without it.",
            ) from error
