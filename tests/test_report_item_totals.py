"""Every product's sales since the first day, kept by triggers on the day summaries (db/0017): item
reports over a store's whole history read a page off an index and their totals off one row, and must
say exactly what a plain sum of the day rows says, over any period; replay rebuilds the totals and
verify names a hand edit."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest

from pos_tui.config import Settings
from pos_tui.ledger.database import _split_sql, migrations_dir, open_ledger
from pos_tui.ledger.projections.item_totals import TABLES
from pos_tui.ledger.verify import verify_ledger
from pos_tui.services.demo.store import build_demo
from pos_tui.services.reports import registry
from pos_tui.services.reports.model import per, ratio_bp
from pos_tui.services.session import Session, open_session

from .conftest import assert_verifies

FIRST_DAY, LAST_DAY = date(2025, 5, 18), date(2025, 6, 30)  # 44 days over two calendar months and a half


@pytest.fixture(scope="module")
def shop_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("items") / "store.db"
    summary = build_demo(Settings(), path, skus=300, days=44, seed=7, sales_per_day=20, last_day=LAST_DAY)
    assert summary.returns and summary.voids  # returns and voids take sums back out: both are covered
    return path


@pytest.fixture
def shop(shop_path: Path) -> Iterator[Session]:
    session = open_session(Settings(), shop_path, read_only=True)
    yield session
    session.close()


def _rows(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    return {table: conn.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall() for table, key in TABLES.items()}


def test_the_totals_kept_by_trigger_equal_the_migrations_sum_of_the_summaries(shop_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copyfile(shop_path, copy)
    ledger = open_ledger(copy)
    try:
        kept = _rows(ledger.conn)
        assert len(kept["report_product_totals"]) > 100 and kept["report_item_totals"][0][1] > 100
        with ledger.write() as conn:
            for table in TABLES:
                conn.execute(f"DELETE FROM {table}")
            script = (migrations_dir() / "0017_item_totals.sql").read_text(encoding="utf-8")
            for statement in _split_sql(script[script.index("-- Filling them"):]):
                conn.execute(statement)
        assert _rows(ledger.conn) == kept
    finally:
        ledger.close()


# Each report's order over (product_id, sku, name, category, quantity, returned, net, tax, cost).
_ITEM_ORDERS = {
    "sales-by-item": lambda r: (-r[6], r[0]),
    "top-movers": lambda r: (-r[4], -r[6], r[0]),
    "margin-by-item": lambda r: (-(r[6] - r[8]), r[0]),
}


def _plain_sums(conn: sqlite3.Connection, first: str, last: str) -> list[tuple[int, ...]]:
    """(product_id, quantity, returned, lines, net, tax, gross, cost) per product moved in the days: the day rows
    added up, nothing else."""
    return conn.execute(
        "SELECT product_id, SUM(quantity), SUM(returned), SUM(lines), SUM(net), SUM(tax), SUM(gross), SUM(cost)"
        " FROM report_product_days WHERE day BETWEEN ? AND ? GROUP BY product_id HAVING SUM(lines) + SUM(returned) > 0",
        (first, last),
    ).fetchall()


def _periods() -> list[tuple[date, date]]:
    """The whole history (and wider), whole and partial months, a day, and random spans."""
    rng = random.Random(17)
    periods = [(FIRST_DAY, LAST_DAY), (date(2025, 1, 1), date(2025, 12, 31)), (FIRST_DAY - timedelta(days=3), LAST_DAY),
               (date(2025, 6, 1), date(2025, 6, 30)), (date(2025, 5, 20), date(2025, 6, 11)), (LAST_DAY, LAST_DAY),
               (FIRST_DAY, LAST_DAY - timedelta(days=1)), (FIRST_DAY + timedelta(days=1), LAST_DAY + timedelta(days=9))]
    for _ in range(6):
        first = FIRST_DAY + timedelta(days=rng.randrange(-5, 40))
        periods.append((first, first + timedelta(days=rng.randrange(0, 50))))
    return periods


@pytest.mark.parametrize(("first", "last"), _periods())
@pytest.mark.parametrize("name", sorted(_ITEM_ORDERS))
def test_item_reports_equal_a_plain_sum_of_the_day_rows_over_any_period(shop: Session, name: str, first: date,
                                                                        last: date) -> None:
    conn = shop.ledger.conn
    sums = _plain_sums(conn, first.isoformat(), last.isoformat())
    catalogue = {pid: (sku, item, category) for pid, sku, item, category in
                 conn.execute("SELECT product_id, sku, name, category FROM products")}
    everything = sorted(
        ((pid, *catalogue[pid], quantity, returned, net, tax, cost) for pid, quantity, returned, _, net, tax, _, cost
         in sums),
        key=_ITEM_ORDERS[name],
    )
    for limit in (0, 1, 10):
        result = registry.run_report(shop, name, registry.ReportQuery(first.isoformat(), last.isoformat(), limit=limit))
        expected = [(sku, item, category, quantity, returned, net, tax, cost, net - cost, ratio_bp(net - cost, net))
                    for _, sku, item, category, quantity, returned, net, tax, cost in everything[:limit or None]]
        assert list(result.rows) == expected
        assert result.omitted == len(everything) - len(expected)
        quantity, returned, net, tax, cost = (sum(r[i] for r in everything) for i in (4, 5, 6, 7, 8))
        assert result.totals[3:] == (quantity, returned, net, tax, cost, net - cost, ratio_bp(net - cost, net))


@pytest.mark.parametrize(("first", "last"), _periods()[:4])
@pytest.mark.parametrize("limit", [0, 1, 25])
def test_slow_movers_equal_a_pass_over_every_product_with_the_plain_sums(shop: Session, first: date, last: date,
                                                                         limit: int) -> None:
    conn = shop.ledger.conn
    sums = {pid: (quantity, net) for pid, quantity, _, _, net, *_ in _plain_sums(conn, first.isoformat(),
                                                                                 last.isoformat())}
    stocked = conn.execute("SELECT p.product_id, p.sku, p.name, p.category, s.on_hand,"
                           " (s.on_hand * p.cost + 500) / 1000 FROM products p JOIN stock s USING (product_id)"
                           " WHERE s.on_hand > 0").fetchall()
    everything = sorted(((pid, sku, item, category, *sums.get(pid, (0, 0)), on_hand, value)
                         for pid, sku, item, category, on_hand, value in stocked),
                        key=lambda r: (r[4], -r[7], r[0]))
    result = registry.run_report(shop, "slow-movers", registry.ReportQuery(first.isoformat(), last.isoformat(),
                                                                           limit=limit))
    assert list(result.rows) == [r[1:] for r in everything[:limit or None]]
    assert result.omitted == len(everything) - len(result.rows)
    assert result.totals[3:] == tuple(sum(r[i] for r in everything) for i in (4, 5, 6, 7))


@pytest.mark.parametrize(("first", "last"), _periods()[:5])
@pytest.mark.parametrize("filters", [{}, {"category": "Snacks"}])
def test_sell_through_equals_a_pass_over_the_plain_sums(shop: Session, first: date, last: date,
                                                      filters: dict[str, str]) -> None:
    conn = shop.ledger.conn
    days = (last - first).days + 1
    catalogue = {pid: (sku, item, category, on_hand) for pid, sku, item, category, on_hand in conn.execute(
        "SELECT p.product_id, p.sku, p.name, p.category, s.on_hand FROM products p JOIN stock s USING (product_id)"
        " WHERE 1" + "".join(f" AND p.{name} = '{value}'" for name, value in filters.items()))}
    sold = [(pid, quantity) for pid, quantity, *_ in _plain_sums(conn, first.isoformat(), last.isoformat())
            if quantity > 0 and pid in catalogue]
    everything = sorted(((max(catalogue[pid][3], 0) * days // quantity, -quantity, pid) for pid, quantity in sold))
    for limit in (0, 10):
        result = registry.run_report(shop, "sell-through", registry.ReportQuery(first.isoformat(), last.isoformat(),
                                                                                limit=limit, **filters))
        expected = []
        for cover, negative, pid in everything[:limit or None]:
            sku, item, category, on_hand = catalogue[pid]
            expected.append((sku, item, category, -negative, on_hand, ratio_bp(-negative, -negative + max(on_hand, 0)),
                             per(-negative, days), cover))
        assert list(result.rows) == expected
        assert result.omitted == len(everything) - len(expected)
        units = sum(-negative for _, negative, _ in everything)
        assert result.totals[3:5] == (units, sum(max(catalogue[pid][3], 0) for _, _, pid in everything))


def test_the_totals_replay_exactly(shop_path: Path) -> None:
    assert_verifies(shop_path)


@pytest.mark.parametrize(("table", "edit"), [
    ("report_product_totals", "UPDATE report_product_totals SET net = net + 1"
                              " WHERE product_id = (SELECT MIN(product_id) FROM report_product_totals)"),
    ("report_product_totals", "DELETE FROM report_product_totals"
                              " WHERE product_id = (SELECT MAX(product_id) FROM report_product_totals)"),
    ("report_item_totals", "UPDATE report_item_totals SET quantity = quantity - 1000"),
])
def test_a_total_edited_by_hand_is_reported(shop_path: Path, tmp_path: Path, table: str, edit: str) -> None:
    copy = tmp_path / "edited.db"
    shutil.copyfile(shop_path, copy)
    with closing(sqlite3.connect(copy)) as conn, conn:
        conn.execute(edit)
    ledger = open_ledger(copy, read_only=True)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    assert table in {problem.message.split(" row ")[0] for problem in report.problems}
