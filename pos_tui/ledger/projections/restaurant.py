"""The restaurant's projections: orders on tables, their lines, the kitchen tickets each station got,
and the bills that paid them. Every row follows from table.* entries alone (the paying sale's seq
travels in ``table.paid``), so the area replays on its own."""

from __future__ import annotations

import sqlite3
from typing import Any

from pos_tui.ledger.entry import Handler, JournalEntry, canonical_json


def _touch(conn: sqlite3.Connection, e: JournalEntry, order: int) -> None:
    conn.execute("UPDATE restaurant_orders SET last_seq = ? WHERE order_no = ?", (e.seq, order))


def _table_opened(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO restaurant_orders (order_no, table_no, covers, waiter, status, fired, parts, parts_paid,"
        " opened_seq, opened_at, sent_at, last_seq, closed_seq) VALUES (?, ?, ?, ?, 'open', 1, 0, 0, ?, ?, '', ?, 0)",
        (p["order"], p["table"], p["covers"], e.user, e.seq, e.at, e.seq),
    )


def _line_added(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO restaurant_lines (line_no, order_no, product_id, sku, name, category, unit_price, quantity,"
        " modifiers, modifier_price, note, course, seat, station, waiter, added_seq, sent_ticket, voided_seq,"
        " paid_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0)",
        (p["line"], p["order"], p["product_id"], p["sku"], p["name"], p["category"], p["unit_price"],
         p["quantity"], canonical_json(p["modifiers"]), sum(m["price"] for m in p["modifiers"]), p["note"],
         p["course"], p["seat"], p["station"], e.user, e.seq),
    )
    # A line added to a billing table reopens its bill.
    conn.execute("UPDATE restaurant_orders SET status = 'open', last_seq = ? WHERE order_no = ?", (e.seq, p["order"]))


def _ticket(conn: sqlite3.Connection, e: JournalEntry, number: int, kind: str, station: str, order: int,
            lines: list[int]) -> None:
    table, covers, waiter = conn.execute(
        "SELECT table_no, covers, waiter FROM restaurant_orders WHERE order_no = ?", (order,)).fetchone()
    conn.execute(
        "INSERT INTO kitchen_tickets (ticket_no, seq, kind, station, order_no, table_no, covers, waiter, at, reprints)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", (number, e.seq, kind, station, order, table, covers, waiter, e.at))
    conn.executemany("INSERT INTO kitchen_ticket_lines (ticket_no, line_no) VALUES (?, ?)",
                     [(number, line) for line in lines])


def _line_voided(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE restaurant_lines SET voided_seq = ? WHERE line_no = ?", (e.seq, p["line"]))
    if p["ticket"]:
        station = conn.execute("SELECT station FROM restaurant_lines WHERE line_no = ?", (p["line"],)).fetchone()[0]
        _ticket(conn, e, p["ticket"], "void", station, p["order"], [p["line"]])
    _touch(conn, e, p["order"])


def _sent(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    for ticket in p["tickets"]:
        _ticket(conn, e, ticket["number"], "send", ticket["station"], p["order"], ticket["lines"])
        conn.executemany("UPDATE restaurant_lines SET sent_ticket = ? WHERE line_no = ?",
                         [(ticket["number"], line) for line in ticket["lines"]])
    conn.execute("UPDATE restaurant_orders SET fired = ?, sent_at = ?, last_seq = ? WHERE order_no = ?",
                 (p["fired"], e.at, e.seq, p["order"]))


def _ticket_reprinted(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE kitchen_tickets SET reprints = reprints + 1 WHERE ticket_no = ?", (p["ticket"],))


def _transferred(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE restaurant_orders SET table_no = ?, last_seq = ? WHERE order_no = ?",
                 (p["to_table"], e.seq, p["order"]))


def _merged(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    covers = conn.execute("SELECT covers FROM restaurant_orders WHERE order_no = ?", (p["order"],)).fetchone()[0]
    conn.execute("UPDATE restaurant_lines SET order_no = ? WHERE order_no = ?", (p["into_order"], p["order"]))
    conn.execute("UPDATE restaurant_orders SET status = 'merged', closed_seq = ?, last_seq = ? WHERE order_no = ?",
                 (e.seq, e.seq, p["order"]))
    conn.execute("UPDATE restaurant_orders SET covers = covers + ?, status = 'open', last_seq = ? WHERE order_no = ?",
                 (covers, e.seq, p["into_order"]))


def _split(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    if p["opened"]:
        conn.execute(
            "INSERT INTO restaurant_orders (order_no, table_no, covers, waiter, status, fired, parts, parts_paid,"
            " opened_seq, opened_at, sent_at, last_seq, closed_seq)"
            " SELECT ?, ?, ?, waiter, 'open', fired, 0, 0, ?, ?, sent_at, ?, 0"
            " FROM restaurant_orders WHERE order_no = ?",
            (p["into_order"], p["to_table"], p["covers"], e.seq, e.at, e.seq, p["order"]),
        )
    else:
        conn.execute("UPDATE restaurant_orders SET covers = covers + ?, status = 'open', last_seq = ?"
                     " WHERE order_no = ?", (p["covers"], e.seq, p["into_order"]))
    conn.execute("UPDATE restaurant_orders SET covers = covers - ?, last_seq = ? WHERE order_no = ?",
                 (p["covers"], e.seq, p["order"]))
    conn.executemany("UPDATE restaurant_lines SET order_no = ? WHERE line_no = ?",
                     [(p["into_order"], line) for line in p["lines"]])


def _prebilled(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE restaurant_orders SET status = 'billing', last_seq = ? WHERE order_no = ?",
                 (e.seq, p["order"]))


def _bill_split(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE restaurant_orders SET parts = ?, parts_paid = 0, status = 'billing', last_seq = ?"
                 " WHERE order_no = ?", (p["parts"], e.seq, p["order"]))


def _paid(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    order = p["order"]
    table, covers, waiter = conn.execute(
        "SELECT table_no, covers, waiter FROM restaurant_orders WHERE order_no = ?", (order,)).fetchone()
    conn.execute(
        "INSERT INTO restaurant_bills (sale_seq, paid_seq, order_no, table_no, waiter, covers, part, parts, tip,"
        " total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (p["sale_seq"], e.seq, order, table, waiter, covers if p["closed"] else 0, p["part"], p["parts"], p["tip"],
         p["total"]),
    )
    conn.executemany(
        "INSERT INTO restaurant_bill_lines (sale_seq, sale_line_no, line_no, course, category, gross)"
        " SELECT ?, ?, line_no, course, category, ? FROM restaurant_lines WHERE line_no = ?",
        [(p["sale_seq"], n, line["gross"], line["line"]) for n, line in enumerate(p["lines"], start=1)],
    )
    if p["part"]:
        conn.execute("UPDATE restaurant_orders SET parts_paid = ? WHERE order_no = ?", (p["part"], order))
    if not p["part"] or p["closed"]:
        conn.executemany("UPDATE restaurant_lines SET paid_seq = ? WHERE line_no = ?",
                         [(e.seq, line["line"]) for line in p["lines"]])
    if p["closed"]:
        conn.execute("UPDATE restaurant_orders SET status = 'paid', closed_seq = ? WHERE order_no = ?", (e.seq, order))
    _touch(conn, e, order)


def _closed(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE restaurant_orders SET status = 'closed', closed_seq = ?, last_seq = ? WHERE order_no = ?",
                 (e.seq, e.seq, p["order"]))


HANDLERS: dict[str, Handler] = {
    "table.opened": _table_opened,
    "table.line_added": _line_added,
    "table.line_voided": _line_voided,
    "table.sent": _sent,
    "table.ticket_reprinted": _ticket_reprinted,
    "table.transferred": _transferred,
    "table.merged": _merged,
    "table.split": _split,
    "table.prebilled": _prebilled,
    "table.bill_split": _bill_split,
    "table.paid": _paid,
    "table.closed": _closed,
}

TABLES: dict[str, str] = {
    "restaurant_orders": "order_no",
    "restaurant_lines": "line_no",
    "kitchen_tickets": "ticket_no",
    "kitchen_ticket_lines": "ticket_no, line_no",
    "restaurant_bills": "sale_seq",
    "restaurant_bill_lines": "sale_seq, sale_line_no",
}
