"""A manager's month in reports: every figure agrees with hledger over our own export, every grand
total ties back to the daybook, and the summaries behind them replay (and migrate) to the same rows."""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pos_tui.config import Settings
from pos_tui.domain.errors import InvalidInput
from pos_tui.ledger.database import _split_sql, migrations_dir, open_ledger
from pos_tui.ledger.projections.reports import TABLES
from pos_tui.services.cash import daybook
from pos_tui.services.demo.store import build_demo
from pos_tui.services.reports import export, registry
from pos_tui.services.reports import items as report_items
from pos_tui.services.reports.model import Term, plan_range
from pos_tui.services.session import Session, open_session

from .conftest import assert_verifies
from .support.tools import require_tool

FIRST, LAST = "2025-06-01", "2025-06-30"


@pytest.fixture(scope="module")
def month_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """June 2025 of a generated shop: ~900 sales over two tills, discounts, returns, voids, deliveries."""
    path = tmp_path_factory.mktemp("month") / "store.db"
    build_demo(Settings(), path, skus=400, days=30, seed=3, sales_per_day=30, last_day=date(2025, 6, 30))
    return path


@pytest.fixture
def month(month_path: Path) -> Iterator[Session]:
    session = open_session(Settings(), month_path, read_only=True)
    yield session
    session.close()


def run(session: Session, name: str, **filters: str) -> registry.ReportResult:
    return registry.run_report(session, name, registry.ReportQuery(FIRST, LAST, limit=0, **filters))


def hledger_balances(session: Session, tmp_path: Path) -> dict[str, int]:
    """hledger's balance of every account over the month's sales and returns, in minor units."""
    hledger = require_tool("hledger")
    journal = tmp_path / "month.journal"
    with journal.open("w", encoding="utf-8") as out:
        export.export_journal(session, "hledger", out, from_day=FIRST, to_day=LAST)
    # Sales are described by their receipt ("T1-000042"), returns by "RT1-000042"; deliveries and the
    # opening stock by their journal number: keep the selling.
    output = subprocess.run([hledger, "-f", str(journal), "bal", "--flat", "-N", "-O", "csv", "desc:^R?T[0-9]"],
                            check=True, capture_output=True, text=True).stdout
    return {row[0]: int(Decimal(row[1].split()[0]) * 100) for row in list(csv.reader(io.StringIO(output)))[1:]}


def test_sales_tax_cost_and_each_tender_equal_what_hledger_computes_from_our_export(
    month: Session, tmp_path: Path
) -> None:
    theirs = hledger_balances(month, tmp_path)
    by_day = run(month, "sales-by-day")
    assert by_day.total("net") == -theirs["income:sales"]
    assert by_day.total("tax") == -sum(v for a, v in theirs.items() if a.startswith("liabilities:tax:"))
    assert by_day.total("cost") == theirs["expenses:cogs"]
    by_item = run(month, "sales-by-item")
    assert (by_item.total("net"), by_item.total("tax"), by_item.total("cost")) == (
        by_day.total("net"), by_day.total("tax"), by_day.total("cost"))
    payment = run(month, "sales-by-payment")
    received = dict(zip(payment.column_values("method"), payment.column_values("amount"), strict=True))
    drawers = sum(v for a, v in theirs.items() if a.startswith("assets:cash:drawer:"))
    assert received == {"Cash": drawers, "Card": theirs["assets:bank:card-clearing"],
                        "Wallet": theirs["assets:bank:wallet-clearing"]}


def test_every_reports_grand_total_ties_back_to_the_daybook(month: Session) -> None:
    book = daybook.totals(month, daybook.DayRange(FIRST, LAST))
    assert book.sale_count > 500 and book.return_count > 5
    by_day = run(month, "sales-by-day")
    assert (by_day.total("sales"), by_day.total("takings"), by_day.total("returns")) == (
        book.sale_count, book.sales, book.returns)
    # Sales reports by any key add up to the same day totals.
    for name in ("sales-by-week", "sales-by-month", "sales-by-season", "sales-by-terminal", "sales-by-cashier"):
        result = run(month, name)
        assert [result.total(k) for k in ("sales", "takings", "returns", "net", "cost")] == [
            by_day.total(k) for k in ("sales", "takings", "returns", "net", "cost")], name
    hours = run(month, "sales-by-hour")
    assert (hours.total("sales"), hours.total("takings")) == (book.sale_count, book.sales)
    # Items, categories and vendors: the same net sales and margin as the days.
    for name in ("sales-by-item", "top-movers", "margin-by-item", "sales-by-category", "sales-by-vendor",
                 "margin-by-category"):
        result = run(month, name)
        assert (result.total("net"), result.total("margin")) == (by_day.total("net"), by_day.total("margin")), name
    # The daybook's profit takes every returned line's cost back; the books (and we) only what was restocked.
    reasons = run(month, "returns-by-reason")
    assert (reasons.total("returns"), reasons.total("value")) == (book.return_count, book.returns)
    assert by_day.total("margin") + int(reasons.total("lost_cost") or 0) == book.gross_profit
    # Payments: what each method took in the daybook. Cash also moved between the drawers and the safe
    # (floats, night counts): together they gained the cash taken, give or take what the counts found.
    payment = run(month, "sales-by-payment")
    moved = dict(book.by_method)
    counted_off = month.ledger.conn.execute("SELECT SUM(variance) FROM shifts").fetchone()[0]
    cash = moved.pop("Cash") + moved.pop("cash:safe") - counted_off
    assert dict(zip(payment.column_values("method"), payment.column_values("amount"), strict=True)) == {
        "Cash": cash, **{label: amount for label, amount in moved.items() if amount}}
    people = run(month, "exceptions-by-cashier")
    assert int(people.total("voids") or 0) + int(people.total("returns") or 0) == book.return_count
    assert people.total("sales") == book.sale_count
    performance = run(month, "employee-performance")
    assert (performance.total("sales"), performance.total("takings")) == (book.sale_count, book.sales)
    movers = run(month, "top-movers")
    assert run(month, "sell-through").total("sold") == movers.total("quantity")


def test_item_reports_show_the_first_rows_but_total_them_all(month: Session) -> None:
    everything = run(month, "sales-by-item")
    top = registry.run_report(month, "sales-by-item", registry.ReportQuery(FIRST, LAST, limit=10))
    assert len(top.rows) == 10 and top.omitted == len(everything.rows) - 10
    assert top.rows == everything.rows[:10] and top.totals == everything.totals
    nets = top.column_values("net")
    assert nets == sorted(nets, key=lambda v: -int(v or 0))


def test_a_range_of_whole_months_and_ragged_days_adds_up_like_its_days(month: Session) -> None:
    """May 20 to June 30 reads June from the month table and May's end from the day table."""
    wide = registry.run_report(month, "sales-by-item", registry.ReportQuery("2025-05-20", LAST, limit=0))
    mid = registry.run_report(month, "sales-by-item", registry.ReportQuery("2025-06-10", "2025-06-20", limit=0))
    days = registry.run_report(month, "sales-by-day", registry.ReportQuery("2025-06-10", "2025-06-20"))
    assert wide.totals == run(month, "sales-by-item").totals  # nothing sold in May
    assert mid.total("net") == days.total("net") and mid.total("cost") == days.total("cost")


@pytest.mark.parametrize(("first", "last"), [
    ("2025-06-01", "2025-06-20"), ("2025-06-03", "2025-06-30"), ("2025-06-10", "2025-06-12"),
    ("2025-05-25", "2025-06-25"), ("2025-06-15", "2025-07-15"), ("2025-04-01", "2025-08-31"),
    ("2025-01-01", "2025-12-31"), ("2024-07-01", "2025-06-15"), ("2025-06-02", "2026-01-31"),
])
def test_any_range_read_from_years_months_and_days_equals_the_days_alone(
    month: Session, first: str, last: str
) -> None:
    query = registry.ReportQuery(first, last)
    sql, params = report_items.product_sums(month, query)
    planned = month.ledger.conn.execute(f"{sql} ORDER BY product_id", params).fetchall()
    by_days = month.ledger.conn.execute(
        "SELECT product_id, SUM(quantity), SUM(returned), SUM(lines), SUM(net), SUM(tax), SUM(gross), SUM(cost)"
        " FROM report_product_days WHERE day BETWEEN ? AND ? GROUP BY product_id ORDER BY product_id",
        (first, last),
    ).fetchall()
    assert planned == by_days and planned


def test_a_year_of_history_is_read_as_two_calendar_years_less_nothing() -> None:
    """The days before the first sale and after the last cost nothing to take away."""
    held = (date(2025, 11, 21), date(2026, 11, 20))
    assert plan_range(date(2025, 11, 21), date(2026, 11, 20), held) == (
        Term(1, "year", "2025", "2025"), Term(1, "year", "2026", "2026"))
    assert plan_range(date(2026, 10, 22), date(2026, 11, 20), held) == (
        Term(1, "day", "2026-10-22", "2026-10-31"), Term(1, "month", "2026-11", "2026-11"))


def test_filters_narrow_the_rows_and_a_filter_a_report_cannot_take_is_refused(month: Session) -> None:
    by_terminal = run(month, "sales-by-terminal")
    t1 = run(month, "sales-by-day", terminal="T1")
    assert t1.total("takings") == by_terminal.rows[by_terminal.column_values("terminal").index("T1")][2]
    category = str(run(month, "sales-by-category").rows[0][0])
    dairy_items = run(month, "sales-by-item", category=category)
    assert set(dairy_items.column_values("category")) == {category}
    with pytest.raises(InvalidInput, match="cannot be filtered by category"):
        run(month, "sales-by-hour", category=category)
    with pytest.raises(InvalidInput, match="no report"):
        registry.run_report(month, "sales-by-moon", registry.ReportQuery(FIRST, LAST))
    with pytest.raises(InvalidInput, match="ends before it starts"):
        registry.run_report(month, "sales-by-day", registry.ReportQuery(LAST, FIRST))


def test_the_summaries_replay_exactly(month_path: Path) -> None:
    assert_verifies(month_path)


def test_migrating_an_old_store_fills_the_summaries_with_the_rows_replay_writes(month_path: Path,
                                                                               tmp_path: Path) -> None:
    """Schemas 4, 6 and 18's own SQL, run over the sales already in a store, gives exactly the handlers' rows."""
    copy = tmp_path / "old.db"
    copy.write_bytes(month_path.read_bytes())
    ledger = open_ledger(copy)
    try:
        conn = ledger.conn
        written = {t: conn.execute(f"SELECT * FROM {t} ORDER BY {k}").fetchall() for t, k in TABLES.items()}
        assert all(written.values())
        with ledger.write():
            for table in TABLES:
                conn.execute(f"DELETE FROM {table}")
            for name in ("0004_reports.sql", "0006_report_years.sql", "0018_sale_rows.sql"):
                script = (migrations_dir() / name).read_text(encoding="utf-8")
                for statement in _split_sql(script[script.index("-- Filling the table"):]):
                    conn.execute(statement)
        assert {t: conn.execute(f"SELECT * FROM {t} ORDER BY {k}").fetchall() for t, k in TABLES.items()} == written
    finally:
        ledger.close()


def test_the_cli_prints_csv_and_json_in_minor_units_and_formatted_without_colour(month_path: Path) -> None:
    from typer.testing import CliRunner

    from pos_tui.cli.main import app

    runner = CliRunner()
    result = runner.invoke(app, ["report", "sales-by-payment", "--from", FIRST, "--to", LAST, "--db", str(month_path),
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0]["row"] == "row" and rows[-1]["row"] == "total"
    total = rows[-1]
    assert total["amount_text"] == registry.format_cell(int(total["amount"]), "money", Settings().currency())
    listed = runner.invoke(app, ["report", "list"])
    assert all(name in listed.output for name in registry.report_names())
    as_json = runner.invoke(app, ["report", "reorder", "--to", LAST, "--db", str(month_path), "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    assert '"report": "reorder"' in as_json.output


def test_group_reports_count_categories_and_vendors_in_plain_english(month: Session) -> None:
    assert run(month, "sales-by-category").highlights[-1].label == "Categories"  # not "Categorys"
    assert run(month, "margin-by-category").highlights[-1].label == "Categories"
    assert run(month, "sales-by-vendor").highlights[-1].label == "Vendors"


def test_stock_valuation_is_titled_as_stock_now_not_a_date_range(month_path: Path) -> None:
    from typer.testing import CliRunner

    from pos_tui.cli.main import app

    shown = CliRunner().invoke(app, ["report", "stock-valuation", "--from", FIRST, "--to", LAST, "--db",
                                     str(month_path), "--format", "table"])
    assert shown.exit_code == 0, shown.output
    assert "Inventory valuation: stock as it is now" in shown.output
    assert FIRST not in shown.output and LAST not in shown.output
