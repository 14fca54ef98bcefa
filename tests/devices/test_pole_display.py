"""The customer sees the last item and the total on a 2x20 pole display over a serial line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_tui.devices.errors import DeviceConfigError, DeviceError
from pos_tui.devices.pole_display import PoleDisplay, PoleDisplayConfig, sale_lines
from tests.devices.ptys import FakeSerialLine


def test_long_item_names_give_way_to_the_price_in_20_columns() -> None:
    line1, line2 = sale_lines("Basmati Rice Super Kernel 5kg", "1,900.00", "TOTAL", "12,345.00")
    assert line1 == "Basmati Ric 1,900.00"
    assert line2 == "TOTAL" + " " * 6 + "12,345.00"


def test_cd5220_display_gets_clear_and_both_lines(tmp_path: Path) -> None:
    line = FakeSerialLine(tmp_path / "pos-display")
    display = PoleDisplay(PoleDisplayConfig(port=line.port))
    try:
        display.show(*sale_lines("Eggs", "360.00", "TOTAL", "1,710.00"))
        received = line.received()
    finally:
        display.close()
        line.unplug()
    assert received == (
        b"\x1b@\x0c"
        b"\x1bQAEggs          360.00\r"
        b"\x1bQBTOTAL       1,710.00\r"
    )


def test_epson_display_moves_the_cursor_to_each_line(tmp_path: Path) -> None:
    line = FakeSerialLine(tmp_path / "pos-display")
    display = PoleDisplay(PoleDisplayConfig(port=line.port, command_set="epson"))
    try:
        display.show("Welcome", "Riaz General Store")
        received = line.received()
    finally:
        display.close()
        line.unplug()
    assert received == b"\x1b@\x0c\x1f$\x01\x01Welcome             \x1f$\x01\x02Riaz General Store  "


def test_an_unplugged_display_reports_an_error_and_works_again_when_replugged(tmp_path: Path) -> None:
    line = FakeSerialLine(tmp_path / "pos-display")
    display = PoleDisplay(PoleDisplayConfig(port=line.port))
    display.show("one")
    line.unplug()
    with pytest.raises(DeviceError, match="sales carry on without it"):
        display.show("two")
    line.plug_in()
    try:
        display.show("three")
        assert b"three" in line.received()
    finally:
        display.close()
        line.unplug()


def test_unknown_command_set_is_a_config_error() -> None:
    with pytest.raises(DeviceConfigError, match="cd5220 or epson"):
        PoleDisplayConfig(port="/dev/pos-display", command_set="vt100")
