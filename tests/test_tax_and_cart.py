"""Pricing a cart: discounts, overrides and tax always add up, whatever the tax policy."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.domain.cart import MAX_QUANTITY, Cart, CartLine, Discount, price_cart
from pos_tui.domain.errors import InvalidAmount, InvalidInput
from pos_tui.domain.money import Rounding, round_div
from pos_tui.domain.tax import TaxPolicy, TaxRounding, tax_added_to, tax_included_in

from .conftest import SAMPLE_PRODUCTS
from .support.carts import cart_lines, carts, policies

INCLUSIVE = TaxPolicy(prices_include_tax=True)
EXCLUSIVE = TaxPolicy(prices_include_tax=False)


@given(carts(), policies)
def test_every_priced_line_and_the_whole_cart_add_up(cart: Cart, policy: TaxPolicy) -> None:
    priced = price_cart(cart, policy)
    for p in priced.lines:
        assert p.net + p.tax == p.gross
        assert 0 <= p.line_discount <= p.extended
        assert 0 <= p.discount <= p.extended
        assert p.amount == (p.gross if policy.prices_include_tax else p.net)
    assert priced.total == sum(p.gross for p in priced.lines)
    assert priced.net_total + priced.tax_total == priced.total
    assert priced.subtotal - priced.discount_total == sum(p.amount for p in priced.lines)
    assert sum(b.tax for b in priced.taxes) == priced.tax_total
    assert sum(b.net for b in priced.taxes) == priced.net_total


@given(carts(), policies)
def test_cart_discount_is_shared_over_the_lines_exactly(cart: Cart, policy: TaxPolicy) -> None:
    priced = price_cart(cart, policy)
    after_line = sum(p.extended - p.line_discount for p in priced.lines)
    wanted = cart.discount.amount_of(after_line, policy.rounding) if cart.discount else 0
    assert sum(p.cart_discount for p in priced.lines) == wanted
    assert all(p.cart_discount <= p.extended - p.line_discount for p in priced.lines)


@given(carts(), policies)
def test_tax_is_rounded_per_line_or_once_per_rate_as_configured(cart: Cart, policy: TaxPolicy) -> None:
    priced = price_cart(cart, policy)
    tax_of = tax_included_in if policy.prices_include_tax else tax_added_to
    if policy.tax_rounding is TaxRounding.LINE:
        for p in priced.lines:
            assert p.tax == tax_of(p.amount, p.line.tax_rate_bp, policy.rounding)
    else:
        for rate in {p.line.tax_rate_bp for p in priced.lines}:
            members = [p for p in priced.lines if p.line.tax_rate_bp == rate]
            assert sum(p.tax for p in members) == tax_of(sum(p.amount for p in members), rate, policy.rounding)


@given(carts(), st.sampled_from(list(Rounding)))
def test_receipt_rounding_never_differs_from_line_rounding_by_more_than_a_unit_per_line(
    cart: Cart, mode: Rounding
) -> None:
    by_line = price_cart(cart, TaxPolicy(True, mode, TaxRounding.LINE))
    by_receipt = price_cart(cart, TaxPolicy(True, mode, TaxRounding.RECEIPT))
    assert by_line.total == by_receipt.total  # inclusive prices: the customer pays the same either way
    assert abs(by_line.tax_total - by_receipt.tax_total) <= len(cart.lines)


@given(cart_lines(1))
def test_a_line_costs_its_quantity_times_its_price_rounded_once(line: CartLine) -> None:
    priced = price_cart(Cart().add(replace(line, discount=None)), INCLUSIVE)
    assert priced.lines[0].extended == round_div(line.quantity * line.unit_price, 1000)


def test_tea_at_450_rupees_including_17_percent_gst_carries_65_38_tax() -> None:
    tea = SAMPLE_PRODUCTS[0]
    line = CartLine(1, tea.sku, tea.name, "each", 2000, tea.price, tea.price, "std", 1700, tea.cost)
    priced = price_cart(Cart().add(line), INCLUSIVE)
    assert (priced.total, priced.tax_total, priced.net_total) == (90_000, 13_077, 76_923)
    exclusive = price_cart(Cart().add(line), EXCLUSIVE)
    assert (exclusive.net_total, exclusive.tax_total, exclusive.total) == (90_000, 15_300, 105_300)


def test_half_a_kilo_of_rice_and_a_ten_percent_cart_discount() -> None:
    rice = CartLine(3, "RICE-KG", "Basmati Rice", "kg", 500, 32_000, 32_000, "exempt", 0, 25_000)
    tea = CartLine(1, "TEA-200", "Tea", "each", 1000, 45_000, 45_000, "std", 1700, 38_000)
    priced = price_cart(Cart().add(rice).add(tea).with_discount(Discount("percent", 1000)), INCLUSIVE)
    assert priced.subtotal == 16_000 + 45_000
    assert priced.discount_total == 6_100
    assert [p.cart_discount for p in priced.lines] == [1_600, 4_500]
    assert priced.total == 54_900
    assert priced.cost_total == 12_500 + 38_000


def test_scanning_the_same_item_twice_makes_one_line_of_two() -> None:
    tea = CartLine(1, "TEA-200", "Tea", "each", 1000, 45_000, 45_000, "std", 1700, 38_000)
    cart = Cart().add(tea).add(tea)
    assert len(cart.lines) == 1
    assert cart.lines[0].quantity == 2000
    overridden = cart.with_price(0, 40_000)
    assert overridden.lines[0].price_source == "override"
    assert len(overridden.add(tea).lines) == 2  # an override line does not swallow a catalogue scan


@pytest.mark.parametrize(
    ("quantity", "by_piece", "sentence"),
    [(0, True, "more than zero"), (-1000, True, "more than zero"), (MAX_QUANTITY + 1000, True, "more than the till"),
     (1500, True, "sold by the piece"), (10**12, False, "more than the till")],
)
def test_an_impossible_quantity_is_refused_with_a_sentence(quantity: int, by_piece: bool, sentence: str) -> None:
    line = CartLine(1, "X", "X", "each" if by_piece else "kg", quantity, 100, 100, "std", 1700, 50)
    with pytest.raises(InvalidAmount, match=sentence):
        Cart().add(line)


def test_bad_discounts_overrides_and_line_numbers_are_refused() -> None:
    with pytest.raises(InvalidAmount, match="cannot be negative"):
        Discount("amount", -1)
    with pytest.raises(InvalidAmount, match="more than 100%"):
        Discount("percent", 10_001)
    cart = Cart().add(CartLine(1, "X", "X", "each", 1000, 100, 100, "std", 1700, 50))
    with pytest.raises(InvalidAmount, match="cannot be negative"):
        cart.with_price(0, -5)
    with pytest.raises(InvalidAmount, match="more than the till accepts"):
        cart.with_price(0, 10**13)
    with pytest.raises(InvalidInput, match="no line 3"):
        cart.with_quantity(2, 1000)
    assert Discount("amount", 10**9).amount_of(500, Rounding.HALF_UP) == 500  # never more than the line


def test_a_discount_up_to_its_line_or_cart_passes_and_one_penny_more_names_the_largest() -> None:
    from pos_tui.domain.cart import discount_within
    from pos_tui.domain.money import Currency

    pkr = Currency("PKR", 2, "Rs")
    line = CartLine(1, "X", "X", "each", 3000, 15000, 15000, "std", 1700, 9000)  # 3 x Rs 150.00
    cart = Cart().add(line).add(replace(line, product_id=2, sku="Y", unit="kg", quantity=250))  # + Rs 37.50
    free = cart.with_line_discount(0, Discount("amount", 45000))
    assert discount_within(free, 0, pkr, Rounding.HALF_UP) is free  # the whole line: allowed
    with pytest.raises(InvalidAmount, match=r"more than line 2 \(Rs 37\.50\)\. The largest discount line 2 allows"):
        discount_within(cart.with_line_discount(1, Discount("amount", 3751)), 1, pkr, Rounding.HALF_UP)
    with pytest.raises(InvalidAmount, match=r"more than the cart \(Rs 37\.50 after line discounts\)"):
        discount_within(free.with_discount(Discount("amount", 3751)), None, pkr, Rounding.HALF_UP)
    whole = free.with_discount(Discount("percent", 10_000))  # 100% is never more than the cart
    assert discount_within(whole, None, pkr, Rounding.HALF_UP) is whole
