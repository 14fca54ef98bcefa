"""Managers' reports on customers: the best, how often they come, who stopped coming, one customer's
purchases, what the shop owes in points and store credit, and what expired (breakage).

Each is one query over the customer projections' indexes; names come from ``customer_people`` (a
forgotten customer shows as their number)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from pos_tui.domain.customer_events import LOYALTY_LIABILITY, STORE_CREDIT_LIABILITY
from pos_tui.domain.permissions import Action
from pos_tui.ledger.journal import format_time
from pos_tui.services.customers.balances import account_balance, outstanding
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session


@dataclass(frozen=True)
class Table:
    """A report as rows a screen or a CSV can show: money columns hold minor units."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]
    money_columns: frozenset[int] = frozenset()


_NAME = "COALESCE(p.name, '#' || c.customer_id)"
_PEOPLE = "customers c LEFT JOIN customer_people p ON p.customer_id = c.customer_id"


def _since(session: Session, days: int) -> str:
    return format_time(session.clock() - timedelta(days=days))


def top_customers(session: Session, *, days: int = 365, limit: int = 20) -> Table:
    authz.require(session, Action.REPORTS)
    rows = session.ledger.conn.execute(
        f"SELECT c.customer_id, {_NAME}, COUNT(*), SUM(s.total), SUM(s.points_earned), MAX(s.at)"
        f" FROM customer_sales s JOIN {_PEOPLE} ON c.customer_id = s.customer_id WHERE s.at >= ?"
        " GROUP BY c.customer_id ORDER BY SUM(s.total) DESC, c.customer_id LIMIT ?",
        (_since(session, days), limit),
    ).fetchall()
    return Table(f"Top customers, last {days} days", ("#", "Customer", "Visits", "Spent", "Points earned",
                                                      "Last visit"), rows, frozenset({3}))


def visit_frequency(session: Session, *, days: int = 365) -> Table:
    """How many customers came once, 2-3 times, 4-11 times, 12 times or more in the period."""
    authz.require(session, Action.REPORTS)
    rows = session.ledger.conn.execute(
        "SELECT CASE WHEN visits = 1 THEN '1' WHEN visits <= 3 THEN '2-3' WHEN visits <= 11 THEN '4-11'"
        " ELSE '12+' END AS band, COUNT(*), SUM(spent), MIN(visits) FROM"
        " (SELECT customer_id, COUNT(*) AS visits, SUM(total) AS spent FROM customer_sales WHERE at >= ?"
        "  GROUP BY customer_id) GROUP BY band ORDER BY MIN(visits)",
        (_since(session, days),),
    ).fetchall()
    return Table(f"Visit frequency, last {days} days", ("Visits", "Customers", "Spent"),
                 [row[:3] for row in rows], frozenset({2}))


def lapsed_customers(session: Session, *, days: int = 90, limit: int = 100) -> Table:
    """Customers who came before but not in the last ``days`` days, the most valuable first."""
    authz.require(session, Action.REPORTS)
    rows = session.ledger.conn.execute(
        f"SELECT c.customer_id, {_NAME}, COUNT(*), SUM(s.total), MAX(s.at) FROM customer_sales s"
        f" JOIN {_PEOPLE} ON c.customer_id = s.customer_id GROUP BY c.customer_id HAVING MAX(s.at) < ?"
        " ORDER BY SUM(s.total) DESC, c.customer_id LIMIT ?",
        (_since(session, days), limit),
    ).fetchall()
    return Table(f"Customers not seen for {days} days", ("#", "Customer", "Visits", "Spent", "Last visit"), rows,
                 frozenset({3}))


def purchase_history(session: Session, customer_id: int, *, limit: int = 200) -> Table:
    authz.require(session, Action.REPORTS)
    rows = session.ledger.conn.execute(
        "SELECT at, terminal || '-' || printf('%06d', number), total, points_earned, points_redeemed, credit_redeemed"
        " FROM customer_sales WHERE customer_id = ? ORDER BY at DESC LIMIT ?",
        (customer_id, limit),
    ).fetchall()
    return Table(f"Purchases of customer #{customer_id}", ("When", "Sale", "Total", "Points earned",
                                                           "Points spent", "Credit spent"), rows, frozenset({2, 5}))


def liability(session: Session) -> Table:
    """What the shop owes its customers, from their balances, beside the ledger accounts (they agree)."""
    authz.require(session, Action.REPORTS)
    owed = outstanding(session)
    rows: list[tuple[object, ...]] = [
        ("Loyalty points", owed.points, owed.points_value, -account_balance(session, LOYALTY_LIABILITY)),
        ("Store credit", "", owed.credit, -account_balance(session, STORE_CREDIT_LIABILITY)),
    ]
    return Table("Points and store credit outstanding", ("Liability", "Points", "Owed to customers", "In the books"),
                 rows, frozenset({2, 3}))


def breakage(session: Session) -> Table:
    """Each expiry run: when, the cutoff, how many customers, points and their value moved to income."""
    authz.require(session, Action.REPORTS)
    rows = session.ledger.conn.execute(
        "SELECT MIN(at), COUNT(*), -SUM(points), -SUM(points_value) FROM customer_activity WHERE kind = 'expire'"
        " GROUP BY seq ORDER BY seq"
    ).fetchall()
    return Table("Points expired (breakage)", ("When", "Customers", "Points", "Value"), rows, frozenset({3}))
