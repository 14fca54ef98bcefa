"""Projections of staff events: PIN lockouts, clock-ins, and role changes on the users table."""

from __future__ import annotations

import sqlite3
from typing import Any

from pos_tui.ledger.entry import Handler, JournalEntry


def _login_failed(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    # A failure that locks the user starts the count afresh for when the lockout runs out.
    locked = p.get("locked_until", "")
    conn.execute(
        "INSERT INTO pin_lockouts (username, failures, locked_until, last_failed_seq) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (username) DO UPDATE SET failures = CASE WHEN ? != '' THEN 0 ELSE failures + 1 END,"
        " locked_until = CASE WHEN ? != '' THEN ? ELSE locked_until END, last_failed_seq = excluded.last_failed_seq",
        (p["username"], 0 if locked else 1, locked, e.seq, locked, locked, locked),
    )


def _pin_state_cleared(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE pin_lockouts SET failures = 0, locked_until = '' WHERE username = ?", (p["username"],))


def _role_changed(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE users SET role = ? WHERE username = ?", (p["new_role"], p["username"]))


def _clocked_in(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO clock_entries (in_seq, username, terminal, clocked_in_at) VALUES (?, ?, ?, ?)",
        (e.seq, p["username"], e.terminal, e.at),
    )


def _clocked_out(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE clock_entries SET out_seq = ?, clocked_out_at = ?, minutes = ? WHERE in_seq = ?",
        (e.seq, e.at, p["minutes"], p["clocked_in_seq"]),
    )


def _journal_only(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    """Kept in the journal for the audit; no table follows it."""


HANDLERS: dict[str, Handler] = {
    "user.logged_in": _pin_state_cleared,
    "user.login_failed": _login_failed,
    "user.unlocked": _pin_state_cleared,
    "user.role_changed": _role_changed,
    "approval.refused": _journal_only,
    "staff.clocked_in": _clocked_in,
    "staff.clocked_out": _clocked_out,
}

TABLES: dict[str, str] = {
    "pin_lockouts": "username",
    "clock_entries": "in_seq",
}
