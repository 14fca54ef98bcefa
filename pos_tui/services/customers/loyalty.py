"""Points and store credit at the counter: redeeming them as tenders, earning at a sale, taking them
back on a return or void, issuing store credit, and the expiry run (breakage).

Selling calls these inside its own ``ledger.write()`` transaction, so a sale and its customer event
are committed together or not at all, and two tills spending one balance are serialised by
``BEGIN IMMEDIATE``: the second reads the balance the first left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.domain.customer_events import CustomerReturn, ExpiredPoints, PointsExpired
from pos_tui.domain.errors import InvalidInput, RuleViolation
from pos_tui.domain.events import LinePoints, SaleCustomer
from pos_tui.domain.loyalty import LoyaltyRules, earned_points, expiring_points, points_share
from pos_tui.services.catalog import products
from pos_tui.services.chain.offline import refuse_offline_redemption
from pos_tui.services.customers.accounts import active_customer, live_customer_id
from pos_tui.services.customers.balances import balance, expiry_cutoff

if TYPE_CHECKING:
    from pos_tui.domain.cart import PricedCart
    from pos_tui.domain.events import TenderLine
    from pos_tui.domain.tender import Tender
    from pos_tui.services.session import Session

POINTS = "points"
STORE_CREDIT = "store-credit"
CUSTOMER_METHODS = frozenset({POINTS, STORE_CREDIT})


class BalanceTooLow(RuleViolation):
    """More points or store credit asked for than the customer can spend; the sentence has the balance."""


def rules(session: Session) -> LoyaltyRules:
    return session.settings.loyalty.rules()


@dataclass(frozen=True)
class Redemption:
    customer_id: int | None
    points: int
    points_value: int
    credit: int


def check_redemption(session: Session, customer_id: int | None, tenders: Sequence[Tender]) -> Redemption:
    """The points and store credit ``tenders`` spend, refused (nothing changed) beyond what the customer
    may spend: more than the balance, expired points, under the minimum, or no customer at all."""
    value = sum(t.amount for t in tenders if t.method == POINTS)
    credit = sum(t.amount for t in tenders if t.method == STORE_CREDIT)
    if customer_id is None:
        if value or credit:
            raise InvalidInput("Points and store credit belong to a customer, and none is attached to this sale.",
                               "Attach the customer first (Ctrl+U at the till, --customer in `pos sale`).")
        return Redemption(None, 0, 0, 0)
    customer_id = live_customer_id(session, customer_id)
    if not (value or credit):
        return Redemption(customer_id, 0, 0, 0)
    loyalty = rules(session)
    held = balance(session, customer_id)
    offline = session.settings.loyalty
    refuse_offline_redemption(session, "points", value, offline.offline_after_minutes, offline.offline_redeem_limit)
    if value:
        if value % loyalty.value_per_point:
            raise InvalidInput(f"Points pay in steps of {session.money(loyalty.value_per_point)}.",
                               "Change the points amount to a whole number of points.")
        points = value // loyalty.value_per_point
        if held.points < loyalty.min_redeem:
            raise BalanceTooLow(
                f"Customer #{customer_id} has {held.points} points; {loyalty.min_redeem} are needed before any can"
                " be spent.", "Nothing was charged; pay another way.")
        if points > held.spendable:
            expired = f" ({held.expired} of {held.points} have expired)" if held.expired else ""
            worth = session.money(loyalty.value(held.spendable))
            raise BalanceTooLow(
                f"Customer #{customer_id} can spend {held.spendable} points ({worth}){expired}; {points} were asked.",
                "Nothing was charged; lower the points amount or pay the rest another way.")
    else:
        points = 0
    if credit > held.credit:
        raise BalanceTooLow(
            f"Customer #{customer_id} has {session.money(held.credit)} of store credit; {session.money(credit)} was"
            " asked.", "Nothing was charged; lower the amount or pay the rest another way.")
    return Redemption(customer_id, points, value, credit)


def sale_customer_part(session: Session, priced: PricedCart, redemption: Redemption) -> SaleCustomer | None:
    """The customer's part of a sale about to be recorded: the points its lines earn on what they paid for
    with money (not with points or store credit), and the balances it spends."""
    if redemption.customer_id is None:
        return None
    loyalty = rules(session)
    total = priced.total
    paid_with_money = total - redemption.points_value - redemption.credit
    # Categories matter only where pos.toml gives them multipliers (a read saved on every sale otherwise).
    categories = products.categories_of(session, {p.line.product_id for p in priced.lines}) if loyalty.multipliers \
        else {}
    eligible = ((n, p.gross * paid_with_money // total if total else 0, categories.get(p.line.product_id, ""))
                for n, p in enumerate(priced.lines, start=1))
    earned = earned_points(loyalty, eligible)
    points = sum(earned.values())
    return SaleCustomer(
        customer_id=redemption.customer_id, lines=tuple(LinePoints(n, p) for n, p in earned.items()),
        points_earned=points, earned_value=loyalty.value(points), points_redeemed=redemption.points,
        redeemed_value=redemption.points_value, credit_redeemed=redemption.credit,
    )


# --- returns and voids ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnPlan:
    """What a return does to a customer's balances; ``withheld`` comes off the money refunded and goes
    back as a ``points`` refund line worth ``restored_value``."""

    customer_id: int | None
    points_back: int = 0
    back_value: int = 0
    points_restored: int = 0
    restored_value: int = 0

    @property
    def withheld(self) -> int:
        return self.restored_value

    def refunds(self, refund: TenderLine) -> list[TenderLine]:
        from pos_tui.domain.events import TenderLine

        return [refund, *([TenderLine(POINTS, self.restored_value)] if self.restored_value else [])]


def sale_customer(session: Session, sale_seq: int) -> int | None:
    row = session.ledger.conn.execute("SELECT customer_id FROM customer_sales WHERE sale_seq = ?",
                                      (sale_seq,)).fetchone()
    return None if row is None else int(row[0])


def plan_return(
    session: Session,
    *,
    sale_seq: int | None,
    shares: Sequence[tuple[int, int, int, int]],
    refund_method: str,
    refund_amount: int,
    customer_id: int | None = None,
) -> ReturnPlan:
    """``shares``: (line_no, sold, already returned, returning now) of the sale's lines. Takes back the
    points those lines earned; where they were already spent, the default policy withholds their value
    from the refund (so the balance ends at zero), the other lets the balance go below zero."""
    if refund_method == POINTS:
        raise InvalidInput("Points are not a way to refund.", "Refund in cash, to the card, or as store credit.")
    if customer_id is not None:
        customer_id = active_customer(session, customer_id).customer_id
    elif sale_seq is not None:
        customer_id = sale_customer(session, sale_seq)
    if customer_id is None:
        if refund_method == STORE_CREDIT:
            raise InvalidInput("Store credit is issued to a customer, and this return has none.",
                               "Name the customer (--customer, or attach them at the till) or refund another way.")
        return ReturnPlan(None)
    loyalty = rules(session)
    earned = {} if sale_seq is None else dict(session.ledger.conn.execute(
        "SELECT line_no, points FROM customer_sale_lines WHERE sale_seq = ?", (sale_seq,)).fetchall())
    points_back = sum(points_share(earned[line], sold, before, quantity)
                      for line, sold, before, quantity in shares if line in earned)
    restored = 0
    if points_back and loyalty.spent_points_on_return == "reduce-refund":
        held = balance(session, customer_id).points
        shortfall = points_back - max(held, 0)
        restored = min(max(shortfall, 0), refund_amount // loyalty.value_per_point)
    return ReturnPlan(customer_id, points_back, loyalty.value(points_back), restored, loyalty.value(restored))


def plan_void(session: Session, sale_seq: int, refunds: Sequence[TenderLine]) -> ReturnPlan:
    """A void takes back every point the sale earned and gives back what it spent; refused when the
    earned points were already spent (a return then withholds their value from the refund)."""
    customer_id = sale_customer(session, sale_seq)
    if customer_id is None:
        return ReturnPlan(None)
    loyalty = rules(session)
    earned, redeemed = session.ledger.conn.execute(
        "SELECT points_earned, points_redeemed FROM customer_sales WHERE sale_seq = ?", (sale_seq,)).fetchone()
    restored_value = sum(r.amount for r in refunds if r.method == POINTS)
    held = balance(session, customer_id).points
    if loyalty.spent_points_on_return == "reduce-refund" and held + redeemed - earned < 0:
        raise BalanceTooLow(
            f"This sale earned customer #{customer_id} {earned} points and they have {held} left: the rest were"
            " spent.", "Nothing was voided; return the lines instead (the refund is reduced by the points' value).")
    return ReturnPlan(customer_id, earned, loyalty.value(earned), redeemed, restored_value)


def record_return(session: Session, plan: ReturnPlan, return_seq: int, refunds: Sequence[TenderLine]) -> None:
    """The customer's side of a return just recorded (same transaction)."""
    if plan.customer_id is None:
        return
    credit = sum(r.amount for r in refunds if r.method == STORE_CREDIT)
    if not (plan.points_back or plan.points_restored or credit):
        return
    session.record(CustomerReturn(plan.customer_id, return_seq, plan.points_back, plan.back_value,
                                  plan.points_restored, plan.restored_value, credit))


# --- expiry -----------------------------------------------------------------------------------


def expire_points(session: Session) -> PointsExpired | None:
    """Expire every point earned before the cutoff and never spent: one event for all customers (breakage
    to income:loyalty-breakage). Running it twice expires nothing more. None when nothing expires."""
    loyalty = rules(session)
    with session.ledger.write() as conn:
        cutoff = expiry_cutoff(session)
        if cutoff is None:
            raise InvalidInput("Points never expire here ([loyalty] expiry_months = 0).", "Nothing was expired.")
        rows = conn.execute(
            "SELECT customer_id, COALESCE(SUM(points) FILTER (WHERE points > 0 AND at < ?), 0),"
            " COALESCE(-SUM(points) FILTER (WHERE points < 0), 0) FROM customer_activity"
            " WHERE customer_id IN (SELECT DISTINCT customer_id FROM customer_activity WHERE points > 0 AND at < ?)"
            " GROUP BY customer_id ORDER BY customer_id",
            (cutoff, cutoff),
        ).fetchall()
        expired = tuple(ExpiredPoints(cid, n, loyalty.value(n)) for cid, before, debits in rows
                        if (n := expiring_points(before, debits)))
        if not expired:
            return None
        event = PointsExpired(cutoff, expired)
        session.record(event)
    return event
