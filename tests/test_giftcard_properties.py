"""Property: whatever sequence of sales, reloads, payments and refunds onto cards a shop goes through,
every card's balance is the sum of its moves, never below zero, and the liability in the books is what
the cards hold together. Refused payments change nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import RuleViolation
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.giftcards import cards
from pos_tui.services.reports import export
from pos_tui.services.selling import sales

from .conftest import TEA_BARCODE, assert_verifies, make_store

amounts = st.integers(min_value=1, max_value=200_000)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("sell"), amounts),
        st.tuples(st.just("reload"), st.integers(0, 5), amounts),
        st.tuples(st.just("redeem"), st.integers(0, 5), amounts),
        st.tuples(st.just("refund"), st.integers(0, 5)),
    ),
    min_size=1,
    max_size=12,
)

TEA_PRICE = 45_000


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_card_balances_are_their_moves_never_negative_and_add_up_to_the_liability(
    story: list[tuple[object, ...]],
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "store.db"
        session = make_store(path)
        tea = products.resolve_scan(session, TEA_BARCODE)
        expected: dict[str, int] = {}
        numbers: list[str] = []
        for step in story:
            kind = step[0]
            if kind == "sell":
                amount = int(step[1])  # type: ignore[call-overload]
                cart = cards.add_to_cart(session, Cart(), None, amount)
                sales.complete_sale(session, cart, [Tender("cash", amount)])
                numbers.append(cart.gift_cards[0].number)
                expected[numbers[-1]] = amount
                continue
            if not numbers:
                continue
            number = numbers[int(step[1]) % len(numbers)]  # type: ignore[call-overload]
            if kind == "reload":
                amount = int(step[2])  # type: ignore[call-overload]
                cart = cards.add_to_cart(session, Cart(), number, amount, reload=True)
                sales.complete_sale(session, cart, [Tender("card", amount)])
                expected[number] += amount
            elif kind == "redeem":
                amount = min(int(step[2]), TEA_PRICE)  # type: ignore[call-overload]
                rest = [Tender("cash", TEA_PRICE - amount)] if amount < TEA_PRICE else []
                try:
                    sales.complete_sale(session, Cart().add(tea), [Tender("gift-card", amount, card=number), *rest])
                except RuleViolation:
                    assert amount > expected[number]  # refused only when the card is short
                else:
                    expected[number] -= amount
            else:
                sale = sales.complete_sale(session, Cart().add(tea), [Tender("cash", TEA_PRICE)])
                sales.return_items(session, sale.reference, [(1, 1000)], reason="refund to card",
                                   refund_method="gift-card", gift_card=number)
                expected[number] += TEA_PRICE
            for each in numbers:
                card = cards.balance(session, each)
                assert card.balance == expected[each] == sum(m.delta for m in card.moves) >= 0
        liability = export.account_balances(session).get("liabilities:gift-cards", 0) if numbers else 0
        assert -liability == sum(held for _, held in cards.outstanding(session)) == sum(expected.values())
        session.close()
        assert_verifies(path)
