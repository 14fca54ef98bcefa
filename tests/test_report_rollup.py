"""A sale adds its products to the day table only; the months and years take a day when a later one
opens (db/0018), and reports read the open day from the days in the same statement: the figures are
those of every sold line, whichever day is open, and verify derives the same rows."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import open_ledger
from pos_tui.services.catalog import products
from pos_tui.services.reports import registry
from pos_tui.services.selling import sales
from pos_tui.services.session import Session

from .conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store

MONDAY = datetime(2053, 3, 3, 9, 0, tzinfo=UTC)  # 3 March in any zone from UTC-9 to UTC+14


def _sell(session: Session, *scans: str) -> None:
    cart = Cart()
    for scan in scans:
        cart = cart.add(products.resolve_scan(session, scan))
    sales.complete_sale(session, cart, [Tender("cash", 2_000_000)])


def _rows(conn: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    return conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()


def _by_item(session: Session, first: str, last: str) -> dict[str, tuple[object, ...]]:
    result = registry.run_report(session, "sales-by-item", registry.ReportQuery(first, last, limit=0))
    return {row[0]: row[3:8] for row in result.rows}  # type: ignore[misc]


def _from_lines(session: Session, first: str, last: str) -> dict[str, tuple[object, ...]]:
    """The same figures summed from the sale and return lines themselves."""
    rows = session.ledger.conn.execute(
        "SELECT p.sku, SUM(x.quantity), SUM(x.returned), SUM(x.net), SUM(x.tax), SUM(x.cost) FROM ("
        " SELECT s.day, l.product_id, l.quantity, 0 AS returned, l.net, l.tax, l.cost"
        " FROM sale_lines l JOIN sales s ON s.seq = l.sale_seq"
        " UNION ALL SELECT r.day, l.product_id, -l.quantity, l.quantity, -l.net, -l.tax,"
        " CASE WHEN l.restock THEN -l.cost ELSE 0 END FROM return_lines l JOIN returns r ON r.seq = l.return_seq"
        ") x JOIN products p USING (product_id) WHERE x.day BETWEEN ? AND ? GROUP BY p.sku",
        (first, last),
    ).fetchall()
    return {sku: tuple(figures) for sku, *figures in rows}


def test_a_sale_writes_day_rows_only_and_a_later_day_rolls_the_open_one(tmp_path: Path) -> None:
    store = make_store(tmp_path / "store.db", opened_at=MONDAY - timedelta(hours=1))
    try:
        store.clock = lambda: MONDAY
        _sell(store, TEA_BARCODE, MILK_BARCODE)
        conn = store.ledger.conn
        assert _rows(conn, "report_rollup") == [(1, "2053-03-03")]
        assert _rows(conn, "report_product_months") == [] and _rows(conn, "report_product_years") == []
        _sell(store, TEA_BARCODE)  # the same open day: its product's day row, nothing in months or years
        assert _rows(conn, "report_product_months") == []
        store.clock = lambda: MONDAY + timedelta(days=1)
        _sell(store, MILK_BARCODE)
        assert _rows(conn, "report_rollup") == [(1, "2053-03-04")]
        days = _rows(conn, "report_product_days")
        monday = [row[1:] for row in days if row[0] == "2053-03-03"]
        assert [row[1:] for row in _rows(conn, "report_product_months")] == monday
        assert [row[1:] for row in _rows(conn, "report_product_years")] == monday
        for first, last in (("2053-03-01", "2053-03-31"), ("2053-01-01", "2053-12-31"), ("2053-03-04", "2053-03-04"),
                            ("2053-02-01", "2053-03-03"), ("2052-12-01", "2053-06-30")):
            assert _by_item(store, first, last) == _from_lines(store, first, last), (first, last)
    finally:
        store.close()
    assert_verifies(tmp_path / "store.db")


def test_a_till_whose_clock_is_behind_adds_to_the_months_and_years_at_once(tmp_path: Path) -> None:
    store = make_store(tmp_path / "store.db", opened_at=MONDAY - timedelta(hours=1))
    try:
        store.clock = lambda: MONDAY + timedelta(days=1)
        _sell(store, TEA_BARCODE)
        behind = Session(store.ledger, store.settings, store.username, "T9", lambda: MONDAY)
        _sell(behind, MILK_BARCODE, MILK_BARCODE)  # Monday's, recorded after Tuesday opened
        conn = store.ledger.conn
        assert _rows(conn, "report_rollup") == [(1, "2053-03-04")]
        monday = [row[1:] for row in _rows(conn, "report_product_days") if row[0] == "2053-03-03"]
        assert monday and [row[1:] for row in _rows(conn, "report_product_months")] == monday
        for first, last in (("2053-03-01", "2053-03-31"), ("2053-01-01", "2053-12-31"), ("2053-03-03", "2053-03-03")):
            assert _by_item(store, first, last) == _from_lines(store, first, last), (first, last)
    finally:
        store.close()
    assert_verifies(tmp_path / "store.db")


def test_migrating_a_store_whose_months_held_every_day_takes_the_open_day_out(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    store = make_store(path, opened_at=MONDAY - timedelta(hours=1))
    try:
        store.clock = lambda: MONDAY
        _sell(store, TEA_BARCODE, MILK_BARCODE)
        store.clock = lambda: MONDAY + timedelta(days=1)
        _sell(store, TEA_BARCODE)
        conn = store.ledger.conn
        now = {t: _rows(conn, t) for t in ("report_product_months", "report_product_years", "report_rollup")}
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    old = tmp_path / "old.db"
    shutil.copyfile(path, old)
    with closing(sqlite3.connect(old)) as raw, raw:
        # Schema 17's shape (before 0018 to 0021): no open day, and every day (Tuesday too) in its month and year.
        raw.executescript(
            "DROP TABLE report_rollup; DROP TABLE chain_office_approvals;"
            " DROP TABLE chain_office_products; DROP TABLE chain_office_tax_classes;"
            " ALTER TABLE chain_sync DROP COLUMN restored_seq;"
            " DELETE FROM report_product_months; DELETE FROM report_product_years;"
            " INSERT INTO report_product_months SELECT substr(day, 1, 7), product_id, SUM(quantity), SUM(returned),"
            " SUM(lines), SUM(net), SUM(tax), SUM(gross), SUM(cost) FROM report_product_days GROUP BY 1, 2;"
            " INSERT INTO report_product_years SELECT substr(month, 1, 4), product_id, SUM(quantity), SUM(returned),"
            " SUM(lines), SUM(net), SUM(tax), SUM(gross), SUM(cost) FROM report_product_months GROUP BY 1, 2;"
            " PRAGMA user_version = 17;"
        )
    ledger = open_ledger(old, migrate=True)
    try:
        assert {t: _rows(ledger.conn, t) for t in now} == now
    finally:
        ledger.close()
    assert_verifies(old)
