"""A cashier's day at the drawer: float in, sales, a paid-out and a drop, then a blind count."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_tui.config import CashSettings, Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.cash import parse_count
from pos_tui.domain.cash_events import CASH_SHORT, SAFE, DenominationCount
from pos_tui.domain.errors import InvalidAmount, InvalidInput, PosError, RuleViolation
from pos_tui.domain.money import Currency
from pos_tui.domain.permissions import Action, PermissionRequired
from pos_tui.domain.tender import Tender
from pos_tui.services.cash import moves, shifts
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.services.staff import authz
from pos_tui.services.staff.users import add_user

from .conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store

DRAWER = "assets:cash:drawer:T1"
PKR = Currency("PKR", 2, "Rs")


def _balance(session: Session, account: str) -> int:
    total: int = session.ledger.conn.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM postings WHERE account = ?", (account,)
    ).fetchone()[0]
    return total


def _sell(session: Session, barcode: str, tender: Tender) -> str:
    return sales.complete_sale(session, Cart().add(products.resolve_scan(session, barcode)), [tender]).reference


def _refused_unchanged(session: Session, error: type[PosError], sentence: str, action: object) -> None:
    head = session.ledger.head()
    with pytest.raises(error, match=sentence):
        action()  # type: ignore[operator]
    assert session.ledger.head() == head


def test_open_sell_pay_out_drop_and_a_short_blind_count_posts_the_variance(store: Session) -> None:
    opened = shifts.open_shift(store, counts=[DenominationCount(100000, 2), DenominationCount(10000, 5)])
    assert (opened.shift_id, opened.float_amount, opened.cashiers) == ("T1-S0001", 250000, ("admin",))
    tea = _sell(store, TEA_BARCODE, Tender("cash", 50000))  # Rs 450 tea, Rs 50 change
    _sell(store, MILK_BARCODE, Tender("card", 28000))
    sales.return_items(store, tea, [(1, 1000)], reason="damaged")  # Rs 450 back in cash
    moves.paid_out(store, 5000, "cleaning", "mop and bucket")
    moves.drop(store, 100000, "mid-shift drop")
    assert shifts.drawer_expected(store) == 250000 + 45000 - 45000 - 5000 - 100000

    closed = shifts.close_shift(store, counts=[DenominationCount(100000, 1), DenominationCount(10000, 4),
                                               DenominationCount(1000, 4)])
    report = closed.report
    assert (report.expected, report.counted, report.variance) == (145000, 144000, -1000)
    totals = report.totals
    assert (totals.sales_count, totals.sales_total, totals.returns_count, totals.returns_total) == (2, 73000, 1, 45000)
    assert {m.key: m.amount for m in totals.by_method} == {"cash": 0, "card": 28000}
    assert (totals.paid_out, totals.drops, totals.cash_variance) == (5000, 100000, -1000)
    # The shortage is an expense, the counted cash went to the safe, and the drawer is empty again.
    assert _balance(store, CASH_SHORT) == 1000
    assert _balance(store, DRAWER) == 0
    assert _balance(store, SAFE) == -250000 + 100000 + 144000
    assert shifts.current_shift(store) is None


def test_closing_a_shift_twice_is_refused_and_changes_nothing(store: Session) -> None:
    shifts.open_shift(store, float_amount=10000)
    shifts.close_shift(store, counted=10000)
    _refused_unchanged(store, RuleViolation, "was already closed by admin",
                       lambda: shifts.close_shift(store, counted=10000, shift_id="T1-S0001"))
    _refused_unchanged(store, RuleViolation, "No shift is open on T1", lambda: shifts.close_shift(store, counted=0))


def test_a_second_shift_cannot_open_on_a_drawer_that_has_one(store: Session) -> None:
    shifts.open_shift(store, float_amount=0)
    _refused_unchanged(store, RuleViolation, "T1-S0001 is already open", lambda: shifts.open_shift(store))


def test_a_paid_out_or_a_drop_above_what_the_drawer_holds_is_refused_with_the_figure(store: Session) -> None:
    add_user(store, "sana", "234567", role="supervisor")
    add_user(store, "omar", "345678", role="manager")
    supervisor = store.as_user("sana")
    shifts.open_shift(supervisor, float_amount=20000)
    # Refused before anyone is asked to approve, and a manager's approval does not make the cash appear.
    _refused_unchanged(supervisor, RuleViolation, r"The drawer should hold Rs 200\.00; a paid-out of Rs 300\.00",
                       lambda: moves.paid_out(supervisor, 30000, "supplies", "shelf brackets"))
    approval = authz.approve(supervisor, "omar", "345678", Action.PAID_OUT, "supplier waiting")
    _refused_unchanged(supervisor, RuleViolation, r"Pay out Rs 200\.00 or less",
                       lambda: moves.paid_out(supervisor, 30000, "supplies", "shelf brackets", approval=approval))
    _refused_unchanged(supervisor, RuleViolation, r"The drawer should hold Rs 200\.00; a drop of Rs 200\.01",
                       lambda: moves.drop(supervisor, 20001))
    assert moves.paid_out(supervisor, 20000, "supplies", "shelf brackets").drawer_after == 0  # all of it is fine
    _refused_unchanged(supervisor, RuleViolation, r"The drawer should hold Rs 0\.00; a drop of Rs 0\.01",
                       lambda: moves.drop(supervisor, 1))


def test_a_cashier_may_drop_but_not_pay_out_or_open_the_drawer_alone(store: Session) -> None:
    add_user(store, "ali", "1234", role="cashier")
    cashier = store.as_user("ali")
    shifts.open_shift(cashier, float_amount=50000)
    moves.drop(cashier, 20000)
    _refused_unchanged(cashier, PermissionRequired, "ali may not pay cash out",
                       lambda: moves.paid_out(cashier, 100, "misc", "sweets"))
    _refused_unchanged(cashier, PermissionRequired, "ali may not open the drawer without a sale",
                       lambda: moves.no_sale(cashier, "change"))
    _refused_unchanged(cashier, RuleViolation, "a drop of Rs 400.00 is more than that",
                       lambda: moves.drop(cashier, 40000))


def test_drawer_moves_need_an_open_shift_a_category_and_a_note(store: Session) -> None:
    _refused_unchanged(store, RuleViolation, "No shift is open", lambda: moves.paid_in(store, 100, "owner"))
    shifts.open_shift(store)
    _refused_unchanged(store, InvalidInput, "'snacks' is not an expense category",
                       lambda: moves.paid_out(store, 100, "snacks", "crisps"))
    _refused_unchanged(store, InvalidInput, "A paid-out needs a note", lambda: moves.paid_out(store, 100, "misc", " "))
    _refused_unchanged(store, InvalidAmount, "more than zero", lambda: moves.paid_in(store, -5, "owner"))
    _refused_unchanged(store, InvalidInput, "A no-sale needs a reason", lambda: moves.no_sale(store, ""))


def test_bad_counts_are_refused_with_a_sentence_and_change_nothing(store: Session) -> None:
    for text, sentence in (("5000x-3", "not a number of pieces"), ("5000xabc", "not a number of pieces"),
                           ("lots", "is not a count"), ("-5000x3", "negative"), ("0x3", "worth more than zero")):
        with pytest.raises(InvalidInput, match=sentence):
            parse_count(text, PKR)
    assert parse_count("5000x3", PKR) == DenominationCount(500000, 3)
    _refused_unchanged(store, InvalidInput, "Rs 30.00 is not a note or coin",
                       lambda: shifts.open_shift(store, counts=[DenominationCount(3000, 1)]))
    _refused_unchanged(store, InvalidAmount, "cannot be right",
                       lambda: shifts.open_shift(store, counts=[DenominationCount(100000, -1)]))
    _refused_unchanged(store, InvalidInput, "counted twice",
                       lambda: shifts.open_shift(store, counts=[DenominationCount(100, 1), DenominationCount(100, 2)]))
    _refused_unchanged(store, InvalidInput, "not both",
                       lambda: shifts.open_shift(store, counts=[DenominationCount(100, 1)], float_amount=100))


def test_a_sale_with_no_shift_starts_one_and_stays_one_journal_entry(store: Session) -> None:
    head = store.ledger.head()
    _sell(store, TEA_BARCODE, Tender("cash", 45000))
    assert store.ledger.head().seq == head.seq + 1
    started = shifts.current_shift(store)
    assert started is not None and started.auto_opened and started.opened_seq == head.seq + 1
    assert started.cashiers == ("admin",)
    assert shifts.close_shift(store, counted=45000).report.variance == 0


def test_under_refuse_a_sale_needs_an_open_shift(tmp_path: Path) -> None:
    path = tmp_path / "strict.db"
    session = make_store(path, Settings(cash=CashSettings(no_shift="refuse")))
    head = session.ledger.head()
    with pytest.raises(RuleViolation, match="No shift is open on T1, so nothing can be sold"):
        _sell(session, TEA_BARCODE, Tender("cash", 45000))
    assert session.ledger.head() == head
    shifts.open_shift(session, float_amount=5000)
    _sell(session, TEA_BARCODE, Tender("cash", 45000))
    assert shifts.close_shift(session, counted=50000).report.variance == 0
    session.close()
    assert_verifies(path)


def test_a_second_cashier_joins_the_shift_and_sales_list_their_seller(store: Session) -> None:
    add_user(store, "ali", "1234", role="cashier")
    add_user(store, "zara", "1111", role="cashier")
    shifts.open_shift(store, float_amount=0, cashiers=["ali"])
    shifts.add_cashier(store, "zara")
    with pytest.raises(RuleViolation, match="already works"):
        shifts.add_cashier(store, "zara")
    _sell(store.as_user("zara"), TEA_BARCODE, Tender("card", 45000))
    current = shifts.current_shift(store)
    assert current is not None and current.cashiers == ("admin", "ali", "zara")
