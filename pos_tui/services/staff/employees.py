"""Employees: clocking in and out, hours for payroll, sales per cashier and per hour, commissions.

Hours are whole minutes (rounded down per shift). Sales figures are SQL aggregates over the
``sales_by_cashier`` covering index; commissions aggregate sold lines per cashier and SKU in SQL and
apply the rules (``[[staff.commission]]``) to those few rows. Rules live in config, not the journal:
a report shows what the rules in force today pay for the period asked (decided in #7).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pos_tui.domain.errors import RuleViolation
from pos_tui.domain.money import extend, percent_of
from pos_tui.domain.staff_events import ClockedIn, ClockedOut
from pos_tui.ledger.journal import format_time, parse_time

if TYPE_CHECKING:
    from pos_tui.config import CommissionRuleSettings
    from pos_tui.services.session import Session


def _zone(session: Session) -> ZoneInfo:
    return ZoneInfo(session.ledger.store_info().timezone)


def _open_entry(session: Session, username: str) -> tuple[int, str] | None:
    row = session.ledger.conn.execute(
        "SELECT in_seq, clocked_in_at FROM clock_entries WHERE username = ? AND out_seq IS NULL", (username,)
    ).fetchone()
    return None if row is None else (row[0], row[1])


def clock_in(session: Session) -> str:
    """Clock the session's user in; returns the UTC time recorded."""
    with session.ledger.write():
        if _open_entry(session, session.username) is not None:
            raise RuleViolation(f"{session.username} is already clocked in.", "Clock out first.")
        return session.record(ClockedIn(session.username)).at


def clock_out(session: Session) -> int:
    """Clock the session's user out; returns the whole minutes worked since clocking in."""
    with session.ledger.write():
        entry = _open_entry(session, session.username)
        if entry is None:
            raise RuleViolation(f"{session.username} is not clocked in.", "Clock in first.")
        in_seq, in_at = entry
        minutes = max(0, int((session.clock() - parse_time(in_at)).total_seconds()) // 60)
        session.record(ClockedOut(session.username, in_seq, minutes))
    return minutes


@dataclass(frozen=True)
class WorkedShift:
    username: str
    day: str  # local date of the clock-in
    clocked_in: str  # local "YYYY-MM-DD HH:MM"
    clocked_out: str  # local, "" while still clocked in
    minutes: int  # 0 while still clocked in


def _local(at: str, zone: ZoneInfo) -> datetime:
    return parse_time(at).astimezone(zone)


def _utc_bounds(session: Session, from_day: str, to_day: str) -> tuple[str, str]:
    """The UTC times a run of the store's local dates starts and ends at."""
    zone = _zone(session)
    start = datetime.fromisoformat(from_day).replace(tzinfo=zone)
    end = datetime.fromisoformat(to_day).replace(tzinfo=zone) + timedelta(days=1)
    return format_time(start), format_time(end)


def worked_shifts(session: Session, from_day: str, to_day: str, username: str | None = None) -> list[WorkedShift]:
    """Clock-ins on the local dates ``from_day``..``to_day``, by user and time."""
    start, end = _utc_bounds(session, from_day, to_day)
    zone = _zone(session)
    sql = ("SELECT username, clocked_in_at, clocked_out_at, minutes FROM clock_entries"
           " WHERE clocked_in_at >= ? AND clocked_in_at < ?")
    params: list[object] = [start, end]
    if username:
        sql += " AND username = ?"
        params.append(username)
    shifts = []
    for user, in_at, out_at, minutes in session.ledger.conn.execute(sql + " ORDER BY username, clocked_in_at", params):
        local_in = _local(in_at, zone)
        shifts.append(WorkedShift(user, local_in.date().isoformat(), local_in.strftime("%Y-%m-%d %H:%M"),
                                  _local(out_at, zone).strftime("%Y-%m-%d %H:%M") if out_at else "", minutes or 0))
    return shifts


# --- sales per cashier and per hour -----------------------------------------------------------


@dataclass(frozen=True)
class SalesFigure:
    key: str  # a cashier's user name, or a local hour "09"
    sales: int
    items: int  # a count: pieces, one per weighed line (sales.item_count), not thousandths
    total: int


def _quarter_hours(session: Session, from_day: str, to_day: str) -> Iterator[tuple[str, int, tuple[int, int, int]]]:
    """(cashier, local hour, (sales, items, total)) per UTC quarter hour: every real time zone is a whole
    number of quarter hours from UTC, so each bucket falls in one local hour."""
    zone = _zone(session)
    rows = session.ledger.conn.execute(
        "SELECT username, substr(at, 1, 13), substr(at, 15, 2) / 15,"
        " COUNT(*), SUM(item_count), SUM(total) FROM sales WHERE day BETWEEN ? AND ? GROUP BY 1, 2, 3",
        (from_day, to_day),
    )
    for username, utc_hour, quarter, count, items, total in rows:
        hour = parse_time(f"{utc_hour}:{quarter * 15:02d}:00.000000Z").astimezone(zone).hour
        yield username, hour, (count, items, total)


def _figures(rows: Iterable[tuple[str, int, int, int]]) -> list[SalesFigure]:
    summed: dict[str, list[int]] = {}
    for key, count, items, total in rows:
        figure = summed.setdefault(key, [0, 0, 0])
        figure[0] += count
        figure[1] += items
        figure[2] += total
    return [SalesFigure(key, *values) for key, values in sorted(summed.items())]


def sales_per_cashier(session: Session, from_day: str, to_day: str) -> list[SalesFigure]:
    """Sales count, items and takings (tax included) per cashier over business days ``from_day``..``to_day``."""
    return _figures((user, *figures) for user, _, figures in _quarter_hours(session, from_day, to_day))


def sales_per_hour(session: Session, from_day: str, to_day: str, username: str | None = None) -> list[SalesFigure]:
    """The same figures per local hour of the day ("09" = 09:00-09:59), for one cashier or all."""
    return _figures((f"{hour:02d}", *figures) for user, hour, figures in _quarter_hours(session, from_day, to_day)
                    if username is None or user == username)


# --- commissions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Commission:
    username: str
    net_sales: int  # net of tax and of what came back, over the lines a rule covers
    items: int  # thousandths
    commission: int


def _rule_for(rules: list[CommissionRuleSettings], sku: str, category: str) -> CommissionRuleSettings | None:
    return next((r for r in rules if r.sku == sku), None) or next((r for r in rules if r.category == category), None)


def commissions(session: Session, from_day: str, to_day: str) -> list[Commission]:
    """What each cashier earns under ``[[staff.commission]]`` over business days ``from_day``..``to_day``.

    A percent rule pays on the line's net (tax excluded) less the share of it returned; a flat rule pays
    per item kept (per kg of a weighed product). A line's category is the product's category today."""
    rules = list(session.settings.staff.commission)
    mode = session.settings.pricing.rounding
    earned: dict[str, list[int]] = {}
    rows = session.ledger.conn.execute(
        "SELECT s.username, l.sku, p.category, SUM(l.net - l.net * l.returned_quantity / l.quantity),"
        " SUM(l.quantity - l.returned_quantity)"
        " FROM sales s JOIN sale_lines l ON l.sale_seq = s.seq JOIN products p ON p.product_id = l.product_id"
        " WHERE s.day BETWEEN ? AND ? GROUP BY s.username, l.sku, p.category",
        (from_day, to_day),
    )
    for username, sku, category, net, quantity in rows:
        figure = earned.setdefault(username, [0, 0, 0])
        rule = _rule_for(rules, sku, category)
        if rule is None:
            continue
        figure[0] += net
        figure[1] += quantity
        if rule.percent_bp:
            figure[2] += percent_of(net, rule.percent_bp, mode)
        else:
            figure[2] += extend(quantity, rule.flat_per_item, mode)
    return [Commission(user, *values) for user, values in sorted(earned.items())]

