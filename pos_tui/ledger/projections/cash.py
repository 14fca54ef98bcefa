"""Cash control projections: shifts and their cashiers, cash moved outside sales, Z reports.

Tables (db/0002_cash.sql): ``shifts`` (one row per shift; ``closed_seq IS NULL`` while open, at most
one open per terminal), ``shift_cashiers``, ``cash_moves`` (paid in/out, drops, expenses, no-sales)
and ``z_reports``. A shift holds every entry of its terminal from ``opened_seq`` to ``closed_seq``.

A sale or return on a terminal with no open shift starts one here (``auto_opened``, float 0): the
sale stays one journal entry, and the shift follows from the journal alone, so replay gives the same
rows. Whether selling without a shift is allowed at all is the sales service's policy, not ours.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from pos_tui.domain.cash import shift_reference
from pos_tui.domain.postings import drawer_account
from pos_tui.ledger.entry import Handler, JournalEntry, canonical_json


def _open_shift_of(conn: sqlite3.Connection, terminal: str) -> str | None:
    row = conn.execute("SELECT shift_id FROM shifts WHERE terminal = ? AND closed_seq IS NULL", (terminal,)).fetchone()
    return None if row is None else str(row[0])


def _next_shift_number(conn: sqlite3.Connection, terminal: str) -> int:
    number: int = conn.execute(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM shifts WHERE terminal = ?", (terminal,)
    ).fetchone()[0]
    return number


_INSERT_SHIFT = (
    "INSERT INTO shifts (shift_id, terminal, number, drawer, opened_seq, opened_at, opened_day, opened_by,"
    " auto_opened, float_amount, float_counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _shift_follows_sale(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    """A sale or return with no shift open on its terminal starts one; its user joins the shift."""
    terminal = p["terminal"]
    shift_id = _open_shift_of(conn, terminal)
    if shift_id is None:
        number = _next_shift_number(conn, terminal)
        shift_id = shift_reference(terminal, number)
        conn.execute(_INSERT_SHIFT, (shift_id, terminal, number, drawer_account(terminal), e.seq, e.at, e.day,
                                     e.user, 1, 0, "[]"))
    # Whoever sells on a shift is one of its cashiers, listed or not.
    conn.execute("INSERT OR IGNORE INTO shift_cashiers (shift_id, username, added_seq) VALUES (?, ?, ?)",
                 (shift_id, e.user, e.seq))


def _shift_opened(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(_INSERT_SHIFT, (p["shift_id"], p["terminal"], p["number"], p["drawer"], e.seq, e.at, e.day, e.user,
                                 0, p["float_amount"], canonical_json(p["float_counts"])))
    conn.executemany(
        "INSERT INTO shift_cashiers (shift_id, username, added_seq) VALUES (?, ?, ?)",
        [(p["shift_id"], name, e.seq) for name in p["cashiers"]],
    )


def _shift_cashier_added(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("INSERT INTO shift_cashiers (shift_id, username, added_seq) VALUES (?, ?, ?)",
                 (p["shift_id"], p["username"], e.seq))


def _shift_closed(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE shifts SET closed_seq = ?, closed_at = ?, closed_by = ?, counts = ?, counted = ?, expected = ?,"
        " variance = ? WHERE shift_id = ?",
        (e.seq, e.at, e.user, canonical_json(p["counts"]), p["counted"], p["expected"], p["variance"],
         p["shift_id"]),
    )


def _cash_move(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO cash_moves (seq, kind, at, day, terminal, username, shift_id, amount, category, account, note)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (e.seq, e.kind, e.at, e.day, p["terminal"], e.user, p.get("shift_id", ""), p.get("amount", 0),
         p.get("category", ""), p.get("account", ""), p.get("note", p.get("reason", ""))),
    )


def _day_closed(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    totals = p["totals"]
    conn.execute(
        "INSERT INTO z_reports (z_number, day, seq, at, username, terminal, from_seq, to_seq, head_hash, sales_count,"
        " net_total, grand_total, totals, open_shifts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (p["z_number"], p["day"], e.seq, e.at, e.user, e.terminal, totals["from_seq"], totals["to_seq"],
         p["head_hash"], totals["sales_count"], totals["net_total"], p["grand_total"], canonical_json(totals),
         canonical_json(p["open_shifts"])),
    )


HANDLERS: dict[str, Handler] = {
    "sale.completed": _shift_follows_sale,
    "sale.returned": _shift_follows_sale,
    "shift.opened": _shift_opened,
    "shift.cashier_added": _shift_cashier_added,
    "shift.closed": _shift_closed,
    "cash.paid_in": _cash_move,
    "cash.paid_out": _cash_move,
    "cash.dropped": _cash_move,
    "cash.expense": _cash_move,
    "drawer.opened": _cash_move,
    "day.closed": _day_closed,
}

TABLES: dict[str, str] = {
    "shifts": "shift_id",
    "shift_cashiers": "shift_id, username",
    "cash_moves": "seq",
    "z_reports": "z_number",
}
