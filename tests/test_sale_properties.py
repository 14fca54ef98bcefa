"""Any sale the till can ring up is a balanced double entry whose amounts agree everywhere."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from pos_tui.config import Settings
from pos_tui.domain.cart import Cart, price_cart
from pos_tui.domain.events import SaleCompleted
from pos_tui.domain.money import Rounding
from pos_tui.domain.postings import COGS, INVENTORY, ROUNDING, SALES, drawer_account
from pos_tui.domain.sale import sale_event
from pos_tui.domain.tax import TaxPolicy
from pos_tui.domain.tender import settle

from .support.carts import carts, policies, tenders_for

METHODS = Settings().tender_methods()


@settings(max_examples=300)
@given(st.data(), carts(), policies, st.sampled_from([1, 5, 10, 100]))
def test_every_generated_sale_balances_and_adds_up(
    data: st.DataObject, cart: Cart, policy: TaxPolicy, step: int
) -> None:
    priced = price_cart(cart, policy)
    tenders = data.draw(tenders_for(priced.total, step, policy.rounding))
    settlement = settle(priced.total, tenders, METHODS, cash_step=step, mode=policy.rounding)
    event = sale_event("T1", 1, priced, settlement, METHODS)

    assert sum(p.amount for p in event.postings()) == 0
    for line in event.lines:
        assert line.net + line.tax == line.gross
    assert sum(line.gross for line in event.lines) == event.total
    assert sum(line.tax for line in event.lines) == event.tax_total
    assert sum(line.line_discount + line.cart_discount for line in event.lines) == event.discount_total
    assert event.change >= 0
    assert sum(t.amount for t in event.tenders) - event.change == event.total + event.rounding
    _postings_say_the_same_as_the_sale(event)


def _postings_say_the_same_as_the_sale(event: SaleCompleted) -> None:
    legs = Counter[str]()
    for posting in event.postings():
        legs[posting.account] += posting.amount
    assert len(legs) == len(event.postings()), "one posting per account"
    assert 0 not in legs.values(), "no zero legs"
    net = sum(line.net for line in event.lines)
    assert legs[SALES] == -net
    assert legs[ROUNDING] == -event.rounding
    assert legs[COGS] == event.cost_total == -legs[INVENTORY]
    tax_legs = sum(amount for account, amount in legs.items() if account.startswith("liabilities:tax:"))
    assert tax_legs == -event.tax_total
    paid_in = sum(amount for account, amount in legs.items() if account.startswith("assets:") and account != INVENTORY)
    assert paid_in == event.total + event.rounding
    cash_given = sum(t.amount for t in event.tenders if t.method == "cash")
    assert legs[drawer_account("T1")] == cash_given - event.change


def test_a_cash_sale_in_a_yen_store_rounds_to_ten_yen_and_still_balances() -> None:
    from pos_tui.domain.cart import CartLine
    from pos_tui.domain.tender import Tender

    line = CartLine(1, "X", "Onigiri", "each", 3000, 148, 148, "std", 800, 90)
    priced = price_cart(Cart().add(line), TaxPolicy(True, Rounding.HALF_UP))
    settlement = settle(priced.total, [Tender("cash", 500)], METHODS, cash_step=10)
    event = sale_event("T2", 7, priced, settlement, METHODS)
    assert (event.total, event.rounding, event.change) == (444, -4, 60)
    assert dict((p.account, p.amount) for p in event.postings())[ROUNDING] == 4
    assert sum(p.amount for p in event.postings()) == 0
