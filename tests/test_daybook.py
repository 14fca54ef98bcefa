"""The daybook's rows, filters and totals on a real store: what it lists is exactly the money that
moved, and every total equals the sum of the rows it stands for."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import InvalidInput, NotFound
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import open_ledger
from pos_tui.services.cash import daybook
from pos_tui.services.cash.daybook import DayRange, MovementFilter
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.services.staff.users import add_user

from .conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies

MARCH_1_NOON = datetime(2053, 3, 1, 7, 0, tzinfo=UTC)  # 12:00 in Karachi


def _sell(session: Session, scan: str, tenders: list[Tender]) -> str:
    cart = Cart().add(products.resolve_scan(session, scan))
    return sales.complete_sale(session, cart, tenders).reference


def _all_rows(session: Session, days: DayRange, where: MovementFilter = MovementFilter()) -> list[daybook.Movement]:
    rows, after = [], daybook.FIRST_KEY
    while page := daybook.movements(session, days, where, after=after, limit=3):
        rows += page
        after = page[-1].key
    return rows


@pytest.fixture
def trading_day(store: Session) -> Session:
    """March 1st: the admin sells tea for card + cash and milk for cash; a cashier sells tea by wallet and
    takes one tea back."""
    store.clock = lambda: MARCH_1_NOON
    add_user(store, "sara", "2468", role="cashier")
    _sell(store, f"3*{TEA_BARCODE}", [Tender("card", 35_000), Tender("cash", 100_000)])
    _sell(store, MILK_BARCODE, [Tender("cash", 50_000)])
    sara = store.as_user("sara")
    reference = _sell(sara, TEA_BARCODE, [Tender("wallet", 45_000)])
    sales.return_items(sara, reference, [(1, 1000)], reason="dented tin")
    return store


def test_the_day_lists_each_tender_of_each_sale_and_the_refund(trading_day: Session) -> None:
    rows = daybook.movements(trading_day, DayRange("2053-03-01", "2053-03-01"))
    assert [(m.kind, m.reference, m.cashier, m.method, m.money_in, m.money_out) for m in rows] == [
        ("sale", "T1-000001", "admin", "card", 35_000, 0),
        ("sale", "T1-000001", "admin", "cash", 100_000, 0),
        ("sale", "T1-000002", "admin", "cash", 28_000, 0),
        ("sale", "T1-000003", "sara", "wallet", 45_000, 0),
        ("return", "RT1-000001", "sara", "cash", 0, 45_000),
    ]
    assert daybook.local_time(trading_day, rows[0].at) == "12:00:00"
    assert rows[0].sale_reference == "T1-000001" and rows[-1].sale_reference is None


def test_filters_pick_kind_method_cashier_and_text(trading_day: Session) -> None:
    day = DayRange("2053-03-01", "2053-03-01")

    def refs(where: MovementFilter) -> list[tuple[str, str]]:
        return [(m.reference, m.method) for m in daybook.movements(trading_day, day, where)]

    assert refs(MovementFilter(kind="sale.returned")) == [("RT1-000001", "cash")]
    assert refs(MovementFilter(method="cash")) == [("T1-000001", "cash"), ("T1-000002", "cash"), ("RT1-000001", "cash")]
    assert refs(MovementFilter(cashier="sara")) == [("T1-000003", "wallet"), ("RT1-000001", "cash")]
    assert refs(MovementFilter(cashier="sara", method="cash")) == [("RT1-000001", "cash")]
    assert refs(MovementFilter(text="T1-000003")) == [("T1-000003", "wallet"), ("RT1-000001", "cash")]
    assert refs(MovementFilter(text="RT1-1")) == [("RT1-000001", "cash")]
    assert refs(MovementFilter(text="olpers")) == [("T1-000002", "cash")]  # an item on the receipt
    assert refs(MovementFilter(text="dented")) == [("RT1-000001", "cash")]  # the return's reason
    assert refs(MovementFilter(text="100%_off")) == []


@pytest.mark.parametrize(
    "where",
    [MovementFilter(), MovementFilter(kind="sale.completed"), MovementFilter(method="cash"),
     MovementFilter(cashier="sara"), MovementFilter(text="tea")],
    ids=["all", "kind", "method", "cashier", "text"],
)
def test_range_sums_equal_the_sum_of_the_rows_paged_through(trading_day: Session, where: MovementFilter) -> None:
    day = DayRange("2053-03-01", "2053-03-01")
    rows = _all_rows(trading_day, day, where)
    assert rows == daybook.movements(trading_day, day, where, limit=100)  # pages of 3 add up to one of 100
    sums = daybook.sums(trading_day, day, where)
    assert (sums.rows, sums.money_in, sums.money_out) == (
        len(rows), sum(m.money_in for m in rows), sum(m.money_out for m in rows))


def test_tiles_add_up_sales_profit_returns_and_cash_by_method(trading_day: Session) -> None:
    t = daybook.totals(trading_day, DayRange("2053-03-01", "2053-03-01"))
    assert (t.sale_count, t.sales, t.return_count, t.returns) == (3, 208_000, 1, 45_000)
    assert t.net_cash == 100_000 + 28_000 - 45_000
    assert dict(t.by_method) == {"Cash": 83_000, "Card": 35_000, "Wallet": 45_000}
    assert t.expenses == 0
    # Profit: four teas and a milk net of tax less their cost, less the returned tea's.
    rows = trading_day.ledger.conn.execute("SELECT SUM(net - cost) FROM sale_lines").fetchone()[0]
    returned = trading_day.ledger.conn.execute("SELECT SUM(net - cost) FROM return_lines").fetchone()[0]
    assert t.gross_profit == rows - returned


def test_other_days_are_not_in_the_range_and_a_week_spans_them(trading_day: Session) -> None:
    trading_day.clock = lambda: MARCH_1_NOON + timedelta(days=2)
    _sell(trading_day, MILK_BARCODE, [Tender("card", 28_000)])
    assert [m.reference for m in daybook.movements(trading_day, DayRange("2053-03-03", "2053-03-03"))] == ["T1-000004"]
    week = DayRange.named("week", "2053-03-03")  # a Monday: the week is that day alone
    assert week == DayRange("2053-03-03", "2053-03-03")
    both = DayRange("2053-03-01", "2053-03-03")
    assert daybook.sums(trading_day, both).rows == 6
    assert daybook.totals(trading_day, both).sale_count == 4


def test_a_time_of_day_narrows_the_range(trading_day: Session) -> None:
    trading_day.clock = lambda: MARCH_1_NOON + timedelta(hours=3)  # 15:00 Karachi
    _sell(trading_day, MILK_BARCODE, [Tender("card", 28_000)])
    afternoon = daybook.parse_range(trading_day, "2053-03-01 14:00", "2053-03-01 16:00")
    assert [m.reference for m in daybook.movements(trading_day, afternoon)] == ["T1-000004"]
    morning = daybook.parse_range(trading_day, "2053-03-01", "2053-03-01 12:30")
    assert daybook.sums(trading_day, morning).rows == 5


def test_typed_ranges_that_make_no_sense_are_refused(trading_day: Session) -> None:
    with pytest.raises(InvalidInput, match="not a date"):
        daybook.parse_range(trading_day, "1st of March")
    with pytest.raises(InvalidInput, match="ends"):
        daybook.parse_range(trading_day, "2053-03-05", "2053-03-01")
    with pytest.raises(NotFound, match="no shift"):
        daybook.movements(trading_day, DayRange("2053-03-01", "2053-03-01"), MovementFilter(shift="T1-S0099"))


def test_a_store_from_before_the_daybook_gets_its_rows_on_migrate(trading_day: Session, store_path: Path) -> None:
    """db/0005 fills the daybook from the journal with the rule replay uses: verify compares them."""
    before = trading_day.ledger.conn.execute("SELECT * FROM money_movements ORDER BY day, seq, leg").fetchall()
    assert len(before) == 5  # the tender legs; the stock, tax and income legs are not money
    trading_day.close()
    raw = sqlite3.connect(store_path)
    raw.executescript(  # back to schema 4: what 0005 and every later migration made, undone
        "DROP TABLE money_movements; DROP INDEX sales_day_totals; DROP TABLE report_product_years;"
        " DROP TABLE api_tokens; DROP TABLE api_webhooks; DROP TABLE api_requests; DROP TABLE api_webhook_secrets;"
        " DROP TABLE api_webhook_cursors;"
        " DROP TABLE quick_keys; DROP TABLE purchase_order_lines; DROP TABLE purchase_orders;"
        " DROP TABLE stocktake_variances; DROP TABLE stocktake_counts; DROP TABLE stocktake_shelf;"
        " DROP TABLE stocktakes;"
        " DROP TABLE sold_batches;"
        " DROP TABLE gift_card_moves; DROP TABLE gift_cards; DROP TABLE outbox_messages; DROP TABLE chain_sync;"
        " DROP TABLE chain_epochs; DROP TABLE chain_office_applied; DROP TABLE chain_store_prices;"
        " DROP TABLE chain_office_approvals; DROP TABLE chain_office_products; DROP TABLE chain_office_tax_classes;"
        " DROP TABLE customers; DROP TABLE customer_activity; DROP TABLE customer_sales;"
        " DROP TABLE customer_sale_lines; DROP TABLE customer_people; DROP TABLE transfer_lines; DROP TABLE transfers;"
        " DROP TABLE restaurant_bill_lines; DROP TABLE restaurant_bills; DROP TABLE kitchen_ticket_lines;"
        " DROP TABLE kitchen_tickets; DROP TABLE restaurant_lines; DROP TABLE restaurant_orders;"
        " DROP TRIGGER stock_totals_insert; DROP TRIGGER stock_totals_update; DROP TRIGGER stock_totals_product;"
        " DROP TABLE stock_groups; DROP TABLE stock_ranks; DROP TABLE reorder_due; DROP TABLE report_rollup;"
        " DROP TRIGGER item_totals_day_insert; DROP TRIGGER item_totals_day_update;"
        " DROP TRIGGER item_totals_day_delete;"
        " DROP TABLE report_product_totals; DROP TABLE report_item_totals; DROP INDEX stock_none;"
        " ALTER TABLE products DROP COLUMN retired; PRAGMA user_version = 4;"
    )
    raw.close()
    ledger = open_ledger(store_path, migrate=True)
    try:
        after = ledger.conn.execute("SELECT * FROM money_movements ORDER BY day, seq, leg").fetchall()
    finally:
        ledger.close()
    assert after == before
    assert_verifies(store_path)


def test_pos_daybook_prints_the_same_rows_and_totals_for_managers_without_the_till(
    trading_day: Session, store_path: Path
) -> None:
    from typer.testing import CliRunner

    from pos_tui.cli.main import app

    def pos(*args: str) -> str:
        result = CliRunner().invoke(app, ["daybook", "--db", str(store_path), "--from", "2053-03-01", *args])
        assert result.exit_code == 0, result.output
        return result.output

    table = pos("--cashier", "sara")
    assert " T1-000003 " in table and " RT1-000001 " in table and " T1-000001 " not in table
    assert "2053-03-01: 2 movements, in Rs 450.00, out Rs 450.00, net Rs 0.00" in table
    assert pos("--kind", "return", "--format", "csv").splitlines() == [
        "day,time,kind,reference,cashier,method,in,out",
        "2053-03-01,12:00:00,return,RT1-000001,sara,cash,,450.00",
    ]
    refused = CliRunner().invoke(app, ["daybook", "--db", str(store_path), "--kind", "gift"])
    assert refused.exit_code == 1 and "'gift' is not a kind of daybook row" in refused.output


def test_a_shift_of_cash_control_shows_every_drawer_and_safe_movement(store: Session) -> None:
    from pos_tui.services.cash import moves, shifts

    store.clock = lambda: MARCH_1_NOON
    opened = shifts.open_shift(store, float_amount=500_000)
    _sell(store, MILK_BARCODE, [Tender("cash", 28_000)])
    moves.paid_out(store, 20_000, "cleaning", "mop and bucket")
    moves.drop(store, 300_000, "to the safe")
    moves.no_sale(store, "change for a 5000 note")
    moves.expense(store, 15_000, "transport", "taxi to the bank")
    shifts.close_shift(store, counted=500_000 + 28_000 - 20_000 - 300_000 - 1_000)  # Rs 10 short
    day = DayRange("2053-03-01", "2053-03-01")
    rows = daybook.movements(store, day)
    assert [(m.kind, m.method, m.money_in, m.money_out) for m in rows] == [
        ("float", "cash", 500_000, 0), ("float", "cash:safe", 0, 500_000),
        ("sale", "cash", 28_000, 0),
        ("paid out", "cash", 0, 20_000),
        ("drop", "cash:safe", 300_000, 0), ("drop", "cash", 0, 300_000),
        ("no sale", "", 0, 0),
        ("expense", "cash:safe", 0, 15_000),
        ("shift close", "cash", 0, 208_000), ("shift close", "cash:safe", 207_000, 0),
    ]
    assert rows[3].reference == f"{opened.shift_id} cleaning mop and bucket"
    assert rows[-1].reference == f"{opened.shift_id} short 10.00"
    t = daybook.totals(store, day)
    assert t.net_cash == 0  # a closed shift banks its drawer into the safe
    assert t.expenses == 20_000 + 15_000 + 1_000  # the paid-out, the expense, the shortage
    assert dict(t.by_method)["cash:safe"] == -500_000 + 300_000 - 15_000 + 207_000
    in_shift = daybook.movements(store, day, MovementFilter(shift=opened.shift_id))
    assert in_shift == rows  # every entry of its terminal while it was open
    no_sales = daybook.movements(store, day, MovementFilter(kind=daybook.kind_of("no-sale")))
    assert [(m.kind, m.reference) for m in no_sales] == [("no sale", f"{opened.shift_id} change for a 5000 note")]


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [("today", "2053-03-12", "2053-03-12"), ("yesterday", "2053-03-11", "2053-03-11"),
     ("week", "2053-03-10", "2053-03-12"), ("month", "2053-03-01", "2053-03-12"),
     ("last-month", "2053-02-01", "2053-02-28"), ("year", "2053-01-01", "2053-03-12")],
)
def test_a_named_range_is_the_days_a_manager_means(name: str, first: str, last: str) -> None:
    assert DayRange.named(name, "2053-03-12") == DayRange(first, last)
