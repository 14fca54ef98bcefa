"""End of day: an X changes nothing, a Z closes the day once, numbered without gaps, and says
which shifts are still open; an old store migrates to cash control and replays to the same rows."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pos_tui.config import DeviceSettings, Settings
from pos_tui.devices.settings import PrinterConfig
from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import RuleViolation
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import APPLICATION_ID, migrations_dir, open_ledger
from pos_tui.ledger.journal import entries_after, insert_recorded_many
from pos_tui.ledger.projections.catalogue import HANDLERS as CATALOGUE_HANDLERS
from pos_tui.ledger.projections.core import HANDLERS as CORE_HANDLERS
from pos_tui.services.cash import day_reports, shifts
from pos_tui.services.catalog import products
from pos_tui.services.reports.printed import day_report_document, print_report, report_text
from pos_tui.services.selling import sales
from pos_tui.services.selling.printing import ReceiptPrinter
from pos_tui.services.session import Session, open_session

from .conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store

MORNING = datetime(2053, 3, 3, 5, 0, tzinfo=UTC)  # 10:00 in Karachi


def _sell(session: Session, barcode: str, tender: Tender) -> None:
    sales.complete_sale(session, Cart().add(products.resolve_scan(session, barcode)), [tender])


def _trade_a_day(session: Session) -> None:
    shifts.open_shift(session, float_amount=10000)
    _sell(session, TEA_BARCODE, Tender("cash", 50000))
    _sell(session, MILK_BARCODE, Tender("card", 28000))
    shifts.close_shift(session, counted=10000 + 45000)


def test_an_x_report_changes_nothing(store: Session) -> None:
    _trade_a_day(store)
    head = store.ledger.head()
    x = day_reports.x_report(store)
    assert store.ledger.head() == head
    assert (x.kind, x.z_number, x.next_z_number, x.totals.sales_count, x.grand_total) == ("X", None, 1, 2, 73000)
    assert {m.key: m.amount for m in x.totals.by_method} == {"cash": 45000, "card": 28000}
    assert [(r.key, r.amount, r.tax) for r in x.totals.by_tax_rate] == [("500", 26667, 1333), ("1700", 38462, 6538)]
    assert "X REPORT (next Z 1)" in report_text(day_report_document(store, x))


def test_z_numbers_are_gapless_across_restarts_and_the_grand_total_carries_on(store_path: Path) -> None:
    # Three days in the past, then today's Z from the command line: time moves forward throughout.
    first = datetime.now(UTC).replace(hour=5, minute=0, second=0, microsecond=0) - timedelta(days=5)
    session = make_store(store_path, opened_at=first - timedelta(hours=1))
    for day in range(3):
        session.clock = lambda day=day: first + timedelta(days=day)  # type: ignore[misc]
        _trade_a_day(session)
        closed = day_reports.z_report(session)
        assert closed.report.z_number == day + 1
        assert closed.report.grand_total == 73000 * (day + 1)
        assert closed.report.head_seq == closed.report.totals.to_seq == session.ledger.head().seq - 1
        session.close()
        session = open_session(Settings(), store_path, username="admin")  # the till restarts
    assert [r.z_number for r in map(lambda n: day_reports.recorded_z(session, n), (1, 2, 3))] == [1, 2, 3]
    session.close()
    # One more Z from a fresh process, on today's business day.
    done = subprocess.run([sys.executable, "-m", "pos_tui.cli.main", "report", "z", "--db", str(store_path),
                           "--user", "admin", "--no-print"], capture_output=True, text=True, check=True)
    assert "Z REPORT 4" in done.stdout
    again = subprocess.run([sys.executable, "-m", "pos_tui.cli.main", "report", "z", "--db", str(store_path),
                            "--user", "admin"], capture_output=True, text=True)
    assert again.returncode == 1 and "was already closed by Z 4" in again.stderr
    assert_verifies(store_path)


def test_a_second_z_on_the_same_business_day_is_refused(store: Session) -> None:
    store.clock = lambda: MORNING
    day_reports.z_report(store)
    head = store.ledger.head()
    store.clock = lambda: MORNING + timedelta(hours=10)  # 20:00, still the same day
    with pytest.raises(RuleViolation, match="2053-03-03 was already closed by Z 1"):
        day_reports.z_report(store)
    assert store.ledger.head() == head


def test_a_z_while_another_terminals_shift_is_open_lists_it_and_needs_force(store: Session) -> None:
    store.clock = lambda: MORNING
    other = Session(store.ledger, store.settings, "admin", "T2", store.clock)
    shifts.open_shift(other, float_amount=5000)
    _trade_a_day(store)
    head = store.ledger.head()
    with pytest.raises(day_reports.ShiftsStillOpen, match=r"1 shift is still open: T2-S0001 on T2") as refused:
        day_reports.z_report(store)
    assert [s.shift_id for s in refused.value.shifts] == ["T2-S0001"]
    assert store.ledger.head() == head
    forced = day_reports.z_report(store, force=True).report
    assert forced.open_shifts == ("T2-S0001",)


def test_a_z_prints_on_the_receipt_printer(store: Session, tmp_path: Path) -> None:
    paper = tmp_path / "lp0"
    paper.touch()
    settings = Settings(devices=DeviceSettings(printer=PrinterConfig(uri=f"file://{paper}",
                                                                        spool_dir=tmp_path / "spool")))
    _trade_a_day(store)
    closed = day_reports.z_report(store)
    with ReceiptPrinter(settings) as printer:
        job = print_report(printer, day_report_document(store, closed.report))
        assert printer.wait_printed(job, 5)
    assert b"Z REPORT 1" in paper.read_bytes()


def _downgrade_to_schema_1(live: Path, old: Path) -> None:
    """A store as pos_tui wrote it before cash control: schema 1, the same journal, its catalogue and core
    projections only."""
    conn = sqlite3.connect(old)
    conn.executescript((migrations_dir() / "0001_initial.sql").read_text())
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    source = open_ledger(live, read_only=True)
    entries = list(entries_after(source, 0))
    source.close()
    insert_recorded_many(conn, entries)
    for entry in entries:
        for handlers in (CATALOGUE_HANDLERS, CORE_HANDLERS):
            if entry.kind in handlers:
                handlers[entry.kind](conn, entry, entry.payload)
    conn.commit()
    conn.close()


def test_a_store_that_sold_before_shifts_migrates_and_replays_to_the_same_rows(store: Session, tmp_path: Path) -> None:
    _sell(store, TEA_BARCODE, Tender("cash", 45000))
    _sell(store.as_user("admin"), MILK_BARCODE, Tender("card", 28000))
    old = tmp_path / "old.db"
    _downgrade_to_schema_1(store.ledger.path, old)
    open_ledger(old, migrate=True).close()
    assert_verifies(old)
    session = open_session(Settings(), old, username="admin")
    started = shifts.current_shift(session)
    assert started is not None and started.shift_id == "T1-S0001" and started.auto_opened
    assert shifts.close_shift(session, counted=45000).report.variance == 0
    session.close()
    assert_verifies(old)


def test_gift_cards_sold_are_their_own_line_on_the_z_and_a_z_without_them_keeps_its_old_payload(
        store_path: Path) -> None:
    import json

    from pos_tui.domain.cash_events import PeriodTotals
    from pos_tui.services.giftcards import cards

    session = make_store(store_path, opened_at=MORNING)
    session.clock = lambda: MORNING + timedelta(hours=1)
    _sell(session, TEA_BARCODE, Tender("cash", 45000))
    first = day_reports.z_report(session, force=True)
    payload = json.loads(session.ledger.conn.execute(
        "SELECT payload FROM journal WHERE seq = ?", (session.ledger.head().seq,)).fetchone()[0])
    old_fields = {f for f in PeriodTotals.__dataclass_fields__ if not f.startswith("gift_cards")}
    assert set(payload["totals"]) == old_fields  # what every Z before this change held
    assert "Gift cards sold" not in report_text(day_report_document(session, first.report))

    session.clock = lambda: MORNING + timedelta(days=1, hours=1)
    sales.complete_sale(session, cards.add_to_cart(session, Cart().add(products.resolve_scan(session, TEA_BARCODE)),
                                                   None, 50000), [Tender("cash", 95000)])
    x = day_reports.x_report(session)
    assert (x.totals.gift_cards_sold_count, x.totals.gift_cards_sold, x.totals.sales_total) == (1, 50000, 45000)
    second = day_reports.z_report(session, force=True)
    text = report_text(day_report_document(session, second.report))
    assert "Gift cards sold (1)" in text and "500.00" in text
    assert day_reports.recorded_z(session, 1).totals.gift_cards_sold == 0
    session.close()
    assert_verifies(store_path)
