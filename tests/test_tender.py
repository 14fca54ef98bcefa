"""Paying: split tenders, change from cash only, cash rounding, and payments that do not add up."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.config import Settings
from pos_tui.domain.errors import InvalidAmount, InvalidInput, RuleViolation
from pos_tui.domain.money import MAX_AMOUNT, Rounding
from pos_tui.domain.tender import Tender, settle

from .support.carts import tenders_for

METHODS = Settings().tender_methods()


@given(st.data(), st.integers(0, 5_000_000), st.sampled_from([1, 5, 10, 100]), st.sampled_from(list(Rounding)))
def test_any_mix_of_tenders_that_covers_the_total_settles_with_non_negative_change(
    data: st.DataObject, total: int, step: int, mode: Rounding
) -> None:
    tenders = data.draw(tenders_for(total, step, mode))
    settlement = settle(total, tenders, METHODS, cash_step=step, mode=mode)
    assert settlement.change >= 0
    assert sum(t.amount for t in tenders) - settlement.change == total + settlement.rounding
    assert abs(settlement.rounding) < step
    if mode in (Rounding.HALF_UP, Rounding.HALF_EVEN):
        assert 2 * abs(settlement.rounding) <= step
    cash = sum(t.amount for t in tenders if t.method == "cash")
    assert settlement.change <= cash  # change only ever comes out of cash
    if cash == 0:
        assert settlement.rounding == 0


def test_cash_sale_of_1234_50_rounded_to_a_rupee_coin() -> None:
    settlement = settle(123_450, [Tender("cash", 150_000)], METHODS, cash_step=100)
    assert (settlement.rounding, settlement.change) == (50, 26_500)
    settlement = settle(123_449, [Tender("cash", 150_000)], METHODS, cash_step=100)
    assert (settlement.rounding, settlement.change) == (-49, 26_600)


def test_card_pays_exactly_and_cash_rounding_applies_only_to_the_cash_part() -> None:
    settlement = settle(10_003, [Tender("card", 5_000), Tender("cash", 5_005)], METHODS, cash_step=5)
    assert (settlement.rounding, settlement.change, settlement.due) == (2, 0, 10_005)
    card_only = settle(10_003, [Tender("card", 10_003)], METHODS, cash_step=5)
    assert (card_only.rounding, card_only.change) == (0, 0)


def test_a_tender_short_of_the_total_says_how_much_is_still_due() -> None:
    with pytest.raises(RuleViolation, match=r"Rs 10.00 is still due \(cash Rs 90.00 of Rs 100.00\)"):
        settle(10_000, [Tender("cash", 9_000)], METHODS, show=lambda m: f"Rs {m / 100:.2f}")
    with pytest.raises(RuleViolation, match="1000 is still due"):
        settle(10_000, [Tender("card", 9_000)], METHODS)


def test_card_over_the_total_is_refused_because_cards_give_no_change() -> None:
    with pytest.raises(RuleViolation, match="more than the total") as refused:
        settle(10_000, [Tender("card", 6_000), Tender("wallet", 5_000)], METHODS)
    assert "No change is given on cards" in str(refused.value)


@pytest.mark.parametrize(
    ("tender", "error", "sentence"),
    [(Tender("cheque", 100), InvalidInput,
      "'cheque' is not a payment method here. Use one of: card, cash, gift-card, points, store-credit, wallet"),
     (Tender("cash", 0), InvalidAmount, "A payment must be more than zero"),
     (Tender("cash", -500), InvalidAmount, "A payment must be more than zero"),
     (Tender("cash", MAX_AMOUNT + 1), InvalidAmount, "more than the till accepts")],
)
def test_a_payment_that_cannot_be_taken_is_refused(tender: Tender, error: type[Exception], sentence: str) -> None:
    with pytest.raises(error, match=sentence):
        settle(100, [tender], METHODS)


def test_an_empty_cart_paid_by_nothing_settles_at_zero() -> None:
    settlement = settle(0, [], METHODS)
    assert (settlement.change, settlement.rounding) == (0, 0)
