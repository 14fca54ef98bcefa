"""Shifts: a float into a terminal's drawer, the cashiers who work it, and a blind count to close.

The API (stable; the cash screens and `pos shift` call it):

``current_shift(session, terminal=None) -> ShiftInfo | None``
    The open shift of ``terminal`` (default: the session's). ShiftInfo never carries the expected
    cash, so a screen built on it cannot give away the count.
``open_shifts(session) -> list[ShiftInfo]``; ``get_shift(session, shift_id) -> ShiftInfo``
``require_open_shift(session, terminal=None) -> ShiftInfo``: the open shift, or a RuleViolation.
``open_shift(session, *, float_amount=None, counts=(), cashiers=(), approval=None) -> ShiftInfo``
    ``counts`` (``DenominationCount``) or ``float_amount`` (minor units) or, with neither,
    ``[cash] float_default``. The float comes out of the safe. Guarded by ``Action.SHIFT_OPEN``.
``add_cashier(session, username, *, shift_id=None) -> ShiftInfo``
``close_shift(session, *, counts=(), counted=None, shift_id=None, approval=None) -> ClosedShift``
    The blind count: ``counts`` by denomination or ``counted`` as one amount (exactly one of them).
    Books the variance to ``expenses:cash-short`` / ``income:cash-over`` and banks the counted cash
    into the safe. Returns the ShiftReport (expected vs counted) and the snapshot's outcome.
    Guarded by ``Action.SHIFT_CLOSE``. Closing a closed shift is refused.
``shift_report(session, shift_id=None) -> ShiftReport``
    For a closed shift, what was counted; for an open one (a supervisor's mid-shift look), the
    figures so far with ``counted = None``.
``drawer_expected(session, terminal=None) -> int``
    What the open shift's drawer should hold now (paid-out checks; not for the blind-count screen).
``shift_span(session, shift_id) -> (terminal, first_seq, last_seq | None)``
    The journal entries a shift holds: its terminal's from ``first_seq`` up to ``last_seq``
    (None: still open). The daybook's shift filter is this range on the terminal.
``require_shift_for_sale(session) -> None``
    The ``[cash] no_shift`` policy: "refuse" raises when the terminal has no open shift;
    "auto-open" lets the sale start one (the ledger does it when the sale is recorded).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pos_tui.domain.cash import check_counts, count_total, normalised, shift_reference
from pos_tui.domain.cash_events import DenominationCount, PeriodTotals, ShiftCashierAdded, ShiftClosed, ShiftOpened
from pos_tui.domain.errors import InvalidAmount, InvalidInput, NotFound, RuleViolation
from pos_tui.domain.money import check_amount
from pos_tui.domain.permissions import Action, Approval
from pos_tui.services.cash.totals import period_totals
from pos_tui.services.snapshots import snapshot_after_close
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session


@dataclass(frozen=True)
class ShiftInfo:
    shift_id: str
    terminal: str
    number: int
    drawer: str
    opened_seq: int
    opened_at: str  # UTC journal time
    opened_day: str
    opened_by: str
    auto_opened: bool  # started by a sale, not by `open_shift`
    float_amount: int
    float_counts: tuple[DenominationCount, ...]
    cashiers: tuple[str, ...]
    closed_seq: int | None
    closed_at: str | None
    closed_by: str | None

    @property
    def is_open(self) -> bool:
        return self.closed_seq is None


@dataclass(frozen=True)
class ShiftReport:
    shift: ShiftInfo
    totals: PeriodTotals  # sales by method, returns, discounts, voids, paid in/out, drops of the shift
    expected: int  # float + cash taken - cash paid back or out - drops
    counted: int | None  # None while the shift is open
    variance: int | None  # counted - expected: negative short, positive over
    counts: tuple[DenominationCount, ...]


@dataclass(frozen=True)
class ClosedShift:
    report: ShiftReport
    snapshot: str  # what became of the backup snapshot, as a sentence ("" when none is configured)


_SHIFT_COLUMNS = (
    "shift_id, terminal, number, drawer, opened_seq, opened_at, opened_day, opened_by, auto_opened, float_amount,"
    " float_counts, closed_seq, closed_at, closed_by"
)


def _counts(text: str | None) -> tuple[DenominationCount, ...]:
    return tuple(DenominationCount(c["value"], c["count"]) for c in json.loads(text or "[]"))


def _info(session: Session, row: tuple[Any, ...]) -> ShiftInfo:
    cashiers = tuple(name for (name,) in session.ledger.conn.execute(
        "SELECT username FROM shift_cashiers WHERE shift_id = ? ORDER BY added_seq, username", (row[0],)
    ))
    (shift_id, terminal, number, drawer, opened_seq, opened_at, opened_day, opened_by, auto_opened, float_amount,
     float_counts, closed_seq, closed_at, closed_by) = row
    return ShiftInfo(shift_id, terminal, number, drawer, opened_seq, opened_at, opened_day, opened_by,
                     bool(auto_opened), float_amount, _counts(float_counts), cashiers, closed_seq, closed_at, closed_by)


def current_shift(session: Session, terminal: str | None = None) -> ShiftInfo | None:
    row = session.ledger.conn.execute(
        f"SELECT {_SHIFT_COLUMNS} FROM shifts WHERE terminal = ? AND closed_seq IS NULL",
        (terminal or session.terminal,),
    ).fetchone()
    return None if row is None else _info(session, row)


def open_shifts(session: Session) -> list[ShiftInfo]:
    rows = session.ledger.conn.execute(
        f"SELECT {_SHIFT_COLUMNS} FROM shifts WHERE closed_seq IS NULL ORDER BY terminal"
    ).fetchall()
    return [_info(session, row) for row in rows]


def get_shift(session: Session, shift_id: str) -> ShiftInfo:
    row = session.ledger.conn.execute(f"SELECT {_SHIFT_COLUMNS} FROM shifts WHERE shift_id = ?", (shift_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no shift {shift_id}.", "Shift numbers look like T1-S0007; see `pos shift status`.")
    return _info(session, row)


def drawer_of(session: Session, terminal: str | None = None) -> str:
    """The ledger account of ``terminal``'s drawer: the cash tender's account."""
    cash = next((m for m in session.tender_methods.values() if m.is_cash), None)
    if cash is None:
        raise RuleViolation("No payment method here is cash, so there is no drawer.",
                            "Add a tender with cash = true to the config.")
    return cash.account_for(terminal or session.terminal)


def require_open_shift(session: Session, terminal: str | None = None) -> ShiftInfo:
    shift = current_shift(session, terminal)
    if shift is None:
        where = terminal or session.terminal
        raise RuleViolation(f"No shift is open on {where}.", "Open one first: `pos shift open` or F-key Shift.")
    return shift


def _check_users(session: Session, names: Sequence[str]) -> tuple[str, ...]:
    conn = session.ledger.conn
    cleaned = []
    for name in names:
        name = name.strip()
        if not conn.execute("SELECT 1 FROM users WHERE username = ?", (name,)).fetchone():
            raise NotFound(f"There is no user {name!r}.", "See `pos user list`.")
        if name not in cleaned:
            cleaned.append(name)
    return tuple(cleaned)


def _counted(session: Session, counts: Sequence[DenominationCount], amount: int | None, what: str) -> int:
    if counts and amount is not None:
        raise InvalidInput(f"Give the {what} either by notes and coins or as one amount, not both.",
                           "Use --count 5000x3 ... or --counted 15000.")
    if counts:
        check_counts(counts, session.settings.cash.denominations, session.currency)
        return count_total(counts)
    if amount is None:
        raise InvalidInput(f"The {what} has not been counted.",
                           "Count the drawer by notes and coins, or type the total.")
    if amount < 0:
        raise InvalidAmount(f"The {what} cannot be negative.", "Type what is in the drawer, zero or more.")
    return check_amount(amount, session.currency.exponent)


def open_shift(
    session: Session,
    *,
    float_amount: int | None = None,
    counts: Sequence[DenominationCount] = (),
    cashiers: Sequence[str] = (),
    approval: Approval | None = None,
) -> ShiftInfo:
    approvals = authz.require(session, Action.SHIFT_OPEN, approval)
    if not counts and float_amount is None:
        float_amount = session.settings.cash.float_default
    amount = _counted(session, counts, float_amount, "float")
    people = _check_users(session, [session.username, *cashiers]) if session.username != "system" else \
        _check_users(session, cashiers)
    with session.ledger.write() as conn:
        existing = current_shift(session)
        if existing is not None:
            raise RuleViolation(
                f"Shift {existing.shift_id} is already open on {session.terminal} (since {existing.opened_day},"
                f" by {existing.opened_by}).",
                "Close it first, or add yourself to it as a cashier.",
            )
        number = conn.execute(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM shifts WHERE terminal = ?", (session.terminal,)
        ).fetchone()[0]
        shift_id = shift_reference(session.terminal, number)
        session.record(ShiftOpened(shift_id, session.terminal, number, drawer_of(session), amount,
                                   normalised(counts), people, approvals=approvals))
    return get_shift(session, shift_id)


def add_cashier(session: Session, username: str, *, shift_id: str | None = None) -> ShiftInfo:
    (name,) = _check_users(session, [username])
    with session.ledger.write():
        shift = get_shift(session, shift_id) if shift_id else require_open_shift(session)
        if not shift.is_open:
            raise RuleViolation(f"Shift {shift.shift_id} is closed.", "Open a new shift.")
        if name in shift.cashiers:
            raise RuleViolation(f"{name} already works shift {shift.shift_id}.", "Nothing to change.")
        session.record(ShiftCashierAdded(shift.shift_id, name))
    return get_shift(session, shift.shift_id)


def _drawer_sum(session: Session, drawer: str, first_seq: int, last_seq: int | None) -> int:
    sql = "SELECT COALESCE(SUM(amount), 0) FROM postings WHERE account = ? AND seq >= ?"
    params: tuple[object, ...] = (drawer, first_seq)
    if last_seq is not None:
        sql += " AND seq < ?"
        params += (last_seq,)
    total: int = session.ledger.conn.execute(sql, params).fetchone()[0]
    return total


def drawer_expected(session: Session, terminal: str | None = None) -> int:
    shift = require_open_shift(session, terminal)
    return _drawer_sum(session, shift.drawer, shift.opened_seq, None)


def close_shift(
    session: Session,
    *,
    counts: Sequence[DenominationCount] = (),
    counted: int | None = None,
    shift_id: str | None = None,
    approval: Approval | None = None,
) -> ClosedShift:
    approvals = authz.require(session, Action.SHIFT_CLOSE, approval)
    amount = _counted(session, counts, counted, "drawer")
    with session.ledger.write():
        shift = get_shift(session, shift_id) if shift_id else require_open_shift(session)
        if not shift.is_open:
            raise RuleViolation(f"Shift {shift.shift_id} was already closed by {shift.closed_by}.",
                                "Nothing was changed; see its report with `pos shift status --shift ID`.")
        expected = _drawer_sum(session, shift.drawer, shift.opened_seq, None)
        session.record(ShiftClosed(shift.shift_id, shift.terminal, shift.drawer, normalised(counts), amount,
                                   expected, amount - expected, approvals=approvals))
    report = shift_report(session, shift.shift_id)
    return ClosedShift(report, snapshot_after_close(session, f"shift {shift.shift_id}"))


def shift_report(session: Session, shift_id: str | None = None) -> ShiftReport:
    shift = get_shift(session, shift_id) if shift_id else require_open_shift(session)
    conn = session.ledger.conn
    if shift.closed_seq is None:
        last = session.ledger.head().seq
        expected = _drawer_sum(session, shift.drawer, shift.opened_seq, None)
        return ShiftReport(shift, period_totals(session, shift.opened_seq - 1, last, shift.terminal), expected,
                           None, None, ())
    counts, counted, expected, variance = conn.execute(
        "SELECT counts, counted, expected, variance FROM shifts WHERE shift_id = ?", (shift.shift_id,)
    ).fetchone()
    totals = period_totals(session, shift.opened_seq - 1, shift.closed_seq, shift.terminal)
    return ShiftReport(shift, totals, expected, counted, variance, _counts(counts))


def shift_span(session: Session, shift_id: str) -> tuple[str, int, int | None]:
    shift = get_shift(session, shift_id)
    return shift.terminal, shift.opened_seq, shift.closed_seq


def require_shift_for_sale(session: Session) -> None:
    """Call inside the sale's write transaction: under "refuse", no open shift means no sale."""
    if session.settings.cash.no_shift == "refuse" and current_shift(session) is None:
        raise RuleViolation(
            f"No shift is open on {session.terminal}, so nothing can be sold.",
            "Open a shift with a float first (Shift screen, or `pos shift open`).",
        )
