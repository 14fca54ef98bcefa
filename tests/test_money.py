"""Money as people type it and as receipts print it: exact integers, never a float."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.domain.errors import InvalidAmount
from pos_tui.domain.money import (
    MAX_AMOUNT,
    Rounding,
    allocate,
    check_amount,
    format_amount,
    parse_amount,
    round_div,
    round_to_step,
)

amounts = st.integers(min_value=0, max_value=MAX_AMOUNT)
exponents = st.integers(min_value=0, max_value=4)


@given(amounts, exponents, st.booleans())
def test_what_a_receipt_prints_reads_back_as_the_same_amount(minor: int, exponent: int, grouping: bool) -> None:
    text = format_amount(minor, exponent, grouping=grouping)
    assert parse_amount(text, exponent) == minor


@given(st.integers(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT), exponents)
def test_negative_amounts_read_back_only_where_negatives_are_allowed(minor: int, exponent: int) -> None:
    text = format_amount(minor, exponent)
    assert parse_amount(text, exponent, allow_negative=True) == minor
    if minor < 0:
        with pytest.raises(InvalidAmount, match="is negative"):
            parse_amount(text, exponent)


@pytest.mark.parametrize(
    ("typed", "exponent", "minor"),
    [("12.5", 2, 1250), ("12.50", 2, 1250), ("1,250.00", 2, 125_000), ("1250", 2, 125_000), (".5", 2, 50),
     ("7", 0, 7), ("1,000", 0, 1000), (" 3.25 ", 2, 325), ("0.001", 3, 1)],
)
def test_a_cashier_can_type_an_amount_the_usual_ways(typed: str, exponent: int, minor: int) -> None:
    assert parse_amount(typed, exponent) == minor


@pytest.mark.parametrize(
    ("typed", "exponent", "sentence"),
    [("12.345", 2, "has 3 decimals; this currency has 2"), ("1.5", 0, "has 1 decimals; this currency has 0"),
     ("abc", 2, "is not an amount"), ("", 2, "is not an amount"), ("12,50", 2, "is not an amount"),
     ("1,2345", 2, "is not an amount"), ("1e5", 2, "is not an amount"), (".", 2, "is not an amount"),
     ("10000000001", 2, "more than the till accepts"), ("\u0661\u0662\u0663", 2, "is not an amount"),
     ("5\u00b2", 2, "is not an amount"), ("\uff11\uff10", 0, "is not an amount")],
)
def test_an_amount_that_cannot_be_meant_is_refused_with_a_sentence(typed: str, exponent: int, sentence: str) -> None:
    with pytest.raises(InvalidAmount, match=sentence):
        parse_amount(typed, exponent)


def test_amounts_past_the_ceiling_are_refused_both_ways() -> None:
    assert check_amount(MAX_AMOUNT) == MAX_AMOUNT
    assert check_amount(-MAX_AMOUNT) == -MAX_AMOUNT
    for beyond in (MAX_AMOUNT + 1, -MAX_AMOUNT - 1, 10**30):
        with pytest.raises(InvalidAmount, match="more than the till accepts"):
            check_amount(beyond)


@given(st.integers(min_value=-10**15, max_value=10**15),
       st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30))
def test_allocation_sums_exactly_and_each_part_is_within_one_of_its_share(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    weight_sum = sum(weights) or len(weights)
    effective = weights if sum(weights) else [1] * len(weights)
    for part, weight in zip(parts, effective, strict=True):
        # |part - total * w / W| < 1, in integers: |part * W - total * w| < W
        assert abs(part * weight_sum - total * weight) < weight_sum


def test_allocation_gives_leftover_units_to_the_largest_remainders_first() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]
    assert allocate(10, [0, 0]) == [5, 5]
    assert allocate(0, []) == []
    with pytest.raises(ValueError, match="no parts"):
        allocate(5, [])


@given(st.integers(min_value=-10**12, max_value=10**12), st.integers(min_value=1, max_value=10**6),
       st.sampled_from(list(Rounding)))
def test_round_div_is_within_one_step_of_the_exact_quotient(numerator: int, denominator: int, mode: Rounding) -> None:
    result = round_div(numerator, denominator, mode)
    # result * d is within d of the numerator, and the direction matches the rounding mode
    assert abs(result * denominator - numerator) < denominator
    if mode is Rounding.DOWN:
        assert abs(result) * denominator <= abs(numerator)
    if mode is Rounding.UP:
        assert abs(result) * denominator >= abs(numerator)
    if mode in (Rounding.HALF_UP, Rounding.HALF_EVEN):
        assert 2 * abs(result * denominator - numerator) <= denominator


def test_half_up_rounds_halves_away_from_zero_and_half_even_to_even() -> None:
    assert [round_div(n, 2) for n in (1, 3, -1, -3)] == [1, 2, -1, -2]
    assert [round_div(n, 2, Rounding.HALF_EVEN) for n in (1, 3, 5, -1)] == [0, 2, 2, 0]


@given(st.integers(min_value=-10**9, max_value=10**9), st.sampled_from([1, 5, 10, 100]))
def test_cash_rounding_lands_on_a_coin_within_half_a_step(amount: int, step: int) -> None:
    rounded = round_to_step(amount, step)
    assert rounded % step == 0
    assert 2 * abs(rounded - amount) <= step


@pytest.mark.parametrize(
    "pasted", ["9" * 5000, "1," + ",".join(["000"] * 2000), "0" * 5000 + "12.50"], ids=["nines", "grouped", "zeros"]
)
def test_a_pasted_wall_of_digits_is_refused_with_a_sentence_not_a_traceback(pasted: str) -> None:
    if pasted.startswith("0" * 5000):
        assert parse_amount(pasted, 2) == 1250  # leading zeros are still just zeros
        return
    with pytest.raises(InvalidAmount, match="more than the till accepts") as refused:
        parse_amount(pasted, 2)
    assert len(str(refused.value)) < 200


def test_a_price_past_the_ceiling_says_the_largest_allowed_in_money_not_in_minor_units() -> None:
    with pytest.raises(InvalidAmount) as typed:
        parse_amount("99999999999", 2)
    with pytest.raises(InvalidAmount) as checked:
        check_amount(9_999_999_999_900, 2)

    for refused in (typed.value, checked.value):
        assert "at most 10,000,000,000.00" in str(refused) and "minor units" not in str(refused)
    with pytest.raises(InvalidAmount) as unknown_currency:
        check_amount(10**13)
    assert "minor units" not in str(unknown_currency.value)
