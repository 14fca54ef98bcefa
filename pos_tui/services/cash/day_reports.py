"""X and Z reports: the store's figures since the last Z; the Z also closes the business day.

The API (stable; the report screens and `pos report x|z` call it):

``x_report(session) -> DayReport``
    Everything since the previous Z, up to now. Reads only: the journal head is unchanged.
``z_report(session, *, force=False, approval=None) -> ClosedDay``
    Records ``day.closed`` for today's business day (the store's timezone and
    ``day_starts_at_hour`` cut-off): the X figures, a Z number without gaps per store, the
    perpetual grand total and the hash of the journal head it covers; then a backup snapshot when
    configured (after the commit; a failure is reported in ``ClosedDay.snapshot``, never undoes the
    Z). Refused: a second Z for the same business day; while any shift is still open
    (``ShiftsStillOpen`` lists them) unless ``force=True``, which records their ids in the Z.
    Guarded by ``Action.Z_REPORT``.
``recorded_z(session, z_number=None) -> DayReport``
    A Z as recorded (the latest when no number), for reprints.

A Z covers every entry after the previous Z's own entry, whatever their business day, so entries
made after a Z on the same day are in the next day's Z and the grand total never skips any.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pos_tui.domain.cash_events import DayClosed, KeyedTotal, PeriodTotals
from pos_tui.domain.errors import NotFound, RuleViolation
from pos_tui.domain.permissions import Action, Approval
from pos_tui.ledger.journal import business_day, format_time
from pos_tui.services.cash.shifts import ShiftInfo, open_shifts
from pos_tui.services.cash.totals import period_totals
from pos_tui.services.restaurant import floor
from pos_tui.services.snapshots import snapshot_after_close
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session


@dataclass(frozen=True)
class DayReport:
    kind: Literal["X", "Z"]
    day: str  # the business day (an X: today's)
    z_number: int | None  # an X: None (the next Z will be ``next_z_number``)
    next_z_number: int
    totals: PeriodTotals
    grand_total: int  # perpetual, including this report's net total
    head_seq: int
    head_hash: str
    open_shifts: tuple[str, ...]  # shift ids still open (an X: now; a Z: when it was forced)
    at: str  # UTC time the report was made or recorded


@dataclass(frozen=True)
class ClosedDay:
    report: DayReport
    snapshot: str  # the backup snapshot's outcome as a sentence, "" when backups are not configured


class ShiftsStillOpen(RuleViolation):
    """A Z was asked for while shifts are open; ``shifts`` lists them so a screen can offer to force it."""

    def __init__(self, shifts: list[ShiftInfo]) -> None:
        listed = "; ".join(f"{s.shift_id} on {s.terminal} (opened {s.opened_day} by {s.opened_by})" for s in shifts)
        super().__init__(
            f"{len(shifts)} shift{'s are' if len(shifts) != 1 else ' is'} still open: {listed}.",
            "Close them first (their drawers are not counted yet), or force the Z: `pos report z --force`.",
        )
        self.shifts = shifts


def _last_z(session: Session) -> tuple[int, int, int]:
    """(z_number, seq of its entry, grand total) of the latest Z; zeros before the first."""
    row = session.ledger.conn.execute(
        "SELECT z_number, seq, grand_total FROM z_reports ORDER BY z_number DESC LIMIT 1"
    ).fetchone()
    return (0, 0, 0) if row is None else (row[0], row[1], row[2])


def _today(session: Session) -> str:
    info = session.ledger.store_info()
    return business_day(session.clock(), info.timezone, info.day_starts_at_hour)


def x_report(session: Session) -> DayReport:
    last_number, last_seq, grand = _last_z(session)
    head = session.ledger.head()
    totals = period_totals(session, last_seq, head.seq)
    return DayReport("X", _today(session), None, last_number + 1, totals, grand + totals.net_total, head.seq,
                     head.hash, tuple(s.shift_id for s in open_shifts(session)),
                     format_time(session.clock()))


def z_report(session: Session, *, force: bool = False, approval: Approval | None = None) -> ClosedDay:
    approvals = authz.require(session, Action.Z_REPORT, approval)
    with session.ledger.write() as conn:
        day = _today(session)
        done = conn.execute("SELECT z_number, at FROM z_reports WHERE day = ?", (day,)).fetchone()
        if done is not None:
            raise RuleViolation(f"Business day {day} was already closed by Z {done[0]}.",
                                "Nothing was changed; an X report shows what has happened since.")
        still_open = open_shifts(session)
        if still_open and not force:
            raise ShiftsStillOpen(still_open)
        tables = floor.open_tables(session)
        if tables and not force:
            raise floor.TablesStillOpen(tables)
        last_number, last_seq, grand = _last_z(session)
        head = session.ledger.head()
        totals = period_totals(session, last_seq, head.seq)
        event = DayClosed(last_number + 1, day, totals, grand + totals.net_total, head.seq, head.hash,
                          tuple(s.shift_id for s in still_open), approvals=approvals)
        session.record(event)
    report = recorded_z(session, event.z_number)
    return ClosedDay(report, snapshot_after_close(session, f"Z {event.z_number}"))


def _totals_from(data: dict[str, Any]) -> PeriodTotals:
    keyed = {"by_method", "by_tax_rate", "by_category"}
    fields: dict[str, Any] = {k: (tuple(KeyedTotal(**row) for row in v) if k in keyed else v) for k, v in data.items()}
    return PeriodTotals(**fields)


def recorded_z(session: Session, z_number: int | None = None) -> DayReport:
    conn = session.ledger.conn
    sql = "SELECT z_number, day, totals, grand_total, to_seq, head_hash, open_shifts, at FROM z_reports"
    row = (conn.execute(sql + " WHERE z_number = ?", (z_number,)) if z_number is not None
           else conn.execute(sql + " ORDER BY z_number DESC LIMIT 1")).fetchone()
    if row is None:
        raise NotFound("There is no such Z report." if z_number else "No Z report has been made yet.",
                       "Close a day with `pos report z`.")
    number, day, totals, grand, to_seq, head_hash, still_open, at = row
    return DayReport("Z", day, number, number + 1, _totals_from(json.loads(totals)), grand, to_seq, head_hash,
                     tuple(json.loads(still_open)), at)

