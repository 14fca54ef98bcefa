"""What the shop owes a customer, summed from their activity rows: points (and their value), store
credit, and the points already past their expiry that the next `pos customer expire-points` takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pos_tui.domain.loyalty import expiring_points, months_before
from pos_tui.ledger.journal import format_time

if TYPE_CHECKING:
    from pos_tui.services.session import Session


@dataclass(frozen=True)
class Balance:
    customer_id: int
    points: int
    points_value: int  # the liability these points stand for, in minor units
    credit: int  # store credit, minor units
    expired: int  # points past their expiry, not yet taken by the expiry run: they cannot be spent

    @property
    def spendable(self) -> int:
        return max(self.points - self.expired, 0)


def expiry_cutoff(session: Session, now: datetime | None = None) -> str | None:
    """Points earned before this moment (journal format) have expired; None when points never expire."""
    months = session.settings.loyalty.expiry_months
    if not months:
        return None
    return format_time(months_before(now or session.clock(), months))


def balance(session: Session, customer_id: int, *, through_seq: int | None = None) -> Balance:
    """The customer's balances now (or as of the entry ``through_seq``, as a receipt printed then showed them)."""
    conn = session.ledger.conn
    upto = "" if through_seq is None else " AND seq <= ?"
    args: tuple[int, ...] = (customer_id,) if through_seq is None else (customer_id, through_seq)
    points, value, credit, debits = conn.execute(
        "SELECT COALESCE(SUM(points), 0), COALESCE(SUM(points_value), 0), COALESCE(SUM(credit), 0),"
        f" COALESCE(-SUM(points) FILTER (WHERE points < 0), 0) FROM customer_activity WHERE customer_id = ?{upto}",
        args,
    ).fetchone()
    expired = 0
    cutoff = expiry_cutoff(session)
    if cutoff is not None and through_seq is None:
        before = conn.execute(
            "SELECT COALESCE(SUM(points), 0) FROM customer_activity WHERE customer_id = ? AND points > 0 AND at < ?",
            (customer_id, cutoff),
        ).fetchone()[0]
        expired = expiring_points(before, debits)
    return Balance(customer_id, points, value, credit, expired)


@dataclass(frozen=True)
class Outstanding:
    """Every customer's balances added up: what the liability accounts must hold."""

    points: int
    points_value: int
    credit: int


def outstanding(session: Session) -> Outstanding:
    points, value, credit = session.ledger.conn.execute(
        "SELECT COALESCE(SUM(points), 0), COALESCE(SUM(points_value), 0), COALESCE(SUM(credit), 0)"
        " FROM customer_activity"
    ).fetchone()
    return Outstanding(points, value, credit)


def account_balance(session: Session, account: str) -> int:
    """A ledger account's balance from the postings (credit-normal liabilities come out negative)."""
    total: int = session.ledger.conn.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM postings WHERE account = ?", (account,)
    ).fetchone()[0]
    return total


@dataclass(frozen=True)
class Visit:
    sale_seq: int
    terminal: str
    number: int
    at: str
    total: int
    points_earned: int


def last_visits(session: Session, customer_id: int, limit: int = 5) -> list[Visit]:
    return [Visit(*row) for row in session.ledger.conn.execute(
        "SELECT sale_seq, terminal, number, at, total, points_earned FROM customer_sales WHERE customer_id = ?"
        " ORDER BY at DESC LIMIT ?", (customer_id, limit))]


def receipt_lines(session: Session, sale_seq: int) -> tuple[str, ...]:
    """What a sale's receipt says of its customer: name and masked phone, points earned, the balances
    as they stood after the sale (a reprint says the same). Nothing for a sale without a customer."""
    from pos_tui.domain.loyalty import mask_phone

    conn = session.ledger.conn
    row = conn.execute(
        "SELECT s.customer_id, s.seq, s.points_earned, s.points_redeemed, p.name, p.phone FROM customer_sales s"
        " LEFT JOIN customer_people p ON p.customer_id = s.customer_id WHERE s.sale_seq = ?", (sale_seq,)
    ).fetchone()
    if row is None:
        return ()
    customer_id, seq, earned, redeemed, name, phone = row
    held = balance(session, customer_id, through_seq=seq)
    who = f"{name}  {mask_phone(phone)}" if name and phone else (name or f"Customer #{customer_id}")
    lines = [f"Customer: {who}", f"Points earned: {earned}" + (f"  spent: {redeemed}" if redeemed else ""),
             f"Points balance: {held.points}"]
    if held.credit:
        lines.append(f"Store credit: {session.money(held.credit)}")
    return tuple(lines)


def refund_lines(session: Session, return_seq: int) -> tuple[str, ...]:
    """What a refund slip says of the customer's balances: points taken back, and any withheld."""
    row = session.ledger.conn.execute(
        "SELECT SUM(-points) FILTER (WHERE kind = 'take-back'), SUM(points) FILTER (WHERE kind = 'restore'),"
        " SUM(points_value) FILTER (WHERE kind = 'restore'), SUM(credit), MIN(customer_id)"
        # The customer's side of a return is the entry right after it, in the same transaction.
        " FROM customer_activity WHERE seq = ? AND kind IN ('take-back', 'restore', 'credit-issue')",
        (return_seq + 1,),
    ).fetchone()
    back, restored, restored_value, credit, customer_id = row
    if customer_id is None:
        return ()
    lines = [f"Customer #{customer_id}"]
    if back:
        lines.append(f"Points taken back: {back}")
    if restored:
        lines.append(f"Points already spent: {restored} ({session.money(restored_value)}) off the refund")
    if credit:
        lines.append(f"Store credit issued: {session.money(credit)}")
    return tuple(lines)
