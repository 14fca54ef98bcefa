"""Projections of stock transfers at one store: each transfer's state and its lines.

The stock itself moves in the catalogue's tables (``stock_movements``, reason ``transfer:ID``); these
rows are what `pos transfer list/show` and the refusals read (a transfer received twice, shipped
before it was requested here).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from pos_tui.ledger.entry import Handler, JournalEntry


def _requested(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("INSERT INTO transfers (transfer_id, direction, other_store, state, approval_ref, reason,"
                 " requested_seq, shipped_seq, received_seq) VALUES (?, 'out', ?, 'requested', '', '', ?, 0, 0)",
                 (p["transfer_id"], p["to_store"], e.seq))
    conn.executemany("INSERT INTO transfer_lines (transfer_id, product_id, sku, requested, shipped, received)"
                     " VALUES (?, ?, ?, ?, 0, 0)",
                     [(p["transfer_id"], ln["product_id"], ln["sku"], ln["quantity"]) for ln in p["lines"]])


def _shipped(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE transfers SET state = 'shipped', approval_ref = ?, shipped_seq = ? WHERE transfer_id = ?",
                 (p["approval_ref"], e.seq, p["transfer_id"]))
    conn.execute("UPDATE transfer_lines SET shipped = 0 WHERE transfer_id = ?", (p["transfer_id"],))
    for ln in p["lines"]:
        conn.execute("INSERT INTO transfer_lines (transfer_id, product_id, sku, requested, shipped, received)"
                     " VALUES (?, ?, ?, 0, ?, 0) ON CONFLICT (transfer_id, product_id) DO UPDATE SET"
                     " shipped = excluded.shipped", (p["transfer_id"], ln["product_id"], ln["sku"], ln["quantity"]))


def _received(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("INSERT INTO transfers (transfer_id, direction, other_store, state, approval_ref, reason,"
                 " requested_seq, shipped_seq, received_seq) VALUES (?, 'in', ?, 'received', '', ?, 0, 0, ?)",
                 (p["transfer_id"], p["from_store"], p["reason"], e.seq))
    conn.executemany("INSERT INTO transfer_lines (transfer_id, product_id, sku, requested, shipped, received)"
                     " VALUES (?, ?, ?, 0, 0, ?)",
                     [(p["transfer_id"], ln["product_id"], ln["sku"], ln["quantity"]) for ln in p["lines"]])


def _approved(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    """Head office's approval arrived: its reference goes on the request (a transfer already shipped under
    a reference typed offline keeps that one; head office flags a mismatch)."""
    if p["applied"]:
        conn.execute("UPDATE transfers SET approval_ref = ? WHERE transfer_id = ? AND state = 'requested'",
                     (p["approval_ref"], p["transfer_id"]))


HANDLERS: dict[str, Handler] = {
    "transfer.requested": _requested,
    "transfer.shipped": _shipped,
    "transfer.received": _received,
    "chain.office_transfer_approved": _approved,
}

TABLES: dict[str, str] = {
    "transfers": "transfer_id",
    "transfer_lines": "transfer_id, product_id",
}
