"""Hypothesis strategies for carts a till can meet: piece and weighed lines, overrides, discounts,
any tax policy, and tenders that pay at least the total."""

from __future__ import annotations

from hypothesis import strategies as st

from pos_tui.domain.cart import Cart, CartLine, Discount
from pos_tui.domain.money import Rounding, round_to_step
from pos_tui.domain.tax import TaxPolicy, TaxRounding
from pos_tui.domain.tender import Tender

TAX_CLASSES = {"std": 1700, "reduced": 500, "exempt": 0, "odd": 1333}

policies = st.builds(
    TaxPolicy,
    prices_include_tax=st.booleans(),
    rounding=st.sampled_from(list(Rounding)),
    tax_rounding=st.sampled_from(list(TaxRounding)),
)

discounts = st.one_of(
    st.none(),
    st.builds(Discount, kind=st.just("amount"), value=st.integers(min_value=0, max_value=500_000)),
    st.builds(Discount, kind=st.just("percent"), value=st.integers(min_value=0, max_value=10_000)),
)


@st.composite
def cart_lines(draw: st.DrawFn, product_id: int) -> CartLine:
    by_piece = product_id % 3 != 0  # a product is sold by the piece or by weight, never both
    quantity = draw(st.integers(1, 20)) * 1000 if by_piece else draw(st.integers(1, 25_000))
    price = draw(st.integers(0, 2_000_000))
    tax_class = draw(st.sampled_from(sorted(TAX_CLASSES)))
    override = draw(st.none() | st.integers(0, 2_000_000))
    return CartLine(
        product_id=product_id,
        sku=f"SKU-{product_id}",
        name=f"Item {product_id}",
        unit="each" if by_piece else "kg",
        quantity=quantity,
        unit_price=price if override is None else override,
        list_price=price,
        tax_class=tax_class,
        tax_rate_bp=TAX_CLASSES[tax_class],
        unit_cost=draw(st.integers(0, 1_500_000)),
        price_source="catalog" if override is None else "override",
        discount=draw(discounts),
    )


@st.composite
def carts(draw: st.DrawFn, max_lines: int = 8) -> Cart:
    count = draw(st.integers(1, max_lines))
    cart = Cart()
    for n in range(count):
        # Repeat product ids now and then so merging of identical piece lines is exercised too.
        cart = cart.add(draw(cart_lines(draw(st.integers(1, max(1, n + 1))))))
    return cart.with_discount(draw(discounts))


@st.composite
def tenders_for(draw: st.DrawFn, total: int, cash_step: int, mode: Rounding) -> list[Tender]:
    """Card, wallet and cash in any mix that pays ``total`` (cash rounded to ``cash_step``)."""
    card = draw(st.integers(0, total)) if draw(st.booleans()) else 0
    wallet = draw(st.integers(0, total - card)) if draw(st.booleans()) else 0
    remaining = total - card - wallet
    tenders = []
    if card:
        tenders.append(Tender("card", card))
    if wallet:
        tenders.append(Tender("wallet", wallet))
    if remaining or draw(st.booleans()):
        due = round_to_step(remaining, cash_step, mode)
        cash = max(due, 1) + draw(st.integers(0, 100_000))
        # Cash may come as several notes handed over separately.
        first = draw(st.integers(1, cash))
        tenders.append(Tender("cash", first))
        if cash - first:
            tenders.append(Tender("cash", cash - first))
    return draw(st.permutations(tenders))
