"""One printer address in the config; each kind of printer gets the job in one piece, or says why not."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pos_tui.devices.errors import DeviceConfigError, PrinterUnavailable
from pos_tui.devices.escpos_render import EscPosRenderer, PrinterSettings
from pos_tui.devices.print_elements import drawer_kick
from pos_tui.devices.printer_address import (
    FilePrinter,
    NoPrinter,
    SerialPrinter,
    TcpPrinter,
    UsbPrinter,
    parse_printer_uri,
)
from pos_tui.devices.printer_transport import transport_for
from tests.devices.escpos_decoder import decode
from tests.devices.fake_printer import free_port
from tests.devices.ptys import FakeSerialLine
from tests.devices.sample_receipt import profile_code_pages


def test_every_kind_of_printer_address_reads_as_what_it_says() -> None:
    assert parse_printer_uri("tcp://10.0.0.7:9100") == TcpPrinter("10.0.0.7", 9100, 3.0, False)
    assert parse_printer_uri("tcp://printer.local?timeout=1.5&confirm=status") == TcpPrinter(
        "printer.local", 9100, 1.5, True
    )
    assert parse_printer_uri("usb://04b8:0202") == UsbPrinter(0x04B8, 0x0202)
    assert parse_printer_uri("usb://0416:5011?timeout=2&out_ep=0x03") == UsbPrinter(
        0x0416, 0x5011, 2.0, 0x82, 0x03
    )
    assert parse_printer_uri("serial:///dev/ttyS0?baud=19200") == SerialPrinter("/dev/ttyS0", 19200)
    assert parse_printer_uri("serial:///dev/pos-printer?baud=9600&parity=e&rtscts=1") == SerialPrinter(
        "/dev/pos-printer", 9600, "E", rtscts=True
    )
    assert parse_printer_uri("file:///dev/usb/lp0") == FilePrinter("/dev/usb/lp0")
    assert parse_printer_uri("none") == NoPrinter()


@pytest.mark.parametrize(
    ("uri", "why"),
    [
        ("lpt://1", "unknown kind 'lpt'"),
        ("10.0.0.7:9100", "unknown kind"),
        ("tcp://:9100", "names no host"),
        ("tcp://10.0.0.7:port", "a number in it is wrong"),
        ("tcp://10.0.0.7?timout=3", "unknown option timout"),
        ("usb://04b8", "vendor:product"),
        ("usb://zz:0202", "a number in it is wrong"),
        ("serial://", "names no serial device"),
        ("serial:///dev/ttyS0?parity=X", "parity 'X'"),
    ],
)
def test_a_bad_printer_address_says_what_is_wrong_and_shows_examples(uri: str, why: str) -> None:
    with pytest.raises(DeviceConfigError) as caught:
        parse_printer_uri(uri)
    assert why in str(caught.value)
    assert "tcp://10.0.0.7:9100, usb://04b8:0202" in str(caught.value)


def test_kernel_line_printer_device_gets_the_job_appended(tmp_path: Path) -> None:
    lp0 = tmp_path / "lp0"
    lp0.touch()
    transport = transport_for(parse_printer_uri(f"file://{lp0}"))
    transport.send(b"first\n")
    transport.send(b"second\n")
    assert lp0.read_bytes() == b"first\nsecond\n"


def test_a_fifo_as_printer_device_gets_the_drawer_kick(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    job = EscPosRenderer(PrinterSettings()).render(drawer_kick(2))
    transport_for(parse_printer_uri(f"file://{fifo}")).send(job)
    reader.join(2)
    assert decode(received[0], profile_code_pages("TM-T88III")).items == ["drawer pin 2"]


def test_missing_printer_device_says_to_plug_it_in(tmp_path: Path) -> None:
    with pytest.raises(PrinterUnavailable, match="check the printer is plugged in"):
        transport_for(parse_printer_uri(f"file://{tmp_path}/lp0")).send(b"x")


def test_serial_printer_gets_the_whole_job_through_a_pty(tmp_path: Path) -> None:
    line = FakeSerialLine(tmp_path / "pos-printer")
    try:
        job = b"\x1b@receipt\n" * 200
        transport_for(parse_printer_uri(f"serial://{line.port}?baud=19200")).send(job)
        assert line.received() == job
    finally:
        line.unplug()


def test_serial_printer_that_is_not_there_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PrinterUnavailable, match="check the cable and the port name"):
        transport_for(parse_printer_uri(f"serial://{tmp_path}/nothing")).send(b"x")


def test_network_printer_that_is_off_is_reported_with_what_to_do() -> None:
    port = free_port()
    with pytest.raises(PrinterUnavailable) as caught:
        transport_for(parse_printer_uri(f"tcp://127.0.0.1:{port}")).send(b"x")
    assert str(caught.value) == (
        f"Printer at 127.0.0.1:{port} refused the connection; check it is switched on; "
        "the sale is saved and the receipt will print when the printer is back."
    )


def test_usb_printer_on_a_machine_without_usb_is_a_clear_error_not_a_crash() -> None:
    with pytest.raises(PrinterUnavailable) as caught:
        transport_for(parse_printer_uri("usb://04b8:0202?timeout=1")).send(b"x")
    message = str(caught.value)
    assert message.startswith("USB printer 04b8:0202")
    assert "libusb" in message or "plugged in" in message


def test_no_printer_accepts_jobs_and_drops_them() -> None:
    transport_for(parse_printer_uri("none")).send(b"anything")


def test_the_device_layer_never_imports_the_screen_libraries() -> None:
    modules = [
        "evdev_scanner", "serial_scanner", "wedge", "receipt", "escpos_render", "print_queue",
        "printer_transport", "pole_display",
    ]
    imports = "; ".join(f"import pos_tui.devices.{name}" for name in modules)
    check = f"{imports}; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
