"""Verify checks the daybook's and the reports' tables against rows derived in SQL from the journal,
the sales and the returns (``Area.derive``), not against a second run of their handlers: the two must
agree row for row, whatever was sold, returned, voided or re-filed, and an edit to either table is
reported."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.projections import CHECK_OF_TABLE, PROJECTION_TABLES, Check
from pos_tui.ledger.replay import derive_projections, open_scratch
from pos_tui.ledger.verify import verify_ledger
from pos_tui.services.cash import moves
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session

from .conftest import MILK_BARCODE, SAMPLE_PRODUCTS, TEA, TEA_BARCODE

DERIVED_TABLES = frozenset(table for table, check in CHECK_OF_TABLE.items() if check is Check.DERIVE)


def _sell(session: Session, scan: str, *tenders: Tender) -> str:
    return sales.complete_sale(session, Cart().add(products.resolve_scan(session, scan)), tenders).reference


def _refile_tea(session: Session, category: str, vendor: str) -> None:
    products.change_product(session, TEA, dataclasses.replace(SAMPLE_PRODUCTS[0], category=category, vendor=vendor))


def _rows(path: Path, tables: frozenset[str]) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY {PROJECTION_TABLES[t]}").fetchall() for t in tables}


@pytest.fixture
def trading(store: Session) -> Session:
    """Tea sold, re-filed under another category and vendor, sold again the next day (so the first day is
    in the months and years, db/0018); a part return, a void, a return without a receipt, a split
    tender, a paid-out and a no-sale."""
    first = _sell(store, f"4*{TEA_BARCODE}", Tender("card", 100_000), Tender("cash", 200_000))
    _refile_tea(store, "Hot drinks", "Lipton")
    store.clock = lambda: datetime.now(UTC) + timedelta(days=1)
    _sell(store, f"2*{TEA_BARCODE}", Tender("cash", 200_000))
    milk = _sell(store, MILK_BARCODE, Tender("wallet", 28_000))
    sales.return_items(store, first, [(1, 1000)], reason="dented tin")
    sales.void_sale(store, milk, reason="wrong item")
    sales.return_without_receipt(store, Cart().add(products.resolve_scan(store, TEA_BARCODE)), reason="gift")
    moves.paid_out(store, 5_000, "supplies", "milk for the staff tea")
    moves.no_sale(store, "change for a note")
    return store


def test_a_line_counts_under_the_filing_its_product_had_when_it_was_recorded(trading: Session) -> None:
    groups = {(category, vendor) for category, vendor in trading.ledger.conn.execute(
        "SELECT category, vendor FROM report_group_days")}
    assert {("Tea", "Tapal"), ("Hot drinks", "Lipton")} <= groups
    report = verify_ledger(trading.ledger)
    assert report.ok, "; ".join(map(str, report.problems))


def test_the_derived_rows_equal_the_rows_the_handlers_wrote(trading: Session, tmp_path: Path) -> None:
    derived = tmp_path / "derived.db"
    open_scratch(derived).close()
    derive_projections(trading.ledger.path, derived, trading.ledger.head().seq)
    live = _rows(trading.ledger.path, DERIVED_TABLES)
    assert all(live.values()), [t for t, rows in live.items() if not rows]
    assert _rows(derived, DERIVED_TABLES) == live


def test_entries_after_the_head_verify_read_change_nothing_it_derives(store: Session, tmp_path: Path) -> None:
    """Tills keep selling during verify: the derivation stops at the head it was given, and a product
    re-filed afterwards still files the earlier lines as they were."""
    _sell(store, f"3*{TEA_BARCODE}", Tender("cash", 200_000))
    _sell(store, MILK_BARCODE, Tender("card", 28_000))
    head = store.ledger.head().seq
    then = tmp_path / "then.db"
    store.ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(store.ledger.path, then)
    _refile_tea(store, "Hot drinks", "Lipton")
    _sell(store, f"2*{TEA_BARCODE}", Tender("cash", 200_000))
    moves.paid_out(store, 5_000, "supplies", "milk for the staff tea")
    derived = tmp_path / "derived.db"
    open_scratch(derived).close()
    derive_projections(store.ledger.path, derived, head)
    assert _rows(derived, DERIVED_TABLES) == _rows(then, DERIVED_TABLES)


@pytest.mark.parametrize(("table", "edit"), [
    ("report_group_days", "UPDATE report_group_days SET net = net + 100 WHERE category = 'Tea'"),
    ("report_product_years",
     "DELETE FROM report_product_years WHERE product_id = (SELECT MIN(product_id) FROM report_product_years)"),
    ("report_product_months", "UPDATE report_product_months SET net = net + 1"),
    ("report_rollup", "UPDATE report_rollup SET open_day = '2020-01-01'"),
    ("report_tender_days", "INSERT INTO report_tender_days VALUES ('2020-01-01', 'assets:x', 'T1', 'x', 1, 0, 5)"),
    ("report_sale_slices", "UPDATE report_sale_slices SET approvals = approvals + 1"),
    ("money_movements", "UPDATE money_movements SET amount = amount - 1 WHERE kind = 'cash.paid_out'"),
])
def test_a_summary_or_daybook_row_edited_is_reported(trading: Session, tmp_path: Path, table: str, edit: str) -> None:
    copy = tmp_path / "edited.db"
    trading.ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(trading.ledger.path, copy)
    with closing(sqlite3.connect(copy)) as conn, conn:
        conn.execute(edit)
    ledger = open_ledger(copy, read_only=True)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    assert [problem.message.split(" row ")[0] for problem in report.problems] == [table]


@pytest.mark.parametrize("table", ["gift_card_moves", "report_product_days", "chain_epochs"])
def test_a_table_gone_from_the_store_is_named_by_verify_never_a_traceback(tmp_path: Path, table: str) -> None:
    """A projection table dropped by hand (or a migration never applied) fails `pos db verify` with a
    sentence naming it and what to do; the command exits 1 without a traceback."""
    import subprocess
    import sys

    from tests.conftest import make_store

    path = tmp_path / "store.db"
    session = make_store(path)
    sales.complete_sale(session, Cart().add(products.resolve_scan(session, TEA_BARCODE)), [Tender("cash", 50_000)])
    session.close()
    with closing(sqlite3.connect(path)) as raw, raw:
        raw.execute(f"DROP TABLE {table}")
    ledger = open_ledger(path)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    assert not report.ok
    assert f"the table {table} is missing from the store" in "; ".join(str(p) for p in report.problems)
    done = subprocess.run([sys.executable, "-m", "pos_tui.cli.main", "db", "verify", "--db", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"the table {table} is missing from the store" in done.stdout + done.stderr
