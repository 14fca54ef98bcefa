"""Setting up a till's devices with `pos devices`: a fake network printer on 127.0.0.1 and a real pty."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from typer.testing import CliRunner, Result

from pos_tui.cli.main import app
from pos_tui.devices.pole_display import COMMAND_SETS
from pos_tui.devices.settings import COMMAND_SETS as CONFIGURABLE_COMMAND_SETS
from tests.devices.escpos_decoder import PrintedBarcode, PrintedQr, decode
from tests.devices.fake_printer import fake_printer, free_port
from tests.devices.ptys import FakeSerialLine
from tests.devices.sample_receipt import profile_code_pages

POS = Path(sys.executable).parent / "pos"


def write_config(tmp_path: Path, printer: str = "", rest: str = "") -> Path:
    config = tmp_path / "pos.toml"
    config.write_text(
        f'[devices.printer]\nspool_dir = "{tmp_path / "spool"}"\nretry_initial_seconds = 0.05\n'
        f"retry_max_seconds = 0.2\n{printer}{rest}"
    )
    return config


def pos(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_test_page_shows_profile_columns_code_page_barcode_and_qr(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'profile = "TM-T20II"\ncolumns = 48\n', '[store]\nlanguage = "de"\n')
    with fake_printer() as printer:
        result = pos("devices", "test-print", "--config", str(config), "--printer", printer.uri)
        assert result.exit_code == 0, result.output
        [job] = printer.wait_for_jobs(1)
    assert "The test page printed on Printer at 127.0.0.1" in result.stderr
    page = decode(job, profile_code_pages("TM-T20II"))
    texts = page.texts()
    assert "pos_tui test page" in texts
    assert any(t.startswith("Profile") and t.endswith("TM-T20II") for t in texts)
    assert any(t.startswith("Columns") and t.endswith("48") for t in texts)
    assert any(t.startswith("Code page") and t.endswith("CP858") for t in texts)
    assert "123456789012345678901234567890123456789012345678" in texts
    assert "€ 5,00 Grüße Straße é à ç" in texts  # decoded through CP858: the code page is the right one
    assert [b.data for b in page.items if isinstance(b, PrintedBarcode)] == [b"{BTEST-0123456789"]
    assert [q.data for q in page.items if isinstance(q, PrintedQr)] == [b"pos_tui test page TM-T20II"]
    assert page.items[-1] == "cut"
    assert not any(str(item).startswith("drawer") for item in page.items)


def test_drawer_command_kicks_the_drawer_and_nothing_else(tmp_path: Path) -> None:
    config = write_config(tmp_path, "drawer_pin = 5\n")
    with fake_printer() as printer:
        result = pos("devices", "drawer", "--config", str(config), "--printer", printer.uri)
        assert result.exit_code == 0, result.output
        [job] = printer.wait_for_jobs(1)
    assert decode(job, profile_code_pages("TM-T88III")).items == ["drawer pin 5"]


def test_drawer_command_without_a_drawer_or_printer_says_what_to_set(tmp_path: Path) -> None:
    no_drawer = write_config(tmp_path, 'drawer_pin = "none"\n')
    result = pos("devices", "drawer", "--config", str(no_drawer), "--printer", f"tcp://127.0.0.1:{free_port()}")
    assert result.exit_code == 1
    assert "has no cash drawer set up" in result.stderr and "drawer_pin to 2 or 5" in result.stderr
    result = pos("devices", "drawer", "--config", str(write_config(tmp_path)))
    assert result.exit_code == 1 and "No printer is configured" in result.stderr


def test_test_print_to_a_switched_off_printer_is_queued_and_exits_2(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    port = free_port()
    result = pos("devices", "test-print", "--config", str(config), "--printer", f"tcp://127.0.0.1:{port}?timeout=0.2",
                 "--wait", "0.3")
    assert result.exit_code == 2
    assert "queued for retry" in result.stderr and "refused the connection" in result.stderr
    with fake_printer(port) as printer:
        drained = pos("devices", "queue", "--config", str(config), "--printer", f"tcp://127.0.0.1:{port}")
        assert drained.exit_code == 0, drained.output
        [job] = printer.wait_for_jobs(1)
    assert "pos_tui test page" in decode(job, profile_code_pages("TM-T88III")).texts()


def test_list_shows_the_printer_status_queue_scanners_and_ports(tmp_path: Path) -> None:
    line = FakeSerialLine(tmp_path / "pos-scanner")
    try:
        with fake_printer() as printer:
            config = write_config(
                tmp_path,
                f'uri = "{printer.uri}"\n',
                f'[[devices.scanners]]\nkind = "serial"\nport = "{line.port}"\nname = "front scanner"\n'
                '[[devices.scanners]]\nkind = "evdev"\ndevice = "/dev/input/pos-scanner-missing"\n'
                f'[devices.pole_display]\nport = "{tmp_path / "no-display"}"\n',
            )
            result = pos("devices", "list", "--config", str(config))
    finally:
        line.unplug()
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"URI        {printer.uri}" in out
    assert "TM-T88III, 42 columns, code page CP437, drawer pin 2" in out
    assert "Printer at 127.0.0.1" in out and "is online." in out
    assert "0 waiting  (this printer)" in out
    assert f"front scanner        serial {line.port}  present" in out
    assert "evdev  /dev/input/pos-scanner-missing  not found: check the cable and the udev rule" in out
    assert "Input devices that look like scanners" in out and "Serial ports" in out
    assert "no-display (cd5220, 9600 baud)  not found" in out


def test_list_with_the_printer_off_says_so(tmp_path: Path) -> None:
    config = write_config(tmp_path, f'uri = "tcp://127.0.0.1:{free_port()}"\n')
    result = pos("devices", "list", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert "refused the connection: check it is switched on" in result.stdout


def test_listen_prints_each_scan_from_a_serial_scanner_on_a_pty(tmp_path: Path) -> None:
    line = FakeSerialLine(tmp_path / "pos-scanner")
    config = write_config(
        tmp_path, "", f'[[devices.scanners]]\nkind = "serial"\nport = "{line.port}"\nname = "counter"\n'
    )
    # Until Ctrl-C, not for a few seconds: on a loaded box the process may take longer than that to start.
    process = subprocess.Popen(
        [str(POS), "devices", "listen", "--config", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    seen: list[str] = []
    sent = False
    stuck = threading.Timer(180, process.kill)  # a ceiling for a process that never speaks (readline blocks)
    stuck.start()
    try:
        while not any("5012345678900" in text for text in seen):
            text = process.stdout.readline()
            if not text:
                break
            seen.append(text)
            if not sent and any("Scanner counter is ready" in text for text in seen):
                line.send(b"5012345678900\r")
                sent = True
        process.send_signal(signal.SIGINT)
        process.wait(60)
    finally:
        stuck.cancel()
        if process.poll() is None:
            process.kill()
        line.unplug()
    assert any(text.startswith("Listening to 1 scanner") for text in seen), seen
    [scan] = [text for text in seen if "5012345678900" in text]
    assert scan.split()[1:] == ["counter", "5012345678900"]
    assert process.returncode == 0


def test_listen_without_scanners_says_what_to_configure(tmp_path: Path) -> None:
    result = pos("devices", "listen", "--seconds", "0.1", "--config", str(write_config(tmp_path)))
    assert result.exit_code == 1
    assert "No scanners are configured" in result.stderr and "[[devices.scanners]]" in result.stderr


def test_the_config_knows_every_pole_display_command_set() -> None:
    assert set(CONFIGURABLE_COMMAND_SETS) == set(COMMAND_SETS)
