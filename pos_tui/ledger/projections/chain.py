"""Projections of the chain: this journal's epochs, head office's events applied here (by head office's
seq, so each applies once), and the products whose price the store set itself (which head office's
prices no longer change). Head office's applied prices change ``products`` (the catalogue's table), so
this area replays in verify's own process, after the catalogue. (Head office's transfer approvals also
set the reference on the store's request: the transfers area's own handler does that; its new products
are created by the catalogue's handler and its tax classes by the core's: here they are recorded.)"""

from __future__ import annotations

import sqlite3
from typing import Any

from pos_tui.ledger.entry import Handler, JournalEntry


def _epoch_started(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO chain_epochs (epoch, started_seq, previous_epoch, previous_head_seq, previous_head_hash,"
        " base_seq, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (p["epoch"], e.seq, p["previous_epoch"], p["previous_head_seq"], p["previous_head_hash"], p["base_seq"],
         p["reason"]),
    )


def _office_price_set(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("INSERT INTO chain_office_applied (office_seq, seq, sku, new_price, applied) VALUES (?, ?, ?, ?, ?)",
                 (p["office_seq"], e.seq, p["sku"], p["new_price"], int(p["applied"])))
    if p["applied"]:
        conn.execute("UPDATE products SET price = ?, updated_seq = ? WHERE product_id = ?",
                     (p["new_price"], e.seq, p["product_id"]))


def _office_transfer_approved(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("INSERT INTO chain_office_approvals (office_seq, seq, transfer_id, approval_ref, applied)"
                 " VALUES (?, ?, ?, ?, ?)", (p["office_seq"], e.seq, p["transfer_id"], p["approval_ref"],
                                             int(p["applied"])))


def _office_product_added(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("INSERT INTO chain_office_products (office_seq, seq, sku, product_id, price, created, price_applied,"
                 " why_not) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (p["office_seq"], e.seq, p["details"]["sku"], p["product_id"], p["details"]["price"],
                  int(p["created"]), int(p["price_applied"]), p["why_not"]))


def _office_tax_class_set(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("INSERT INTO chain_office_tax_classes (office_seq, seq, code, rate_bp) VALUES (?, ?, ?, ?)",
                 (p["office_seq"], e.seq, p["code"], p["rate_bp"]))


def _store_price(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    """The store's own price change: head office's later prices for the product no longer apply."""
    conn.execute("INSERT OR REPLACE INTO chain_store_prices (product_id, seq) VALUES (?, ?)", (p["product_id"], e.seq))


HANDLERS: dict[str, Handler] = {
    "chain.epoch_started": _epoch_started,
    "chain.office_price_set": _office_price_set,
    "chain.office_transfer_approved": _office_transfer_approved,
    "chain.office_product_added": _office_product_added,
    "chain.office_tax_class_set": _office_tax_class_set,
    "price.changed": _store_price,
}

TABLES: dict[str, str] = {
    "chain_epochs": "epoch",
    "chain_office_applied": "office_seq",
    "chain_office_approvals": "office_seq",
    "chain_office_products": "office_seq",
    "chain_office_tax_classes": "office_seq",
    "chain_store_prices": "product_id",
}
