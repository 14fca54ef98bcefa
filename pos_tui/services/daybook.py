"""The daybook: every movement of money through the drawers and tender accounts over a range of days.

A movement is one journal entry's postings to one tender account (a split-paid sale is two rows).
Pages are keyset-paged by ``(seq, account)``; range totals are SQL sums over the day index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pos_tui.ledger.journal import business_day, parse_time
from pos_tui.services.sales import sale_reference
from pos_tui.services.session import Session

PAGE_SIZE = 100
KIND_LABELS = {
    "sale.completed": "sale",
    "sale.returned": "return",
    "paid.out": "paid out",
    "paid.in": "paid in",
    "shift.closed": "shift close",
}


@dataclass(frozen=True)
class DayRange:
    first: str
    """Business day, ISO date, inclusive."""
    last: str

    @classmethod
    def named(cls, name: str, today: str) -> DayRange:
        """"today", "yesterday", "week" (Monday to today) around the business day ``today``."""
        day = date.fromisoformat(today)
        if name == "yesterday":
            before = (day - timedelta(days=1)).isoformat()
            return cls(before, before)
        if name == "week":
            return cls((day - timedelta(days=day.weekday())).isoformat(), today)
        return cls(today, today)


def today(session: Session) -> str:
    info = session.ledger.store_info()
    return business_day(session.clock(), info.timezone, info.day_starts_at_hour)


def _tender_patterns(session: Session) -> dict[str, str]:
    """Tender method code -> SQL LIKE pattern of its account(s) on any terminal."""
    return {code: m.account.replace("{terminal}", "%") for code, m in session.tender_methods.items()}


def _method_of(account: str, patterns: dict[str, str]) -> str:
    for code, pattern in patterns.items():
        prefix, percent, suffix = pattern.partition("%")
        if account == pattern or (percent and account.startswith(prefix) and account.endswith(suffix)):
            return code
    return account


@dataclass(frozen=True)
class Movement:
    seq: int
    account: str
    at: str
    """UTC time of the entry."""
    kind: str
    reference: str
    cashier: str
    method: str
    money_in: int
    money_out: int

    @property
    def key(self) -> tuple[int, str]:
        return (self.seq, self.account)


@dataclass(frozen=True)
class MovementFilter:
    kind: str = ""
    """A journal kind, e.g. "sale.completed"; empty: all."""
    method: str = ""
    cashier: str = ""


def movements(
    session: Session,
    days: DayRange,
    where: MovementFilter = MovementFilter(),
    *,
    after: tuple[int, str] = (0, ""),
    limit: int = PAGE_SIZE,
) -> list[Movement]:
    patterns = _tender_patterns(session)
    wanted = [patterns[where.method]] if where.method in patterns else list(patterns.values())
    accounts = " OR ".join("p.account LIKE ?" for _ in wanted)
    clauses = ["j.day BETWEEN ? AND ?", "(j.seq, p.account) > (?, ?)", f"({accounts})"]
    params: list[object] = [days.first, days.last, after[0], after[1], *wanted]
    if where.kind:
        clauses.append("j.kind = ?")
        params.append(where.kind)
    if where.cashier:
        clauses.append("j.user = ?")
        params.append(where.cashier)
    sql = (
        "SELECT j.seq, p.account, j.at, j.kind, j.user, SUM(p.amount), s.terminal, s.number, r.terminal, r.number"
        " FROM journal j JOIN postings p ON p.seq = j.seq"
        " LEFT JOIN sales s ON s.seq = j.seq LEFT JOIN returns r ON r.seq = j.seq"
        f" WHERE {' AND '.join(clauses)} GROUP BY j.seq, p.account ORDER BY j.seq, p.account LIMIT ?"
    )
    found = []
    for seq, account, at, kind, user, amount, s_term, s_num, r_term, r_num in session.ledger.conn.execute(
        sql, (*params, min(limit, 500))
    ):
        if s_num is not None:
            reference = sale_reference(s_term, s_num)
        elif r_num is not None:
            reference = "R" + sale_reference(r_term, r_num)
        else:
            reference = f"#{seq}"
        found.append(
            Movement(seq, account, at, KIND_LABELS.get(kind, kind), reference, user, _method_of(account, patterns),
                     max(amount, 0), max(-amount, 0))
        )
    return found


def local_time(session: Session, at: str) -> str:
    """HH:MM:SS of a UTC journal time in the store's timezone."""
    from zoneinfo import ZoneInfo

    return parse_time(at).astimezone(ZoneInfo(session.ledger.store_info().timezone)).strftime("%H:%M:%S")


@dataclass(frozen=True)
class DaybookTotals:
    sale_count: int
    sales: int
    """Takings of completed sales (what customers owed, tax included)."""
    gross_profit: int
    """Net of tax sales less their cost, less the same for returns."""
    returns: int
    return_count: int
    expenses: int
    """Money booked to expense accounts other than the cost of goods sold."""
    net_cash: int
    """Net movement of the cash drawers."""
    by_method: tuple[tuple[str, int], ...]
    """(method label, net amount) for every tender method."""


def totals(session: Session, days: DayRange) -> DaybookTotals:
    conn = session.ledger.conn
    span = (days.first, days.last)
    sale_count, sales_total, sales_profit = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(total), 0), COALESCE(SUM(total - tax_total - cost_total), 0)"
        " FROM sales WHERE day BETWEEN ? AND ?",
        span,
    ).fetchone()
    return_count, returned = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(refund_total), 0) FROM returns WHERE day BETWEEN ? AND ?", span
    ).fetchone()
    (returned_profit,) = conn.execute(
        "SELECT COALESCE(SUM(l.net - l.cost), 0) FROM returns r JOIN return_lines l ON l.return_seq = r.seq"
        " WHERE r.day BETWEEN ? AND ?",
        span,
    ).fetchone()
    (expenses,) = conn.execute(
        "SELECT COALESCE(SUM(p.amount), 0) FROM journal j JOIN postings p ON p.seq = j.seq"
        " WHERE j.day BETWEEN ? AND ? AND p.account LIKE 'expenses:%' AND p.account != 'expenses:cogs'",
        span,
    ).fetchone()
    patterns = _tender_patterns(session)
    by_account = conn.execute(
        "SELECT p.account, SUM(p.amount) FROM journal j JOIN postings p ON p.seq = j.seq"
        " WHERE j.day BETWEEN ? AND ? AND (" + " OR ".join("p.account LIKE ?" for _ in patterns) + ")"
        " GROUP BY p.account",
        (*span, *patterns.values()),
    ).fetchall()
    per_method = dict.fromkeys(patterns, 0)
    net_cash = 0
    for account, amount in by_account:
        code = _method_of(account, patterns)
        per_method[code] = per_method.get(code, 0) + amount
        if account.startswith("assets:cash:drawer:"):
            net_cash += amount
    labels = {code: m.label for code, m in session.tender_methods.items()}
    return DaybookTotals(
        sale_count, sales_total, sales_profit - returned_profit, returned, return_count, expenses, net_cash,
        tuple((labels.get(code, code), amount) for code, amount in per_method.items()),
    )


def cashiers(session: Session) -> list[str]:
    return [name for (name,) in session.ledger.conn.execute("SELECT username FROM users ORDER BY username")]


@dataclass(frozen=True)
class SoldLine:
    line_no: int
    name: str
    unit: str
    quantity: int
    returned_quantity: int
    gross: int

    @property
    def returnable(self) -> int:
        return self.quantity - self.returned_quantity


def sale_lines(session: Session, sale_ref: str) -> tuple[str, list[SoldLine]]:
    """A completed sale's lines and what of each can still come back, for a return at the counter."""
    from pos_tui.domain.errors import NotFound
    from pos_tui.services.sales import parse_sale_reference

    terminal, number = parse_sale_reference(sale_ref, session.terminal)
    reference = sale_reference(terminal, number)
    conn = session.ledger.conn
    row = conn.execute("SELECT seq FROM sales WHERE terminal = ? AND number = ?", (terminal, number)).fetchone()
    if row is None:
        raise NotFound(f"There is no sale {reference}.", "Check the number on the receipt.")
    rows = conn.execute(
        "SELECT line_no, name, unit, quantity, returned_quantity, gross FROM sale_lines WHERE sale_seq = ?"
        " ORDER BY line_no",
        (row[0],),
    )
    return reference, [SoldLine(*r) for r in rows]
