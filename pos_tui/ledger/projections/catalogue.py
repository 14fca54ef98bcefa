"""The catalogue's projections: products, barcodes, what is on hand and every movement of it (what
the sales and returns take from or put back on the shelves)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from pos_tui.domain.money import Rounding, round_div
from pos_tui.ledger.entry import Handler, JournalEntry

# product.added -> products, barcodes and stock rows, computed by SQLite from the payload's canonical JSON.
# One set of statements over a source of (seq, payload) rows serves both an entry being recorded (its
# payload a parameter) and verify's replay of a whole catalogue straight from the journal, with no
# Python per product (the Python path spent 18 µs a product; this one a third of that).
_PRODUCT_COLUMNS = (
    ("product_id", "$.product_id"), ("sku", "$.details.sku"), ("name", "$.details.name"),
    ("grp", "$.details.group"), ("variant", "$.details.variant"), ("category", "$.details.category"),
    ("vendor", "$.details.vendor"), ("unit", "$.details.unit"), ("price", "$.details.price"),
    ("cost", "$.details.cost"), ("tax_class", "$.details.tax_class"), ("reorder_level", "$.details.reorder_level"),
)


# Barcodes and stock need only a product's id and codes: parsed out of each payload once, into this
# connection's temporary table, rather than once per statement (a third of a catalogue's replay).
_ADDED_TABLE = "CREATE TEMP TABLE IF NOT EXISTS products_added (product_id INTEGER NOT NULL, codes TEXT NOT NULL)"


_FROM_ADDED = (
    "INSERT INTO barcodes (code, product_id, multiplier) SELECT json_extract(b.value, '$.code'), a.product_id,"
    " json_extract(b.value, '$.multiplier') FROM temp.products_added a, json_each(a.codes) b",
    "INSERT INTO stock (product_id, on_hand) SELECT product_id, 0 FROM temp.products_added",
    "DELETE FROM temp.products_added",
)


def _products_from(source: str) -> tuple[str, str]:
    """The statements that read the products of ``source``, a query of ``(seq, payload)`` rows: into
    ``products``, and into ``temp.products_added`` for ``_FROM_ADDED`` to finish."""
    columns = ", ".join(column for column, _ in _PRODUCT_COLUMNS)
    values = ", ".join(f"json_extract(payload, '{path}')" for _, path in _PRODUCT_COLUMNS)
    return (
        f"INSERT INTO products ({columns}, updated_seq) SELECT {values}, seq FROM {source}",
        "INSERT INTO temp.products_added (product_id, codes) SELECT json_extract(payload, '$.product_id'),"
        f" json_extract(payload, '$.details.barcodes') FROM {source}",
    )


_PRODUCTS_FROM_PARAMETERS = _products_from("(SELECT ? AS seq, ? AS payload)")


def products_added(conn: sqlite3.Connection, entries: Sequence[JournalEntry]) -> None:
    """Many product.added entries at once: a catalogue import or replay of one is a bulk insert."""
    rows = [(e.seq, e.payload_json) for e in entries]
    conn.execute(_ADDED_TABLE)
    for statement in _PRODUCTS_FROM_PARAMETERS:
        conn.executemany(statement, rows)
    for statement in _FROM_ADDED:
        conn.execute(statement)


def products_added_from_journal(conn: sqlite3.Connection, schema: str, first: int, last: int) -> int:
    """Apply the product.added entries with seq in [first, last] of ``schema``.journal, an attached
    store's journal (verify's replay); how many there were."""
    source = (f"(SELECT seq, payload FROM {schema}.journal WHERE seq BETWEEN {int(first)} AND {int(last)}"
              " AND kind = 'product.added')")
    products, added = _products_from(source)
    conn.execute(_ADDED_TABLE)
    count: int = conn.execute(products).rowcount
    conn.execute(added)
    for statement in _FROM_ADDED:
        conn.execute(statement)
    return count


def product_added(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    products_added(conn, [e])


def _product_changed(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    d = p["details"]
    conn.execute(
        "UPDATE products SET sku = ?, name = ?, grp = ?, variant = ?, category = ?, vendor = ?, unit = ?,"
        " cost = ?, tax_class = ?, reorder_level = ?, updated_seq = ? WHERE product_id = ?",
        (d["sku"], d["name"], d["group"], d["variant"], d["category"], d["vendor"], d["unit"], d["cost"],
         d["tax_class"], d["reorder_level"], e.seq, p["product_id"]),
    )
    conn.execute("DELETE FROM barcodes WHERE product_id = ?", (p["product_id"],))
    conn.executemany(
        "INSERT OR REPLACE INTO barcodes (code, product_id, multiplier) VALUES (?, ?, ?)",
        [(b["code"], p["product_id"], b["multiplier"]) for b in d["barcodes"]],
    )


def _price_changed(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE products SET price = ?, updated_seq = ? WHERE product_id = ?", (p["new_price"], e.seq, p["product_id"])
    )


def _office_product_added(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    """Head office's product: created here as a product.added would (its payload has the same product_id
    and details), or its price applied to the store's product of that SKU."""
    if p["created"]:
        products_added(conn, [e])
    elif p["price_applied"]:
        conn.execute("UPDATE products SET price = ?, updated_seq = ? WHERE product_id = ?",
                     (p["details"]["price"], e.seq, p["product_id"]))


_IN_CHUNK = 500  # ids per IN (...) list, well under SQLite's parameter limit


def _move_stock(conn: sqlite3.Connection, seq: int, moves: Iterable[tuple[int, int, int, str]]) -> None:
    """Stock movements ``(product_id, quantity, unit_cost, reason)`` and the on-hand they add up to."""
    rows = [(seq, n, *move) for n, move in enumerate(moves)]
    conn.executemany(
        "INSERT INTO stock_movements (seq, n, product_id, quantity, unit_cost, reason) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.executemany("UPDATE stock SET on_hand = on_hand + ? WHERE product_id = ?", [(r[3], r[2]) for r in rows])


def _stock_received(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    lines = p["lines"]
    # What each product holds and costs before this delivery, read in a few queries rather than one per line.
    state: dict[int, list[int]] = {}
    ids = sorted({line["product_id"] for line in lines})
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start:start + _IN_CHUNK]
        for product_id, on_hand, cost in conn.execute(
            "SELECT s.product_id, s.on_hand, p.cost FROM stock s JOIN products p USING (product_id)"
            f" WHERE product_id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            state[product_id] = [on_hand, cost, cost]  # on hand, cost so far, cost before
    for line in lines:
        product_id, quantity = line["product_id"], line["quantity"]
        held_cost = state.get(product_id)
        if held_cost is None:
            raise ValueError(f"journal entry {e.seq} receives stock of product {product_id}, which is unknown")
        # Moving average cost: what the goods on hand cost, after this delivery. On hand is read as it was
        # before the delivery (the movements below add to it); the cost as left by earlier lines.
        held = max(held_cost[0], 0)
        held_cost[1] = round_div(held * held_cost[1] + quantity * line["unit_cost"], held + quantity, Rounding.HALF_UP)
    # Only costs that moved are written (a delivery at the cost already held, e.g. opening stock, changes none).
    conn.executemany(
        "UPDATE products SET cost = ? WHERE product_id = ?",
        [(cost, product_id) for product_id, (_, cost, before) in state.items() if cost != before],
    )
    _move_stock(conn, e.seq, [(ln["product_id"], ln["quantity"], ln["unit_cost"], "receipt") for ln in lines])


def _stock_adjusted(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    _move_stock(conn, e.seq, [(p["product_id"], p["quantity"], p["unit_cost"], f"adjust:{p['reason']}")])


def _retired(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE products SET retired = ?, updated_seq = ? WHERE product_id = ?",
                 (int(e.kind == "product.retired"), e.seq, p["product_id"]))


def _stocktake_adjusts(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    _move_stock(conn, e.seq, [(ln["product_id"], ln["quantity"], ln["unit_cost"], f"count:{p['reason']}")
                              for ln in p["lines"] if ln["quantity"]])


def _transfer_ships(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    _move_stock(conn, e.seq, [(ln["product_id"], -ln["quantity"], ln["unit_cost"], f"transfer:{p['transfer_id']}")
                              for ln in p["lines"] if ln["quantity"]])


def _transfer_receives(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    _move_stock(conn, e.seq, [(ln["product_id"], ln["quantity"], ln["unit_cost"], f"transfer:{p['transfer_id']}")
                              for ln in p["lines"] if ln["quantity"]])


def _sale_takes_stock(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    _move_stock(conn, e.seq, ((ln["product_id"], -ln["quantity"], ln["unit_cost"], "sale") for ln in p["lines"]))


def _return_restocks(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    _move_stock(
        conn, e.seq,
        ((ln["product_id"], ln["quantity"], round_div(ln["cost"] * 1000, ln["quantity"]), "return")
         for ln in p["lines"] if ln["restock"]),
    )


# The catalogue and its stock: products, barcodes, what is on hand and every movement of it (what
# the sales and returns take from or put back on the shelves). Other areas keep their handlers and
# tables in their own modules (``AREAS`` below); a kind may have handlers in several areas (a sale
# is rows here, in the core and in summaries), which run in the order of ``AREAS``.
HANDLERS: dict[str, Handler] = {
    "product.added": product_added,
    "product.changed": _product_changed,
    "price.changed": _price_changed,
    "stock.received": _stock_received,
    "stock.adjusted": _stock_adjusted,
    # The stock room's events that change a product or move its stock (domain/inventory_events.py).
    "product.retired": _retired,
    "product.restored": _retired,
    "purchase_order.received": _stock_received,
    "stocktake.posted": _stocktake_adjusts,
    "sale.completed": _sale_takes_stock,
    "sale.returned": _return_restocks,
    # Transfers between stores (domain/transfer_events.py): out at the sender, in at the receiver.
    "transfer.shipped": _transfer_ships,
    "transfer.received": _transfer_receives,
    # Head office's new products (domain/chain_events.py), created here when the store lacked them.
    "chain.office_product_added": _office_product_added,
}


# Each area's tables, with the key that orders their rows for comparison.
TABLES: dict[str, str] = {
    "products": "product_id",
    "barcodes": "code",
    "stock": "product_id",
    "stock_movements": "seq, n",
}
