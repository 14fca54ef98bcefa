"""Managers' reports on customers: the best, how often they come, who stopped coming, one customer's
purchases, what the shop owes in points and store credit, and what expired (breakage).

Each is one query over the customer projections' indexes; names come from ``customer_people`` (a
forgotten customer shows as their number)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from pos_tui.domain.customer_events import LOYALTY_LIABILITY, STORE_CREDIT_LIABILITY
from pos_tui.services.customers.balances import account_balance, outstanding

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
_SALES = ("customer_sales s JOIN customers c ON c.customer_id = s.customer_id"
          " LEFT JOIN customer_people p ON p.customer_id = c.customer_id")


def _local(session: Session, rows: list[tuple[object, ...]], column: int) -> list[tuple[object, ...]]:
    """Rows with the journal time in ``column`` as the store's local time, as people read it."""
    return [(*row[:column], session.local_time(str(row[column])).strftime("%Y-%m-%d %H:%M"), *row[column + 1:])
            for row in rows]


def days_back(session: Session, days: int) -> tuple[str, str]:
    """The business days from ``days`` ago to today, as reports take them."""
    today = session.local_time(session.clock()).date()
    return (today - timedelta(days=days)).isoformat(), today.isoformat()


def top_customers(session: Session, first: str, last: str, *, limit: int = 20) -> Table:
    rows = session.ledger.conn.execute(
        f"SELECT c.customer_id, {_NAME}, COUNT(*), SUM(s.total), SUM(s.points_earned), MAX(s.at)"
        f" FROM {_SALES} WHERE s.day BETWEEN ? AND ?"
        " GROUP BY c.customer_id ORDER BY SUM(s.total) DESC, c.customer_id LIMIT ?",
        (first, last, limit),
    ).fetchall()
    return Table(f"Top customers, {first} to {last}", ("#", "Customer", "Visits", "Spent", "Points earned",
                                                        "Last visit"), _local(session, rows, 5), frozenset({3}))


def visit_frequency(session: Session, first: str, last: str) -> Table:
    """How many customers came once, 2-3 times, 4-11 times, 12 times or more in the period."""
    rows = session.ledger.conn.execute(
        "SELECT CASE WHEN visits = 1 THEN '1' WHEN visits <= 3 THEN '2-3' WHEN visits <= 11 THEN '4-11'"
        " ELSE '12+' END AS band, COUNT(*), SUM(visits), SUM(spent), MIN(visits) FROM"
        " (SELECT customer_id, COUNT(*) AS visits, SUM(total) AS spent FROM customer_sales"
        "  WHERE day BETWEEN ? AND ? GROUP BY customer_id) GROUP BY band ORDER BY MIN(visits)",
        (first, last),
    ).fetchall()
    return Table(f"Visit frequency, {first} to {last}", ("Visits", "Customers", "Sales", "Spent"),
                 [row[:4] for row in rows], frozenset({3}))


def lapsed_customers(session: Session, since: str, *, limit: int = 100) -> Table:
    """Customers who came before the business day ``since`` and not from it on, the most valuable first."""
    rows = session.ledger.conn.execute(
        f"SELECT c.customer_id, {_NAME}, COUNT(*), SUM(s.total), MAX(s.at) FROM {_SALES}"
        " GROUP BY c.customer_id HAVING MAX(s.day) < ?"
        " ORDER BY SUM(s.total) DESC, c.customer_id LIMIT ?",
        (since, limit),
    ).fetchall()
    return Table(f"Customers not seen since {since}", ("#", "Customer", "Visits", "Spent", "Last visit"),
                 _local(session, rows, 4), frozenset({3}))


def purchase_history(session: Session, customer_id: int, *, limit: int = 200) -> Table:
    rows = session.ledger.conn.execute(
        "SELECT at, terminal || '-' || printf('%06d', number), total, points_earned, points_redeemed, credit_redeemed"
        " FROM customer_sales WHERE customer_id = ? ORDER BY at DESC LIMIT ?",
        (customer_id, limit),
    ).fetchall()
    return Table(f"Purchases of customer #{customer_id}", ("When", "Sale", "Total", "Points earned",
                                                           "Points spent", "Credit spent"), _local(session, rows, 0),
                 frozenset({2, 5}))


def liability(session: Session) -> Table:
    """What the shop owes its customers, from their balances, beside the ledger accounts (they agree)."""
    owed = outstanding(session)
    rows: list[tuple[object, ...]] = [
        ("Loyalty points", owed.points, owed.points_value, -account_balance(session, LOYALTY_LIABILITY)),
        ("Store credit", "", owed.credit, -account_balance(session, STORE_CREDIT_LIABILITY)),
    ]
    return Table("Points and store credit outstanding", ("Liability", "Points", "Owed to customers", "In the books"),
                 rows, frozenset({2, 3}))


def breakage(session: Session) -> Table:
    """Each expiry run: when, the cutoff, how many customers, points and their value moved to income."""
    rows = session.ledger.conn.execute(
        "SELECT MIN(at), COUNT(*), -SUM(points), -SUM(points_value) FROM customer_activity WHERE kind = 'expire'"
        " GROUP BY seq ORDER BY seq"
    ).fetchall()
    return Table("Points expired (breakage)", ("When", "Customers", "Points", "Value"), _local(session, rows, 0),
                 frozenset({3}))
