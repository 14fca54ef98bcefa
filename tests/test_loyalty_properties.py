"""Whatever mix of sales, returns, voids, redemptions and expiries happens, every customer's balance stays
at or above its floor and equals the sum of their events in the journal, and the liability accounts
equal what customers hold."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_tui.config import LoyaltySettings, Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import PosError
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.customers import accounts, balances, loyalty
from pos_tui.services.customers.accounts import Person
from pos_tui.services.selling import sales
from pos_tui.services.session import Session

from .conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store
from .test_loyalty import assert_liabilities_equal_balances

OPENED = datetime(2053, 3, 1, 4, 0, tzinfo=UTC)
CUSTOMERS = 2

sale_step = st.tuples(st.just("sale"), st.integers(0, CUSTOMERS - 1), st.integers(1, 3), st.booleans(),
                      st.integers(0, 100), st.integers(0, 100))
return_step = st.tuples(st.just("return"), st.integers(0, 30), st.integers(1, 2), st.booleans())
void_step = st.tuples(st.just("void"), st.integers(0, 30))
wait_step = st.tuples(st.just("wait"), st.integers(1, 9))
steps = st.lists(st.one_of(sale_step, sale_step, return_step, void_step, wait_step), min_size=1, max_size=14)


def _events_sum(session: Session) -> dict[int, tuple[int, int]]:
    """Each customer's (points, credit) added up straight from the journal's payloads, merges followed."""
    held: dict[int, list[int]] = {}
    for kind, payload in session.ledger.conn.execute(
        "SELECT kind, payload FROM journal WHERE kind IN ('sale.completed', 'customer.return',"
        " 'loyalty.points_expired') ORDER BY seq"
    ):
        p = json.loads(payload)
        if kind == "sale.completed":
            if "customer" not in p:
                continue
            p = p["customer"]
            row = held.setdefault(p["customer_id"], [0, 0])
            row[0] += p["points_earned"] - p["points_redeemed"]
            row[1] -= p["credit_redeemed"]
        elif kind == "customer.return":
            row = held.setdefault(p["customer_id"], [0, 0])
            row[0] += p["points_restored"] - p["points_back"]
            row[1] += p["credit_issued"]
        else:
            for c in p["customers"]:
                held.setdefault(c["customer_id"], [0, 0])[0] -= c["points"]
    return {customer: (points, credit) for customer, (points, credit) in held.items()}


def _play(session: Session, ids: list[int], plan: list[tuple[object, ...]]) -> None:
    moment = OPENED + timedelta(hours=1)
    session.clock = lambda: moment
    sold: list[str] = []
    for step in plan:
        moment += timedelta(minutes=5)
        try:
            if step[0] == "sale":
                _, who, teas, milk, points_pct, credit_pct = step
                customer = ids[int(who)]
                cart = Cart().add(products.resolve_scan(session, f"{teas}*{TEA_BARCODE}"))
                if milk:
                    cart = cart.add(products.resolve_scan(session, MILK_BARCODE))
                total = sum(line.quantity * line.unit_price // 1000 for line in cart.lines)
                held = balances.balance(session, customer)
                points = min(held.spendable * int(points_pct) // 100, total)
                credit = min(held.credit * int(credit_pct) // 100, total - points)
                tenders = [Tender(m, a) for m, a in (("points", points), ("store-credit", credit),
                                                     ("cash", total - points - credit)) if a]
                sold.append(sales.complete_sale(session, cart, tenders, customer_id=customer).reference)
            elif step[0] == "return" and sold:
                _, pick, line, as_credit = step
                sales.return_items(session, sold[int(pick) % len(sold)], [(int(line), 1000)],
                                   reason="damaged", refund_method="store-credit" if as_credit else "cash")
            elif step[0] == "void" and sold:
                sales.void_sale(session, sold[int(step[1]) % len(sold)], reason="test")
            elif step[0] == "wait":
                moment += timedelta(days=31 * int(step[1]))
                loyalty.expire_points(session)
        except PosError:
            pass  # a refusal changes nothing; the invariants below must still hold
        for customer in ids:
            held = balances.balance(session, customer)
            assert held.points >= 0 and held.credit >= 0, (step, held)
        assert_liabilities_equal_balances(session)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps)
def test_balances_stay_at_their_floor_equal_their_events_and_the_liabilities(
        tmp_path_factory: pytest.TempPathFactory, plan: list[tuple[object, ...]]) -> None:
    path: Path = tmp_path_factory.mktemp("loyalty") / "store.db"
    session = make_store(path, Settings(loyalty=LoyaltySettings(expiry_months=6)), opened_at=OPENED)
    try:
        session = session.as_user("admin")
        ids = [accounts.add_customer(session, Person(f"Customer {n}", f"0300{n:07d}")).customer_id
               for n in range(CUSTOMERS)]
        _play(session, ids, plan)
        summed = _events_sum(session)
        for customer in ids:
            held = balances.balance(session, customer)
            assert (held.points, held.credit) == summed.get(customer, (0, 0))
    finally:
        session.close()
    assert_verifies(path)
