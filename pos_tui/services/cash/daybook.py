"""The daybook: every movement of money through the drawers, the safe and the tender accounts.

A movement is one journal entry's posting to one money account (a split-paid sale is two rows, a
cash drop is the drawer's out and the safe's in; a no-sale is a zero line). Rows come from the
``money_movements`` projection (db/0005_daybook.sql), keyset-paged by ``(day, seq, leg)``; every
figure is an SQL sum over its indexes, never a walk over rows in Python.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pos_tui.domain.errors import InvalidInput, NotFound
from pos_tui.domain.postings import method_of
from pos_tui.ledger.journal import business_day, format_time
from pos_tui.services.cash import shifts
from pos_tui.services.selling.sales import parse_sale_reference, sale_reference

if TYPE_CHECKING:
    from pos_tui.services.session import Session

PAGE_SIZE = 100
MAX_PAGE = 500
KIND_LABELS = {
    "sale.completed": "sale",
    "sale.returned": "return",
    "shift.opened": "float",
    "shift.closed": "shift close",
    "cash.paid_in": "paid in",
    "cash.paid_out": "paid out",
    "cash.dropped": "drop",
    "cash.expense": "expense",
    "drawer.opened": "no sale",
    "table.paid": "tip",  # a restaurant bill's tip, on its own posting to liabilities:tips
}
_SALE_KINDS = ("sale.completed", "sale.returned")
DRAWER_GLOB = "assets:cash:drawer:*"

Key = tuple[str, int, int]
"""Where a row sits in the daybook: (business day, journal seq, posting leg)."""
FIRST_KEY: Key = ("", 0, -1)


@dataclass(frozen=True)
class DayRange:
    first: str
    """Business day, ISO date, inclusive."""
    last: str
    since: str = ""
    """Optional UTC journal time the range starts at (inclusive), for a time of day within ``first``."""
    until: str = ""
    """Optional UTC journal time the range ends before."""

    @classmethod
    def named(cls, name: str, today: str) -> DayRange:
        """"today", "yesterday", "week" (Monday to today), "month", "last-month" or "year" (to today)
        around the business day ``today``; anything else is today."""
        day = date.fromisoformat(today)
        if name == "yesterday":
            before = (day - timedelta(days=1)).isoformat()
            return cls(before, before)
        if name == "week":
            return cls((day - timedelta(days=day.weekday())).isoformat(), today)
        if name == "month":
            return cls(day.replace(day=1).isoformat(), today)
        if name == "last-month":
            last = day.replace(day=1) - timedelta(days=1)
            return cls(last.replace(day=1).isoformat(), last.isoformat())
        if name == "year":
            return cls(day.replace(month=1, day=1).isoformat(), today)
        return cls(today, today)

    def describe(self) -> str:
        return self.first if self.first == self.last else f"{self.first} – {self.last}"


def today(session: Session) -> str:
    info = session.ledger.store_info()
    return business_day(session.clock(), info.timezone, info.day_starts_at_hour)


def parse_range(session: Session, first: str, last: str = "") -> DayRange:
    """What a person typed as a range: "today", "yesterday", "week", or dates "2025-03-01" with an
    optional local time "2025-03-01 14:00"; ``last`` empty means the same day (or the end of it)."""
    first, last = first.strip(), last.strip()
    if first in {"today", "yesterday", "week"} and not last:
        return DayRange.named(first, today(session))
    info = session.ledger.store_info()
    zone = ZoneInfo(info.timezone)
    start_day, since = _moment(first, zone, info.day_starts_at_hour)
    end_day, until = _moment(last, zone, info.day_starts_at_hour) if last else (start_day, "")
    if not last and since:
        end_day = today(session)
    if (end_day, until or "~") < (start_day, since):
        raise InvalidInput(f"The range ends ({last}) before it starts ({first}).", "Give the earlier date first.")
    return DayRange(start_day, end_day, since, until)


def _moment(text: str, zone: ZoneInfo, cutoff: int) -> tuple[str, str]:
    """A typed date (a business day) or date and local time (that moment, and its business day)."""
    try:
        if " " in text or "T" in text:
            local = datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=zone)
            return business_day(local, zone.key, cutoff), format_time(local)
        return date.fromisoformat(text).isoformat(), ""
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date.", "Type dates as YYYY-MM-DD, optionally with a time: 2025-03-01 14:00."
        ) from None


# --- rows ----------------------------------------------------------------------------------------


def _tender_globs(session: Session) -> dict[str, str]:
    """Tender method code -> GLOB pattern of its account(s) on any terminal. Money only: points and store
    credit are tenders on liability accounts, which the daybook does not follow."""
    return {code: m.account.replace("{terminal}", "*") for code, m in session.tender_methods.items()
            if m.account.startswith("assets:")}


@dataclass(frozen=True)
class Movement:
    day: str
    seq: int
    leg: int
    at: str
    """UTC time of the entry."""
    kind: str
    """What happened, as people say it ("sale", "paid out"); ``journal_kind`` is the event kind."""
    journal_kind: str
    reference: str
    cashier: str
    method: str
    account: str
    money_in: int
    money_out: int

    @property
    def key(self) -> Key:
        return (self.day, self.seq, self.leg)

    @property
    def sale_reference(self) -> str | None:
        """The receipt number when this row is a sale (what a reprint needs)."""
        return self.reference if self.journal_kind == "sale.completed" else None


@dataclass(frozen=True)
class MovementFilter:
    kind: str = ""
    """A journal kind, e.g. "sale.completed"; empty: all."""
    method: str = ""
    """A tender method code, or a money account's name after "assets:" (e.g. "cash:safe")."""
    cashier: str = ""
    shift: str = ""
    """A shift id ("T1-S0007"): the movements of its terminal while it was open."""
    text: str = ""
    """A sale number, or words found in the cashier's name, a note, a reason or a sold item."""


def _where(session: Session, days: DayRange, where: MovementFilter) -> tuple[str, list[object]]:
    clauses = ["m.money = 1", "m.day BETWEEN ? AND ?"]
    params: list[object] = [days.first, days.last]
    if days.since:
        clauses.append("m.at >= ?")
        params.append(days.since)
    if days.until:
        clauses.append("m.at < ?")
        params.append(days.until)
    if where.kind:
        clauses.append("m.kind = ?")
        params.append(where.kind)
    if where.cashier:
        clauses.append("m.user = ?")
        params.append(where.cashier)
    if where.method:
        globs = _tender_globs(session)
        clauses.append("m.account GLOB ?")
        params.append(globs.get(where.method, "assets:" + where.method))
    if where.shift:
        terminal, first_seq, last_seq = shifts.shift_span(session, where.shift.strip())
        clauses.append("m.terminal = ? AND m.seq BETWEEN ? AND ?")
        params += [terminal, first_seq, session.ledger.head().seq if last_seq is None else last_seq]
    if where.text:
        clauses.append(_text_clause(session, where.text.strip(), params))
    return " AND ".join(clauses), params


def _text_clause(session: Session, text: str, params: list[object]) -> str:
    """A receipt number picks that sale and its returns ("T1-000042") or one return ("RT1-000003");
    other text is looked for in the cashier's name and in the entry (notes, reasons, items sold)."""
    is_return = text[:1] in {"R", "r"} and "-" in text
    try:
        terminal, number = parse_sale_reference(text[1:] if is_return else text, session.terminal)
    except InvalidInput:
        pass
    else:
        if "-" in text:
            return _entries_clause(session, terminal, number, is_return, params)
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    params += [pattern, pattern]
    return (
        "(m.user LIKE ? ESCAPE '\\'"
        " OR (SELECT j.payload FROM journal j WHERE j.seq = m.seq) LIKE ? ESCAPE '\\')"
    )


def _entries_clause(session: Session, terminal: str, number: int, is_return: bool, params: list[object]) -> str:
    """Rows of one return, or of one sale and its returns: found first, then sought by day and seq."""
    conn = session.ledger.conn
    if is_return:
        found = conn.execute("SELECT day, seq FROM returns WHERE terminal = ? AND number = ?", (terminal, number))
    else:
        found = conn.execute(
            "SELECT s.day, s.seq FROM sales s WHERE s.terminal = ? AND s.number = ? UNION ALL"
            " SELECT r.day, r.seq FROM returns r JOIN sales s ON s.seq = r.sale_seq"
            " WHERE s.terminal = ? AND s.number = ?",
            (terminal, number, terminal, number),
        )
    entries = found.fetchall()
    if not entries:
        return "0"
    params += [value for entry in entries for value in entry]
    return "(m.day, m.seq) IN (VALUES " + ", ".join("(?, ?)" for _ in entries) + ")"


def movements(
    session: Session,
    days: DayRange,
    where: MovementFilter = MovementFilter(),
    *,
    after: Key = FIRST_KEY,
    limit: int = PAGE_SIZE,
) -> list[Movement]:
    """One page of the range's movements, the first after ``after`` (a row's ``key``)."""
    clauses, params = _where(session, days, where)
    rows = session.ledger.conn.execute(
        "SELECT m.day, m.seq, m.leg, m.at, m.kind, m.user, m.account, m.amount,"
        " s.terminal, s.number, r.terminal, r.number"
        " FROM money_movements m"
        " LEFT JOIN sales s ON s.seq = m.seq AND m.kind = 'sale.completed'"
        " LEFT JOIN returns r ON r.seq = m.seq AND m.kind = 'sale.returned'"
        f" WHERE {clauses} AND (m.day, m.seq, m.leg) > (?, ?, ?)"
        " ORDER BY m.day, m.seq, m.leg LIMIT ?",
        (*params, *after, max(1, min(limit, MAX_PAGE))),
    ).fetchall()
    notes = _notes(session, sorted({row[1] for row in rows if row[4] not in _SALE_KINDS}))
    globs = _tender_globs(session)
    found = []
    for day, seq, leg, at, kind, user, account, amount, s_term, s_num, r_term, r_num in rows:
        if s_num is not None:
            reference = sale_reference(s_term, s_num)
        elif r_num is not None:
            reference = "R" + sale_reference(r_term, r_num)
        else:
            reference = notes.get(seq, f"#{seq}")
        method = method_of(account, globs) if account else ""
        found.append(Movement(day, seq, leg, at, KIND_LABELS.get(kind, kind), kind, reference, user, method,
                              account, max(amount, 0), max(-amount, 0)))
    return found


def _notes(session: Session, seqs: list[int]) -> dict[int, str]:
    """What to call a cash event's row: its shift, category and note, from the entry itself."""
    if not seqs:
        return {}
    found = {}
    marks = ", ".join("?" * len(seqs))
    for seq, payload in session.ledger.conn.execute(f"SELECT seq, payload FROM journal WHERE seq IN ({marks})", seqs):
        p = json.loads(payload)
        words = [p.get("shift_id", ""), p.get("category", ""), p.get("note", "") or p.get("reason", "")]
        if p.get("variance"):  # a shift close: the drawer's difference is what people look for
            short_or_over = "short" if p["variance"] < 0 else "over"
            words.append(f"{short_or_over} {session.currency.format(abs(p['variance']), symbol=False)}")
        found[seq] = " ".join(w for w in words if w) or f"#{seq}"
    return found


@dataclass(frozen=True)
class RangeSums:
    rows: int
    money_in: int
    money_out: int

    @property
    def net(self) -> int:
        return self.money_in - self.money_out


def sums(session: Session, days: DayRange, where: MovementFilter = MovementFilter()) -> RangeSums:
    """Totals of exactly the rows ``movements`` pages through with the same filter."""
    clauses, params = _where(session, days, where)
    count, money_in, money_out = session.ledger.conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(MAX(m.amount, 0)), 0), COALESCE(SUM(MAX(-m.amount, 0)), 0)"
        f" FROM money_movements m WHERE {clauses}",
        params,
    ).fetchone()
    return RangeSums(count, money_in, money_out)


def local_time(session: Session, at: str) -> str:
    """HH:MM:SS of a UTC journal time in the store's timezone."""
    return session.local_time(at).strftime("%H:%M:%S")


# --- the range's tiles ------------------------------------------------------------------------


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
    """Money booked to expense accounts other than the cost of goods sold (paid-outs, cash short...)."""
    net_cash: int
    """Net movement of the cash drawers."""
    by_method: tuple[tuple[str, int], ...]
    """(method label, net amount) for every tender method, then other money accounts that moved."""


def totals(session: Session, days: DayRange) -> DaybookTotals:
    conn = session.ledger.conn
    span = (days.first, days.last)
    sale_count, sales_total, sales_profit = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(total), 0), COALESCE(SUM(total - tax_total - cost_total), 0)"
        " FROM sales WHERE day BETWEEN ? AND ?",
        span,
    ).fetchone()
    return_count, returned, returned_profit = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(refund_total), 0),"
        " COALESCE(SUM((SELECT SUM(l.net - l.cost) FROM return_lines l WHERE l.return_seq = r.seq)), 0)"
        " FROM returns r WHERE r.day BETWEEN ? AND ?",
        span,
    ).fetchone()
    by_account = conn.execute(
        "SELECT account, SUM(amount) FROM money_movements WHERE day BETWEEN ? AND ? AND account != ''"
        " GROUP BY account",
        span,
    ).fetchall()
    globs = _tender_globs(session)
    # Tenders that settle a promise (a gift card: a liability) bring no money in: no tile of their own.
    per_method = {code: 0 for code, glob in globs.items() if glob.startswith("assets:")}
    net_cash = expenses = 0
    for account, amount in by_account:
        if account.startswith("expenses:"):
            expenses += amount
            continue
        code = method_of(account, globs)
        per_method[code] = per_method.get(code, 0) + amount
        if account.startswith(DRAWER_GLOB[:-1]):
            net_cash += amount
    labels = {code: m.label for code, m in session.tender_methods.items()}
    return DaybookTotals(
        sale_count, sales_total, sales_profit - returned_profit, returned, return_count, expenses, net_cash,
        tuple((labels.get(code, code), amount) for code, amount in per_method.items()),
    )


# --- what the filters offer -------------------------------------------------------------------


def cashiers(session: Session) -> list[str]:
    return [name for (name,) in session.ledger.conn.execute("SELECT username FROM users ORDER BY username")]


def kinds() -> list[tuple[str, str]]:
    """(label, journal kind) of every kind of row the daybook can hold."""
    return [(label, kind) for kind, label in KIND_LABELS.items()]


def kind_of(text: str) -> str:
    """The journal kind a person means: "paid out", "paid-out" or "cash.paid_out"."""
    wanted = text.strip().lower().replace("-", " ").replace("_", " ")
    for kind, label in KIND_LABELS.items():
        if wanted in {label, kind.replace("_", " ")}:
            return kind
    raise InvalidInput(f"{text.strip()!r} is not a kind of daybook row.",
                       "Use one of: " + ", ".join(KIND_LABELS.values()) + ".")


# --- a sale's lines, for a return at the counter -----------------------------------------------


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
