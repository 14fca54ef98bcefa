"""Receipts reach a real (fake) network printer on 127.0.0.1 only after the sale is saved, and say what it says."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pos_tui.cli.main import app
from pos_tui.config import Settings, parse_settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import ConfigError
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.selling.printing import ReceiptPrinter
from pos_tui.services.session import Session
from tests.conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store
from tests.devices.escpos_decoder import Printout, decode
from tests.devices.fake_printer import fake_printer, free_port
from tests.devices.ptys import FakeSerialLine
from tests.devices.sample_receipt import profile_code_pages
from tests.devices.waiting import wait_until

QUICK_RETRIES = "retry_initial_seconds = 0.05\nretry_max_seconds = 0.2\n"


def write_config(tmp_path: Path, extra: str = "") -> Path:
    config = tmp_path / "pos.toml"
    config.write_text(f'[devices.printer]\nspool_dir = "{tmp_path / "spool"}"\n{QUICK_RETRIES}{extra}')
    return config


def settings_of(config: Path) -> Settings:
    return parse_settings(config.read_bytes(), config)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def till(store_path: Path, config: Path) -> Iterator[Session]:
    """A stocked sample store whose settings print through a spool in tmp_path."""
    session = make_store(store_path, settings_of(config))
    yield session
    session.close()
    assert_verifies(store_path)


def pos(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def page_of(job: bytes) -> Printout:
    return decode(job, profile_code_pages("TM-T88III"))


def line_ending(page: Printout, start: str) -> str:
    [text] = [t for t in page.texts() if t.startswith(start)]
    return text.removeprefix(start).strip()


def sell(session: Session, *scans: str, pay: tuple[Tender, ...]) -> sales.CompletedSale:
    cart = Cart()
    for code in scans:
        cart = cart.add(products.resolve_scan(session, code))
    return sales.complete_sale(session, cart, list(pay))


def test_cash_sale_with_change_prints_receipt_and_kicks_drawer(till: Session) -> None:
    sale = sell(till, f"3*{TEA_BARCODE}", MILK_BARCODE, pay=(Tender("cash", 200_000),))
    with fake_printer() as printer, ReceiptPrinter(till.settings, uri=printer.uri) as receipts:
        job = receipts.print_sale(till, sale.reference)
        assert receipts.wait_printed(job, 5)
        [printed] = printer.wait_for_jobs(1)
    page = page_of(printed)
    money = till.currency

    def amount(minor: int) -> str:
        return money.format(minor, symbol=False)

    assert f"Sale {sale.reference}" in " ".join(page.texts())
    names = [line.line.name for line in sale.priced.lines]
    assert names == ["Tapal Danedar Tea 200g", "Olpers Milk 1L"]
    for line in sale.priced.lines:
        assert any(text.startswith(line.line.name) for text in page.texts())
    assert line_ending(page, "  3 each x 450.00") == amount(135_000)
    assert line_ending(page, "Olpers Milk 1L") == amount(28_000)
    assert line_ending(page, "TOTAL") == amount(sale.priced.total) == "1,630.00"
    assert line_ending(page, "Cash") == amount(200_000)
    assert line_ending(page, "Change") == amount(sale.change) == "370.00"
    assert page.items[-2:] == ["cut", "drawer pin 2"]


def test_card_sale_prints_without_opening_the_drawer(till: Session) -> None:
    sale = sell(till, MILK_BARCODE, pay=(Tender("card", 28_000),))
    with fake_printer() as printer, ReceiptPrinter(till.settings, uri=printer.uri) as receipts:
        receipts.print_sale(till, sale.reference)
        [printed] = printer.wait_for_jobs(1)
    page = page_of(printed)
    assert line_ending(page, "Card") == "280.00"
    assert page.items[-1] == "cut"
    assert not any(str(item).startswith("drawer") for item in page.items)


def test_reprint_is_marked_duplicate_and_never_opens_the_drawer(till: Session) -> None:
    sale = sell(till, TEA_BARCODE, pay=(Tender("cash", 50_000),))
    with fake_printer() as printer, ReceiptPrinter(till.settings, uri=printer.uri) as receipts:
        receipts.print_sale(till, sale.reference, duplicate=True)
        [printed] = printer.wait_for_jobs(1)
    page = page_of(printed)
    assert page.texts().count("*** DUPLICATE ***") == 2
    assert "drawer pin 2" not in page.items


def test_printer_off_during_the_sale_prints_the_receipt_once_when_switched_on(till: Session) -> None:
    port = free_port()
    receipts = ReceiptPrinter(till.settings, uri=f"tcp://127.0.0.1:{port}?timeout=0.3")
    receipts.start()
    try:
        sale = sell(till, TEA_BARCODE, pay=(Tender("cash", 50_000),))
        started = time.monotonic()
        job = receipts.print_sale(till, sale.reference)
        assert time.monotonic() - started < 0.5  # the checkout never waits for the printer
        assert not receipts.wait_printed(job, 0.5)
        status = receipts.status()
        assert status.state == "retrying" and status.pending == 1
        assert "refused the connection" in status.last_error and "the sale is saved" in status.last_error
        assert_verifies(Path(till.ledger.path))
        with fake_printer(port) as printer:
            assert receipts.wait_printed(job, 5)
            time.sleep(0.5)  # several back-off periods: nothing is sent twice
            [printed] = printer.jobs
        assert f"Sale {sale.reference}" in " ".join(page_of(printed).texts())
        assert receipts.status().ok
    finally:
        receipts.close()


def test_a_receipt_that_cannot_be_made_is_reported_not_raised(till: Session) -> None:
    with fake_printer() as printer, ReceiptPrinter(till.settings, uri=printer.uri) as receipts:
        assert receipts.print_sale(till, "T1-000999") is None
        status = receipts.status()
    assert "T1-000999" in status.last_error and "pos reprint --sale T1-000999" in status.last_error
    assert not status.ok


def test_two_programs_on_one_till_share_the_queue_and_each_job_prints_once(till: Session) -> None:
    first = sell(till, TEA_BARCODE, pay=(Tender("cash", 50_000),))
    second = sell(till, MILK_BARCODE, pay=(Tender("cash", 30_000),))
    with fake_printer() as printer:
        screen = ReceiptPrinter(till.settings, uri=printer.uri)
        script = ReceiptPrinter(till.settings, uri=printer.uri)
        screen.start()
        script.start()
        try:
            assert screen.status().prints_here and not script.status().prints_here
            assert script.status().state == "queued for another program"
            assert script.wait_printed(script.print_sale(till, second.reference), 5)
            assert screen.wait_printed(screen.print_sale(till, first.reference), 5)
            jobs = printer.wait_for_jobs(2)
            time.sleep(0.6)
        finally:
            script.close()
            screen.close()
    assert len(printer.jobs) == 2
    assert {first.reference, second.reference} == {
        next(t.split()[1] for t in page_of(job).texts() if t.startswith("Sale ")) for job in jobs
    }


def test_no_printer_configured_prints_nothing_and_says_so(till: Session) -> None:
    sale = sell(till, TEA_BARCODE, pay=(Tender("cash", 50_000),))
    with ReceiptPrinter(till.settings) as receipts:
        assert not receipts.enabled
        assert receipts.print_sale(till, sale.reference) is None
        assert receipts.status().sentence().startswith("No printer is configured")


def test_columns_and_code_page_come_from_the_config(tmp_path: Path, store_path: Path) -> None:
    config = write_config(tmp_path, 'profile = "TM-T20II"\ncolumns = 48\n')
    config.write_text(config.read_text() + '[store]\nlanguage = "de"\n')
    session = make_store(store_path, settings_of(config))
    try:
        sale = sell(session, TEA_BARCODE, pay=(Tender("cash", 50_000),))
        with fake_printer() as printer, ReceiptPrinter(session.settings, uri=printer.uri) as receipts:
            assert (receipts.renderer.columns, receipts.renderer.code_page) == (48, "CP858")
            receipts.print_sale(session, sale.reference)
            [printed] = printer.wait_for_jobs(1)
    finally:
        session.close()
    page = decode(printed, profile_code_pages("TM-T20II"))
    assert max(len(text) for text in page.texts()) == 48
    assert page.code_pages == [19]  # CP858 on Epson printers


def test_a_wrong_printer_address_in_the_config_is_refused_with_its_line(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'uri = "lpt://1"\n')
    with pytest.raises(ConfigError, match=r"devices\.printer\.uri \(line 5\).*unknown kind 'lpt'"):
        settings_of(config)
    config = write_config(tmp_path, 'drawer_pin = "none"\n')
    assert settings_of(config).devices.printer.drawer_pin is None


# --- `pos sale` and `pos reprint` ------------------------------------------------------------------


def test_pos_sale_prints_the_receipt_it_shows(till: Session, store_path: Path, config: Path) -> None:
    with fake_printer() as printer:
        result = pos("sale", "--user", "admin", "--db", str(store_path), "--config", str(config),
                     "--scan", f"2*{TEA_BARCODE}",
                     "--pay", "cash:1000", "--printer", printer.uri)
        assert result.exit_code == 0, result.output
        [printed] = printer.wait_for_jobs(1)
    assert "Receipt T1-000001 printed on Printer at 127.0.0.1" in result.stderr
    page = page_of(printed)
    shown = result.stdout.splitlines()
    for start in ("Subtotal", "Cash", "Change", "Tax 17%"):
        [text] = [t for t in shown if t.startswith(start)]
        assert line_ending(page, start) == text.removeprefix(start).strip()
    assert line_ending(page, "TOTAL") == "900.00" and line_ending(page, "Change") == "100.00"
    assert page.items[-1] == "drawer pin 2"
    assert_verifies(store_path)


def test_pos_sale_with_the_printer_off_saves_the_sale_and_queues_the_receipt(
    till: Session, store_path: Path, config: Path
) -> None:
    port = free_port()
    uri = f"tcp://127.0.0.1:{port}?timeout=0.3"
    result = pos("sale", "--user", "admin", "--db", str(store_path), "--config", str(config), "--scan", TEA_BARCODE,
                 "--pay", "cash:500", "--printer", uri, "--wait", "0.3")
    assert result.exit_code == 0, result.output
    assert "TOTAL" in result.stdout
    assert "Receipt T1-000001 is queued for retry" in result.stderr and "refused the connection" in result.stderr
    assert_verifies(store_path)
    with fake_printer(port) as printer:
        drained = pos("devices", "queue", "--config", str(config), "--printer", uri, "--wait", "5")
        assert drained.exit_code == 0, drained.output
        assert "1 job waiting" in drained.stdout and "Printed 1; 0 still waiting." in drained.stdout
        again = pos("devices", "queue", "--config", str(config), "--printer", uri, "--wait", "0.5")
        assert "0 jobs waiting" in again.stdout
        assert len(printer.jobs) == 1
    assert "Sale T1-000001" in " ".join(page_of(printer.jobs[0]).texts())


def test_pos_sale_with_a_wrong_printer_address_sells_nothing(till: Session, store_path: Path, config: Path) -> None:
    result = pos("sale", "--user", "admin", "--db", str(store_path), "--config", str(config), "--scan", TEA_BARCODE,
                 "--pay", "cash:500", "--printer", "tcp://")
    assert result.exit_code == 1
    assert "names no host" in result.stderr and "Nothing was sold" in result.stderr
    assert till.ledger.conn.execute("SELECT COUNT(*) FROM sales").fetchone()[0] == 0


def test_pos_reprint_says_duplicate_and_keeps_the_drawer_shut(till: Session, store_path: Path, config: Path) -> None:
    sale = sell(till, TEA_BARCODE, pay=(Tender("cash", 50_000),))
    with fake_printer() as printer:
        result = pos("reprint", "--sale", sale.reference, "--db", str(store_path), "--config", str(config),
                     "--printer", printer.uri)
        assert result.exit_code == 0, result.output
        [printed] = printer.wait_for_jobs(1)
    assert "*** DUPLICATE ***" in result.stdout
    assert f"Duplicate of {sale.reference} printed" in result.stderr
    page = page_of(printed)
    assert page.texts().count("*** DUPLICATE ***") == 2
    assert "drawer pin 2" not in page.items
    missing = pos("reprint", "--sale", "T1-000077", "--db", str(store_path), "--config", str(config))
    assert missing.exit_code == 1 and "There is no sale T1-000077" in missing.stderr


def test_waiting_jobs_are_visible_while_the_printer_is_off(till: Session) -> None:
    port = free_port()
    with ReceiptPrinter(till.settings, uri=f"tcp://127.0.0.1:{port}?timeout=0.2") as receipts:
        sale = sell(till, TEA_BARCODE, pay=(Tender("cash", 50_000),))
        receipts.print_sale(till, sale.reference)
        wait_until(lambda: receipts.status().state == "retrying", what="retrying")
        assert "1 job waiting" in receipts.status().sentence()


def test_pole_display_shows_the_last_item_the_total_and_then_the_change(
    till: Session, store_path: Path, tmp_path: Path
) -> None:
    line = FakeSerialLine(tmp_path / "pos-display")
    config = write_config(tmp_path, f'[devices.pole_display]\nport = "{line.port}"\n')
    try:
        result = pos("sale", "--user", "admin", "--db", str(store_path), "--config", str(config), "--scan", TEA_BARCODE,
                     "--scan", MILK_BARCODE, "--pay", "cash:1000")
        shown = line.received()
    finally:
        line.unplug()
    assert result.exit_code == 0, result.output
    screens = [s for s in shown.split(b"\x0c") if s]  # each update clears the display first
    assert screens[-2] == b"\x1bQAOlpers Milk 1 280.00\r\x1bQBTotal         730.00\r"
    assert screens[-1] == b"\x1bQATotal         730.00\r\x1bQBChange        270.00\r"
    assert_verifies(store_path)


def test_a_missing_pole_display_never_stops_the_sale(till: Session, store_path: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, f'[devices.pole_display]\nport = "{tmp_path / "unplugged"}"\n')
    result = pos("sale", "--user", "admin", "--db", str(store_path), "--config", str(config), "--scan", TEA_BARCODE,
                 "--pay", "cash:500")
    assert result.exit_code == 0, result.output
    assert "TOTAL" in result.stdout
    assert "customer display" in result.stderr and "sales carry on without it" in result.stderr
    assert_verifies(store_path)
