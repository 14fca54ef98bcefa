"""Customers' projections: the customers by id and card, their visits, and the activity ledger their
points and store credit are summed from (a balance is never a column: it is SUM over the rows).

Personal fields are not here: ``customer_people`` is outside the journal (db/0009_customers.sql)."""

from __future__ import annotations

import sqlite3
from typing import Any

from pos_tui.ledger.entry import Handler, JournalEntry

_ACTIVITY = ("INSERT INTO customer_activity (seq, n, customer_id, kind, points, points_value, credit, at)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")


def _activity(conn: sqlite3.Connection, e: JournalEntry, rows: list[tuple[int, str, int, int, int]]) -> None:
    """Rows ``(customer_id, kind, points, value, credit)``, the all-zero ones left out."""
    kept = [row for row in rows if row[2] or row[3] or row[4]]
    conn.executemany(_ACTIVITY, [(e.seq, n, *row, e.at) for n, row in enumerate(kept)])


def _added(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("INSERT INTO customers (customer_id, card, commitment, added_seq, changed_seq) VALUES (?, ?, ?, ?, ?)",
                 (p["customer_id"], p["card"], p["commitment"], e.seq, e.seq))


def _changed(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE customers SET commitment = ?, changed_seq = ? WHERE customer_id = ?",
                 (p["commitment"], e.seq, p["customer_id"]))


def _merged(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    # The rows keep their own times, so merged points still expire when they were earned to.
    for table in ("customer_activity", "customer_sales"):
        conn.execute(f"UPDATE {table} SET customer_id = ? WHERE customer_id = ?", (p["into_id"], p["from_id"]))
    conn.execute("UPDATE customers SET merged_into = ?, changed_seq = ? WHERE customer_id = ?",
                 (p["into_id"], e.seq, p["from_id"]))


def _forgotten(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE customers SET forgotten_seq = ? WHERE customer_id = ?", (e.seq, p["customer_id"]))


def _sale(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    c = p.get("customer")
    if c is None:
        return
    customer = c["customer_id"]
    conn.execute(
        "INSERT INTO customer_sales (sale_seq, customer_id, seq, terminal, number, total, points_earned,"
        " points_redeemed, credit_redeemed, at, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (e.seq, customer, e.seq, p["terminal"], p["number"], p["total"], c["points_earned"], c["points_redeemed"],
         c["credit_redeemed"], e.at, e.day),
    )
    conn.executemany("INSERT INTO customer_sale_lines (sale_seq, line_no, points) VALUES (?, ?, ?)",
                     [(e.seq, line["line_no"], line["points"]) for line in c["lines"]])
    _activity(conn, e, [
        (customer, "earn", c["points_earned"], c["earned_value"], 0),
        (customer, "redeem", -c["points_redeemed"], -c["redeemed_value"], 0),
        (customer, "credit-redeem", 0, 0, -c["credit_redeemed"]),
    ])


def _return(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    customer = p["customer_id"]
    _activity(conn, e, [
        (customer, "take-back", -p["points_back"], -p["back_value"], 0),
        (customer, "restore", p["points_restored"], p["restored_value"], 0),
        (customer, "credit-issue", 0, 0, p["credit_issued"]),
    ])


def _expired(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    _activity(conn, e, [(c["customer_id"], "expire", -c["points"], -c["value"], 0) for c in p["customers"]])


HANDLERS: dict[str, Handler] = {
    "customer.added": _added,
    "customer.changed": _changed,
    "customer.merged": _merged,
    "customer.forgotten": _forgotten,
    "sale.completed": _sale,  # a sale with a customer attached
    "customer.return": _return,
    "loyalty.points_expired": _expired,
}

TABLES: dict[str, str] = {
    "customers": "customer_id",
    "customer_activity": "seq, n",
    "customer_sales": "sale_seq",
    "customer_sale_lines": "sale_seq, line_no",
}
