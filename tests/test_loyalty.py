"""Points and store credit are money the shop owes: earned at a sale, spent as a tender, taken back by a
return, expired by a run of their own; the liability accounts always equal what customers hold."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pos_tui.config import LoyaltySettings, Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.customer_events import LOYALTY_LIABILITY, STORE_CREDIT_LIABILITY
from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.customers import accounts, balances, loyalty
from pos_tui.services.customers.accounts import Person
from pos_tui.services.customers.loyalty import BalanceTooLow
from pos_tui.services.reports import export
from pos_tui.services.selling import sales
from pos_tui.services.selling.receipts import receipt_text, refund_slip_text
from pos_tui.services.session import Session

from .conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store

OPENED = datetime(2053, 1, 2, 4, 0, tzinfo=UTC)


def _sell(session: Session, codes: list[str], tenders: list[Tender], customer_id: int | None) -> sales.CompletedSale:
    cart = Cart()
    for code in codes:
        cart = cart.add(products.resolve_scan(session, code))
    return sales.complete_sale(session, cart, tenders, customer_id=customer_id)


def assert_liabilities_equal_balances(session: Session) -> None:
    owed = balances.outstanding(session)
    assert -balances.account_balance(session, LOYALTY_LIABILITY) == owed.points_value
    assert -balances.account_balance(session, STORE_CREDIT_LIABILITY) == owed.credit


def _journal_count(session: Session) -> int:
    count: int = session.ledger.conn.execute("SELECT COUNT(*) FROM journal").fetchone()[0]
    return count


@pytest.fixture
def ayesha(store: Session) -> int:
    return accounts.add_customer(store, Person("Ayesha Khan", "0300 1234567")).customer_id


def test_a_sale_with_a_customer_earns_points_posted_to_the_liability_and_the_receipt_says_so(
        store: Session, ayesha: int) -> None:
    done = _sell(store, [TEA_BARCODE, MILK_BARCODE], [Tender("cash", 100_000)], ayesha)
    assert balances.balance(store, ayesha).points == 730  # Rs 730 at one point a rupee
    assert -balances.account_balance(store, LOYALTY_LIABILITY) == 730
    assert balances.account_balance(store, "expenses:loyalty") == 730
    text = receipt_text(store, done.reference)
    assert "Ayesha Khan" in text and "0300****567" in text and "1234567" not in text
    assert "Points earned" in text and "730" in text
    assert_liabilities_equal_balances(store)


def test_points_multipliers_and_excluded_categories_come_from_pos_toml(store_path: Path) -> None:
    settings = Settings(loyalty=LoyaltySettings(categories={"Tea": 200}, exclude=["Dairy"]))
    session = make_store(store_path, settings)
    try:
        customer = accounts.add_customer(session, Person("Ali", "0301 1111111")).customer_id
        _sell(session, [TEA_BARCODE, MILK_BARCODE], [Tender("cash", 100_000)], customer)
        assert balances.balance(session, customer).points == 900  # tea Rs 450 doubled; milk none
    finally:
        session.close()
    assert_verifies(store_path)


def test_points_pay_as_a_tender_and_earn_nothing_on_what_they_paid(store: Session, ayesha: int) -> None:
    _sell(store, [TEA_BARCODE, MILK_BARCODE], [Tender("cash", 100_000)], ayesha)
    _sell(store, [MILK_BARCODE], [Tender("points", 700), Tender("cash", 27_300)], ayesha)
    # 730 - 700 spent + 273 earned on the Rs 273 paid in cash.
    assert balances.balance(store, ayesha).points == 303
    assert_liabilities_equal_balances(store)


def test_redeeming_more_than_the_balance_is_refused_with_the_balance_and_nothing_changes(
        store: Session, ayesha: int) -> None:
    _sell(store, [MILK_BARCODE], [Tender("cash", 28_000)], ayesha)
    before = _journal_count(store)
    with pytest.raises(BalanceTooLow, match=r"can spend 280 points \(Rs 2.80\); 500 were asked"):
        _sell(store, [MILK_BARCODE], [Tender("points", 500), Tender("cash", 27_500)], ayesha)
    with pytest.raises(BalanceTooLow, match=r"Rs 0\.00 of store credit; Rs 5\.00 was asked"):
        _sell(store, [MILK_BARCODE], [Tender("store-credit", 500), Tender("cash", 27_500)], ayesha)
    with pytest.raises(InvalidInput, match="none is attached"):
        _sell(store, [MILK_BARCODE], [Tender("points", 100), Tender("cash", 27_900)], None)
    assert _journal_count(store) == before
    assert balances.balance(store, ayesha).points == 280


def test_below_the_minimum_nothing_can_be_redeemed(store_path: Path) -> None:
    session = make_store(store_path, Settings(loyalty=LoyaltySettings(min_redeem=500)))
    try:
        customer = accounts.add_customer(session, Person("Ali", "0301 1111111")).customer_id
        _sell(session, [MILK_BARCODE], [Tender("cash", 28_000)], customer)
        with pytest.raises(BalanceTooLow, match="has 280 points; 500 are needed"):
            _sell(session, [MILK_BARCODE], [Tender("points", 100), Tender("cash", 27_900)], customer)
    finally:
        session.close()
    assert_verifies(store_path)


def test_a_return_takes_back_the_points_its_lines_earned(store: Session, ayesha: int) -> None:
    done = _sell(store, [TEA_BARCODE, MILK_BARCODE], [Tender("cash", 100_000)], ayesha)
    back = sales.return_items(store, done.reference, [(1, 1000)], reason="damaged")
    assert [(r.method, r.amount) for r in back.refunds] == [("cash", 45_000)]
    assert balances.balance(store, ayesha).points == 280
    assert_liabilities_equal_balances(store)


def test_points_already_spent_reduce_the_refund_and_the_slip_says_so(store: Session, ayesha: int) -> None:
    done = _sell(store, [TEA_BARCODE, MILK_BARCODE], [Tender("cash", 100_000)], ayesha)
    _sell(store, [MILK_BARCODE], [Tender("points", 600), Tender("cash", 27_400)], ayesha)
    held = balances.balance(store, ayesha).points  # 130 left + 274 earned
    assert held == 404
    back = sales.return_items(store, done.reference, [(1, 1000)], reason="damaged")
    # The tea earned 450; 404 are still held: the 46 spent (Rs 0.46) come off the refund.
    assert [(r.method, r.amount) for r in back.refunds] == [("cash", 44_954), ("points", 46)]
    assert balances.balance(store, ayesha).points == 0
    slip = refund_slip_text(store, back.seq)
    assert "Points already spent" in slip
    assert_liabilities_equal_balances(store)


def test_the_negative_policy_lets_the_balance_go_below_zero_and_refunds_in_full(store_path: Path) -> None:
    session = make_store(store_path, Settings(loyalty=LoyaltySettings(spent_points_on_return="negative")))
    try:
        customer = accounts.add_customer(session, Person("Ali", "0301 1111111")).customer_id
        done = _sell(session, [TEA_BARCODE], [Tender("cash", 45_000)], customer)
        _sell(session, [MILK_BARCODE], [Tender("points", 400), Tender("cash", 27_600)], customer)
        back = sales.return_items(session, done.reference, [(1, 1000)], reason="damaged")
        assert [(r.method, r.amount) for r in back.refunds] == [("cash", 45_000)]
        assert balances.balance(session, customer).points == 50 + 276 - 450
        assert_liabilities_equal_balances(session)
    finally:
        session.close()
    assert_verifies(store_path)


def test_verify_says_the_liabilities_no_longer_equal_what_customers_hold_after_a_hand_edit(
        store: Session, store_path: Path, ayesha: int) -> None:
    from pos_tui.ledger.database import open_ledger
    from pos_tui.ledger.verify import verify_ledger

    done = _sell(store, [TEA_BARCODE], [Tender("cash", 45_000)], ayesha)
    sales.return_items(store, done.reference, [(1, 1000)], reason="damaged", refund_method="store-credit")
    store.close()
    assert_verifies(store_path)
    raw = sqlite3.connect(store_path)
    raw.execute("UPDATE customer_activity SET points_value = points_value + 500 WHERE kind = 'earn'")
    raw.execute("UPDATE customer_activity SET credit = credit + 700 WHERE kind = 'credit-issue'")
    raw.commit()
    raw.close()
    ledger = open_ledger(store_path, read_only=True)
    try:
        problems = [str(p) for p in verify_ledger(ledger).problems]
    finally:
        ledger.close()
    assert any("liabilities:loyalty" in p and "points worth" in p for p in problems), problems
    assert any("liabilities:store-credit is 45000" in p and "store credit of 45700" in p for p in problems), problems
    raw = sqlite3.connect(store_path)  # put it back, for the fixture's own verify
    raw.execute("UPDATE customer_activity SET points_value = points_value - 500 WHERE kind = 'earn'")
    raw.execute("UPDATE customer_activity SET credit = credit - 700 WHERE kind = 'credit-issue'")
    raw.commit()
    raw.close()


def test_store_credit_refund_is_issued_to_the_customer_and_spent_as_a_tender(store: Session, ayesha: int) -> None:
    done = _sell(store, [TEA_BARCODE], [Tender("cash", 45_000)], ayesha)
    sales.return_items(store, done.reference, [(1, 1000)], reason="damaged", refund_method="store-credit")
    assert balances.balance(store, ayesha).credit == 45_000
    _sell(store, [MILK_BARCODE], [Tender("store-credit", 28_000)], ayesha)
    assert balances.balance(store, ayesha).credit == 17_000
    assert_liabilities_equal_balances(store)


def test_store_credit_without_a_customer_is_refused_and_nothing_changes(store: Session) -> None:
    done = _sell(store, [TEA_BARCODE], [Tender("cash", 45_000)], None)
    before = _journal_count(store)
    with pytest.raises(InvalidInput, match="has none"):
        sales.return_items(store, done.reference, [(1, 1000)], reason="damaged", refund_method="store-credit")
    assert _journal_count(store) == before


def test_a_void_gives_back_the_points_it_spent_and_takes_back_those_it_earned(store: Session, ayesha: int) -> None:
    _sell(store, [TEA_BARCODE], [Tender("cash", 45_000)], ayesha)
    done = _sell(store, [MILK_BARCODE], [Tender("points", 400), Tender("cash", 27_600)], ayesha)
    sales.void_sale(store.as_user("admin"), done.reference, reason="rang up twice")
    assert balances.balance(store, ayesha).points == 450
    assert_liabilities_equal_balances(store)


def test_a_void_whose_points_were_spent_is_refused_with_the_balance(store: Session, ayesha: int) -> None:
    done = _sell(store, [TEA_BARCODE], [Tender("cash", 45_000)], ayesha)
    _sell(store, [MILK_BARCODE], [Tender("points", 400), Tender("cash", 27_600)], ayesha)
    before = _journal_count(store)
    with pytest.raises(BalanceTooLow, match="earned customer #1 450 points and they have 326 left"):
        sales.void_sale(store.as_user("admin"), done.reference, reason="rang up twice")
    assert _journal_count(store) == before


def test_points_expire_after_n_months_by_their_own_event_and_cannot_be_spent_before(store_path: Path) -> None:
    session = make_store(store_path, Settings(loyalty=LoyaltySettings(expiry_months=6)), opened_at=OPENED)
    try:
        moment = OPENED + timedelta(hours=1)
        session.clock = lambda: moment
        customer = accounts.add_customer(session, Person("Ali", "0301 1111111")).customer_id
        _sell(session, [TEA_BARCODE], [Tender("cash", 45_000)], customer)
        moment = OPENED + timedelta(days=200)
        _sell(session, [MILK_BARCODE], [Tender("cash", 28_000)], customer)
        assert balances.balance(session, customer).expired == 450
        before = _journal_count(session)
        with pytest.raises(BalanceTooLow, match=r"can spend 280 points \(Rs 2.80\) \(450 of 730 have expired\)"):
            _sell(session, [MILK_BARCODE], [Tender("points", 300), Tender("cash", 27_700)], customer)
        assert _journal_count(session) == before
        event = loyalty.expire_points(session)
        assert event is not None and [(c.customer_id, c.points) for c in event.customers] == [(customer, 450)]
        assert loyalty.expire_points(session) is None  # a second run finds nothing more
        assert balances.balance(session, customer).points == 280
        assert balances.account_balance(session, "income:loyalty-breakage") == -450
        assert_liabilities_equal_balances(session)
    finally:
        session.close()
    assert_verifies(store_path)


def test_exports_carry_the_liabilities_and_they_equal_the_outstanding_balances(store: Session, ayesha: int) -> None:
    done = _sell(store, [TEA_BARCODE, MILK_BARCODE], [Tender("cash", 100_000)], ayesha)
    sales.return_items(store, done.reference, [(2, 1000)], reason="damaged", refund_method="store-credit")
    _sell(store, [MILK_BARCODE], [Tender("points", 300), Tender("store-credit", 10_000), Tender("cash", 17_700)],
          ayesha)
    owed = balances.outstanding(store)
    books = export.account_balances(store)
    assert -books[LOYALTY_LIABILITY] == owed.points_value > 0
    assert -books[STORE_CREDIT_LIABILITY] == owed.credit > 0
    for fmt in ("hledger", "ledger", "beancount"):
        out = io.StringIO()
        export.export_journal(store, fmt, out)
        assert "loyalty" in out.getvalue().lower() and "store-credit" in out.getvalue().lower()


def test_verify_catches_a_hand_edited_balance_row(store: Session, store_path: Path, ayesha: int) -> None:
    _sell(store, [TEA_BARCODE], [Tender("cash", 45_000)], ayesha)
    store.close()
    raw = sqlite3.connect(store_path)
    raw.execute("UPDATE customer_activity SET points = points + 1000")
    raw.commit()
    raw.close()
    with pytest.raises(AssertionError, match="customer_activity"):
        assert_verifies(store_path)
    raw = sqlite3.connect(store_path)
    raw.execute("UPDATE customer_activity SET points = points - 1000")
    raw.commit()
    raw.close()


def test_the_customer_reports_are_in_the_registry_that_pos_report_and_f4_use(store: Session, ayesha: int) -> None:
    from pos_tui.services.reports import registry

    done = _sell(store, [TEA_BARCODE, MILK_BARCODE], [Tender("cash", 100_000)], ayesha)
    first, last = registry.default_range(store)
    query = registry.ReportQuery(first, last)
    top = registry.run_report(store, "customers-top", query)
    assert [row[1] for row in top.rows] == ["Ayesha Khan"] and top.rows[0][3] == done.priced.total
    owed = registry.run_report(store, "customers-liability", query)
    assert owed.rows[0][2] == owed.rows[0][3] == 730
    visits = registry.run_report(store, "customers-visits", query)
    assert visits.rows == (("1", 1, 1, 73_000),)
    assert registry.run_report(store, "customers-lapsed", query).rows == ()
    assert registry.run_report(store, "customers-breakage", query).rows == ()


def _trade_with_customers(store: Session, ayesha: int) -> None:
    done = _sell(store, [TEA_BARCODE, MILK_BARCODE], [Tender("cash", 100_000)], ayesha)
    sales.return_items(store, done.reference, [(2, 1000)], reason="damaged", refund_method="store-credit")
    _sell(store, [MILK_BARCODE], [Tender("points", 300), Tender("store-credit", 10_000), Tender("cash", 17_700)],
          ayesha)


def test_hledger_checks_the_export_with_the_liabilities_and_its_balances_are_what_customers_hold(
        store: Session, ayesha: int, tmp_path: Path) -> None:
    import csv
    import subprocess
    from decimal import Decimal

    from .support.tools import require_tool

    _trade_with_customers(store, ayesha)
    hledger = require_tool("hledger")
    journal = tmp_path / "books.journal"
    with journal.open("w", encoding="utf-8") as handle:
        export.export_journal(store, "hledger", handle)
    subprocess.run([hledger, "check", "-f", str(journal), "accounts", "commodities"], check=True)
    output = subprocess.run([hledger, "-f", str(journal), "bal", "--flat", "-N", "-O", "csv"], check=True,
                            capture_output=True, text=True).stdout
    theirs = {row[0]: int(Decimal(row[1].split()[0]) * 100) for row in list(csv.reader(io.StringIO(output)))[1:]}
    owed = balances.outstanding(store)
    assert -theirs[LOYALTY_LIABILITY] == owed.points_value and -theirs[STORE_CREDIT_LIABILITY] == owed.credit


def test_beancount_loads_the_export_with_the_liabilities_and_they_equal_what_customers_hold(
        store: Session, ayesha: int, tmp_path: Path) -> None:
    from beancount import loader
    from beancount.core import realization

    _trade_with_customers(store, ayesha)
    path = tmp_path / "books.beancount"
    with path.open("w", encoding="utf-8") as handle:
        export.export_journal(store, "beancount", handle)
    entries, errors, _ = loader.load_file(str(path))
    assert errors == []
    real = realization.realize(entries)
    held = {account.account: account.balance.get_currency_units("PKR").number
            for account in realization.iter_children(real) if account.txn_postings}
    owed = balances.outstanding(store)
    assert -held[export.beancount_account(LOYALTY_LIABILITY)] * 100 == owed.points_value
    assert -held[export.beancount_account(STORE_CREDIT_LIABILITY)] * 100 == owed.credit


def test_points_store_credit_and_gift_cards_are_their_own_rows_by_payment_method_and_not_in_the_money_total(
        store: Session, ayesha: int) -> None:
    from pos_tui.services.giftcards import cards
    from pos_tui.services.reports import registry

    done = _sell(store, [TEA_BARCODE], [Tender("cash", 45_000)], ayesha)  # 450 points
    sales.return_items(store, done.reference, [(1, 1000)], reason="damaged", refund_method="store-credit")
    _sell(store, [TEA_BARCODE, MILK_BARCODE], [Tender("cash", 100_000)], ayesha)  # 730 points
    _sell(store, [MILK_BARCODE], [Tender("store-credit", 28_000)], ayesha)
    _sell(store, [MILK_BARCODE], [Tender("points", 700), Tender("cash", 27_300)], ayesha)
    card = cards.add_to_cart(store, Cart(), None, 50_000)
    sales.complete_sale(store, card, [Tender("card", 50_000)])
    _sell(store, [TEA_BARCODE], [cards.tender(store, card.gift_cards[0].number, 45_000)], None)

    today = store.ledger.conn.execute("SELECT MAX(day) FROM sales").fetchone()[0]
    result = registry.run_report(store, "sales-by-payment", registry.ReportQuery(today, today, limit=0))
    rows = {row[0]: row[1:] for row in result.rows}
    assert rows["Points"] == (1, 0, 700, None)
    assert rows["Store credit"] == (1, 1, 28_000 - 45_000, None)
    assert rows["Gift card"] == (1, 0, 45_000, None)
    assert rows["Cash"][2] == 45_000 + 73_000 + 27_300 and rows["Card"][2] == 50_000  # net of change
    # The total is the money taken: the cash and the card that sold the gift card, once each.
    assert result.total("amount") == 45_000 + 73_000 + 27_300 + 50_000
    assert any("not in the total" in note for note in result.notes)
    cashier = registry.run_report(store, "sales-by-payment",
                                  registry.ReportQuery(today, today, limit=0, cashier="nobody"))
    assert cashier.rows == ()
