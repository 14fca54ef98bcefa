"""Stock totals kept as stock moves (db/0012): the stock reports read them instead of every product, and
they must say exactly what a pass over every product says, after sales, returns, deliveries at a new
cost, price and filing changes, a count below zero and a new reorder level; replay rebuilds them and
verify names a hand edit."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from pos_tui.config import Settings
from pos_tui.domain.events import ProductDetails
from pos_tui.ledger.database import _split_sql, migrations_dir, open_ledger
from pos_tui.ledger.verify import verify_ledger
from pos_tui.services.catalog import products
from pos_tui.services.demo.store import build_demo
from pos_tui.services.reports import registry
from pos_tui.services.reports.items import product_sums
from pos_tui.services.session import Session, open_session

from .conftest import assert_verifies

TOTALS = {"stock_groups": "category, vendor", "stock_ranks": "value, product_id", "reorder_due": "product_id"}
FIRST, LAST = "2025-06-01", "2025-06-30"


@pytest.fixture(scope="module")
def moved_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A month of a generated shop, then a manager's morning: a delivery at a new cost, a price change, a
    product filed under another category and vendor, a loss that takes one below zero, a reorder level."""
    path = tmp_path_factory.mktemp("moved") / "store.db"
    build_demo(Settings(), path, skus=300, days=30, seed=5, sales_per_day=25, last_day=date(2025, 6, 30))
    session = open_session(Settings(), path, username="manager")
    try:
        products.receive_stock(session, [(7, 12_000, 9_900), (8, 3_000, 1)], vendor="Metro")
        products.change_price(session, 9, 123_400, "promotion")
        moved = products.get_product(session, 10)
        products.change_product(session, 10, ProductDetails(
            moved.sku, moved.name, "Moved", "Elsewhere", moved.unit, moved.price, moved.cost, moved.tax_class,
            999_000_000, moved.group, moved.variant))
        on_hand = session.ledger.conn.execute("SELECT on_hand FROM stock WHERE product_id = 11").fetchone()[0]
        products.adjust_stock(session, 11, -on_hand - 2_000, "theft")
        assert moved.product_id == 10
    finally:
        session.close()
    return path


@pytest.fixture
def moved(moved_path: Path) -> Iterator[Session]:
    session = open_session(Settings(), moved_path, read_only=True)
    yield session
    session.close()


def _rows(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    return {table: conn.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall() for table, key in TOTALS.items()}


def test_the_totals_kept_as_stock_moved_equal_the_migrations_pass_over_every_product(moved_path: Path,
                                                                                    tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copyfile(moved_path, copy)
    ledger = open_ledger(copy)
    try:
        kept = _rows(ledger.conn)
        assert all(kept.values())
        assert ("Moved", "Elsewhere") in [row[:2] for row in kept["stock_groups"]]
        with ledger.write() as conn:
            for table in TOTALS:
                conn.execute(f"DELETE FROM {table}")
            script = (migrations_dir() / "0012_performance.sql").read_text(encoding="utf-8")
            for statement in _split_sql(script[script.index("-- Filling them"):]):
                conn.execute(statement)
        assert _rows(ledger.conn) == kept
    finally:
        ledger.close()


def _query(**filters: str) -> registry.ReportQuery:
    return registry.ReportQuery(FIRST, LAST, limit=0, **filters)


@pytest.mark.parametrize("filters", [{}, {"category": "Snacks"}, {"vendor": "Elsewhere"}])
def test_stock_valuation_equals_a_pass_over_every_product(moved: Session, filters: dict[str, str]) -> None:
    conditions = "".join(f" AND p.{name} = '{value}'" for name, value in filters.items())
    value = "(MAX(s.on_hand, 0) * p.{} + 500) / 1000"
    expected = moved.ledger.conn.execute(
        f"SELECT p.category, COUNT(*), SUM(s.on_hand > 0), SUM(s.on_hand < 0), SUM({value.format('cost')}),"
        f" SUM({value.format('price')}) FROM products p JOIN stock s USING (product_id) WHERE 1{conditions}"
        " GROUP BY p.category"
    ).fetchall()
    result = registry.run_report(moved, "stock-valuation", _query(**filters))
    assert sorted(row[:6] for row in result.rows) == sorted(expected)
    assert result.totals[4] == sum(row[4] for row in expected)


@pytest.mark.parametrize("filters", [{}, {"category": "Snacks"}, {"vendor": "Elsewhere"}])
@pytest.mark.parametrize("limit", [0, 1, 25, 100])
def test_slow_movers_equal_a_pass_over_every_product(moved: Session, filters: dict[str, str], limit: int) -> None:
    query = registry.ReportQuery(FIRST, LAST, limit=limit, **filters)
    sums, params = product_sums(moved, query)
    conditions = "".join(f" AND p.{name} = ?" for name in filters)
    value = "(s.on_hand * p.cost + 500) / 1000"
    everything = moved.ledger.conn.execute(
        f"SELECT p.sku, p.name, p.category, COALESCE(g.quantity, 0), COALESCE(g.net, 0), s.on_hand, {value}"
        f" FROM products p JOIN stock s USING (product_id) LEFT JOIN ({sums}) g USING (product_id)"
        f" WHERE s.on_hand > 0{conditions} ORDER BY COALESCE(g.quantity, 0), {value} DESC, p.product_id",
        [*params, *filters.values()],
    ).fetchall()
    result = registry.run_report(moved, "slow-movers", query)
    assert list(result.rows) == everything[:limit or None]
    assert result.omitted == len(everything) - len(result.rows)
    assert result.totals[3:] == (sum(r[3] for r in everything), sum(r[4] for r in everything),
                                 sum(r[5] for r in everything), sum(r[6] for r in everything))


def test_reorder_lists_every_product_below_its_level_and_only_those(moved: Session) -> None:
    expected = moved.ledger.conn.execute(
        "SELECT p.sku FROM products p JOIN stock s USING (product_id)"
        " WHERE p.reorder_level > 0 AND s.on_hand < p.reorder_level ORDER BY p.vendor, p.category, p.name"
    ).fetchall()
    result = registry.run_report(moved, "reorder", _query())
    assert [(row[2],) for row in result.rows] == expected
    assert any(row[0] == "Elsewhere" for row in result.rows)


def test_the_totals_replay_exactly(moved_path: Path) -> None:
    assert_verifies(moved_path)


@pytest.mark.parametrize(("table", "edit"), [
    ("stock_groups", "UPDATE stock_groups SET at_cost = at_cost + 1 WHERE category = 'Snacks'"),
    ("stock_ranks", "DELETE FROM stock_ranks WHERE product_id = (SELECT MIN(product_id) FROM stock_ranks)"),
    ("reorder_due", "INSERT INTO reorder_due VALUES (1)"),
])
def test_a_stock_total_edited_by_hand_is_reported(moved_path: Path, tmp_path: Path, table: str, edit: str) -> None:
    copy = tmp_path / "edited.db"
    shutil.copyfile(moved_path, copy)
    with closing(sqlite3.connect(copy)) as conn, conn:
        conn.execute("DELETE FROM reorder_due WHERE product_id = 1")
        conn.execute(edit)
    ledger = open_ledger(copy, read_only=True)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    assert [problem.message.split(" row ")[0] for problem in report.problems] == [table]
