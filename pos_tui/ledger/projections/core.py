"""The core projections: the store, its people and tax classes, sales and returns as the receipts say
them, and parked carts."""

from __future__ import annotations

import sqlite3
from operator import itemgetter
from typing import Any

from pos_tui.domain.cart import count_items
from pos_tui.ledger.entry import Handler, JournalEntry, canonical_json


def _store_opened(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO store (singleton, store_id, name, currency, exponent, symbol, timezone,"
        " day_starts_at_hour, tax_id, address) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (p["store_id"], p["name"], p["currency"], p["exponent"], p["symbol"], p["timezone"],
         p["day_starts_at_hour"], p["tax_id"], canonical_json(p["address"])),
    )


def _user_added(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO users (username, user_id, display_name, role, pin_hash, added_seq) VALUES (?, ?, ?, ?, ?, ?)",
        (p["username"], p["user_id"], p["display_name"], p["role"], p["pin_hash"], e.seq),
    )


def _user_pin_changed(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE users SET pin_hash = ? WHERE username = ?", (p["pin_hash"], p["username"]))


def _tax_class_defined(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO tax_classes (code, name, rate_bp) VALUES (?, ?, ?)"
        " ON CONFLICT (code) DO UPDATE SET name = excluded.name, rate_bp = excluded.rate_bp",
        (p["code"], p["name"], p["rate_bp"]),
    )


_LINE_FIELDS = ("line_no", "product_id", "sku", "name", "unit", "quantity", "unit_price", "list_price",
                "price_source", "line_discount", "cart_discount", "net", "tax", "gross", "tax_class",
                "tax_rate_bp", "unit_cost", "cost", "barcode")


_INSERT_SALE_LINE = (
    f"INSERT INTO sale_lines (sale_seq, {', '.join(_LINE_FIELDS)}) VALUES (?{', ?' * len(_LINE_FIELDS)})"
)


_line_values = itemgetter(*_LINE_FIELDS)


def _sale_completed(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    lines = p["lines"]
    conn.execute(
        "INSERT INTO sales (seq, terminal, number, at, day, username, item_count, subtotal, discount_total,"
        " tax_total, total, rounding, change, cost_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (e.seq, p["terminal"], p["number"], e.at, e.day, e.user,
         count_items((ln["unit"], ln["quantity"]) for ln in lines), p["subtotal"], p["discount_total"],
         p["tax_total"], p["total"], p["rounding"], p["change"], p["cost_total"]),
    )
    conn.executemany(_INSERT_SALE_LINE, [(e.seq, *_line_values(ln)) for ln in lines])
    conn.executemany(
        "INSERT INTO sale_tenders (sale_seq, n, method, amount) VALUES (?, ?, ?, ?)",
        [(e.seq, n, t["method"], t["amount"]) for n, t in enumerate(p["tenders"])],
    )


def _sale_returned(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    sale_seq = None
    if p["sale_number"]:
        sale_seq = conn.execute(
            "SELECT seq FROM sales WHERE terminal = ? AND number = ?", (p["sale_terminal"], p["sale_number"])
        ).fetchone()[0]
    conn.execute(
        "INSERT INTO returns (seq, terminal, number, sale_seq, at, day, username, reason, is_void,"
        " refund_total, rounding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (e.seq, p["terminal"], p["number"], sale_seq, e.at, e.day, e.user, p["reason"], int(p["is_void"]),
         p["refund_total"], p["rounding"]),
    )
    conn.executemany(
        "INSERT INTO return_refunds (return_seq, n, method, amount) VALUES (?, ?, ?, ?)",
        [(e.seq, n, r["method"], r["amount"]) for n, r in enumerate(p["refunds"])],
    )
    lines = p["lines"]
    conn.executemany(
        "INSERT INTO return_lines (return_seq, n, sale_line_no, product_id, quantity, net, tax, gross, tax_class,"
        " cost, restock) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(e.seq, n, ln["sale_line_no"], ln["product_id"], ln["quantity"], ln["net"], ln["tax"], ln["gross"],
          ln["tax_class"], ln["cost"], int(ln["restock"])) for n, ln in enumerate(lines)],
    )
    if sale_seq is not None:
        conn.executemany(
            "UPDATE sale_lines SET returned_quantity = returned_quantity + ? WHERE sale_seq = ? AND line_no = ?",
            [(ln["quantity"], sale_seq, ln["sale_line_no"]) for ln in lines],
        )


def _cart_parked(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO parked_carts (cart_id, name, terminal, username, at, cart) VALUES (?, ?, ?, ?, ?, ?)",
        (p["cart_id"], p["name"], p["terminal"], e.user, e.at, canonical_json(p["cart"])),
    )


def _cart_resumed(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("DELETE FROM parked_carts WHERE cart_id = ?", (p["cart_id"],))


# The store, its people, and sales and returns as the receipts say them.
def _journal_only(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    """Kept in the journal for the audit (an abandoned cart); no table follows it."""


HANDLERS: dict[str, Handler] = {
    "store.opened": _store_opened,
    "user.added": _user_added,
    "user.pin_changed": _user_pin_changed,
    "tax_class.defined": _tax_class_defined,
    "chain.office_tax_class_set": _tax_class_defined,  # head office's classes: the same code, name, rate_bp
    "sale.completed": _sale_completed,
    "sale.returned": _sale_returned,
    "cart.parked": _cart_parked,
    "cart.resumed": _cart_resumed,
    "cart.abandoned": _journal_only,
}


TABLES: dict[str, str] = {
    "store": "singleton",
    "users": "username",
    "tax_classes": "code",
    "sales": "seq",
    "sale_lines": "sale_seq, line_no",
    "sale_tenders": "sale_seq, n",
    "returns": "seq",
    "return_lines": "return_seq, n",
    "return_refunds": "return_seq, n",
    "parked_carts": "cart_id",
}
