"""Projections: one ``apply`` per event kind turns a journal entry into table rows.

Services call ``apply`` (through ``journal.append``) in the same transaction as the append;
``replay`` calls the same functions on an empty database. Anything computed here must depend only
on the entry and on earlier projections, so that replay reproduces every row exactly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from operator import itemgetter
from typing import Any

from pos_tui.domain.cart import count_items
from pos_tui.domain.money import Rounding, round_div
from pos_tui.ledger import cash_projections, daybook_projections, report_projections, staff_projections
from pos_tui.ledger.journal import Handler, JournalEntry, canonical_json


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


def _products_added(conn: sqlite3.Connection, entries: Sequence[JournalEntry]) -> None:
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


def _product_added(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    _products_added(conn, [e])


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


def _sale_takes_stock(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    _move_stock(conn, e.seq, ((ln["product_id"], -ln["quantity"], ln["unit_cost"], "sale") for ln in p["lines"]))


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


def _return_restocks(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    _move_stock(
        conn, e.seq,
        ((ln["product_id"], ln["quantity"], round_div(ln["cost"] * 1000, ln["quantity"]), "return")
         for ln in p["lines"] if ln["restock"]),
    )


def _cart_parked(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO parked_carts (cart_id, name, terminal, username, at, cart) VALUES (?, ?, ?, ?, ?, ?)",
        (p["cart_id"], p["name"], p["terminal"], e.user, e.at, canonical_json(p["cart"])),
    )


def _cart_resumed(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("DELETE FROM parked_carts WHERE cart_id = ?", (p["cart_id"],))


def _journal_only(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    """Kept in the journal for the audit (an abandoned cart); no table follows it."""


# The catalogue and its stock: products, barcodes, what is on hand and every movement of it (what
# the sales and returns take from or put back on the shelves). Other areas keep their handlers and
# tables in their own modules (``AREAS`` below); a kind may have handlers in several areas (a sale
# is rows here, in the core and in summaries), which run in the order of ``AREAS``.
CATALOGUE_HANDLERS: dict[str, Handler] = {
    "product.added": _product_added,
    "product.changed": _product_changed,
    "price.changed": _price_changed,
    "stock.received": _stock_received,
    "stock.adjusted": _stock_adjusted,
    "sale.completed": _sale_takes_stock,
    "sale.returned": _return_restocks,
}
# Each area's tables, with the key that orders their rows for comparison.
CATALOGUE_TABLES: dict[str, str] = {
    "products": "product_id",
    "barcodes": "code",
    "stock": "product_id",
    "stock_movements": "seq, n",
}

# The store, its people, and sales and returns as the receipts say them.
CORE_HANDLERS: dict[str, Handler] = {
    "store.opened": _store_opened,
    "user.added": _user_added,
    "user.pin_changed": _user_pin_changed,
    "tax_class.defined": _tax_class_defined,
    "sale.completed": _sale_completed,
    "sale.returned": _sale_returned,
    "cart.parked": _cart_parked,
    "cart.resumed": _cart_resumed,
    "cart.abandoned": _journal_only,
}

CORE_TABLES: dict[str, str] = {
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


Derive = Callable[[sqlite3.Connection, str, int], None]


class Check(Enum):
    """How ``pos db verify`` checks an area's tables (see ``ledger/verify.py``)."""

    REPLAY = "replay"  # replayed through its handlers by verify's own process
    REPLAY_BESIDE = "replay beside"  # replayed through its handlers by a worker process at the same time
    DERIVE = "derive"  # derived in SQL from the journal and the replayed areas' tables (``Area.derive``)


@dataclass(frozen=True)
class Area:
    """Projection tables and the handlers that write them, kind by kind.

    ``check`` says how verify checks the tables. Areas replayed by the same process may read each
    other's tables; an area replayed beside must read none of the others'. ``derive``, for an area
    whose tables only add up what others hold (the daybook's postings, the reports' sums of sales),
    fills the same rows in SQL from another store: ``derive(conn, source_schema, through_seq)``.
    """

    handlers: dict[str, Handler]
    tables: dict[str, str]
    check: Check = Check.REPLAY
    derive: Derive | None = None


AREAS: tuple[Area, ...] = (
    # Most of a big journal's replay (the catalogue, deliveries): verify's own process replays it...
    Area(CATALOGUE_HANDLERS, CATALOGUE_TABLES),
    # ...while a worker replays the receipts, the people and the drawers.
    Area(CORE_HANDLERS, CORE_TABLES, Check.REPLAY_BESIDE),
    Area(cash_projections.HANDLERS, cash_projections.TABLES, Check.REPLAY_BESIDE),
    Area(daybook_projections.HANDLERS, daybook_projections.TABLES, Check.DERIVE, daybook_projections.derive),
    Area(staff_projections.HANDLERS, staff_projections.TABLES, Check.REPLAY_BESIDE),
    Area(report_projections.HANDLERS, report_projections.TABLES, Check.DERIVE, report_projections.derive),
)

Handlers = dict[str, tuple[Handler, ...]]


def handlers_of(areas: Iterable[Area]) -> Handlers:
    """Each kind's handlers in the given areas, in the order of ``AREAS`` (every known kind is present,
    with no handlers if none of these areas follows it)."""
    handlers: Handlers = {kind: () for area in AREAS for kind in area.handlers}
    for area in areas:
        for kind, handler in area.handlers.items():
            handlers[kind] = (*handlers[kind], handler)
    return handlers


def checked_by(check: Check) -> tuple[Area, ...]:
    return tuple(area for area in AREAS if area.check is check)


HANDLERS = handlers_of(AREAS)
PROJECTION_TABLES: dict[str, str] = {table: key for area in AREAS for table, key in area.tables.items()}
CHECK_OF_TABLE: dict[str, Check] = {table: area.check for area in AREAS for table in area.tables}
DERIVATIONS: tuple[Derive, ...] = tuple(area.derive for area in checked_by(Check.DERIVE) if area.derive is not None)


def apply(conn: sqlite3.Connection, entry: JournalEntry, handlers: Handlers = HANDLERS) -> None:
    kind_handlers = handlers.get(entry.kind)
    if kind_handlers is None:
        raise ValueError(f"journal entry {entry.seq} has an unknown kind {entry.kind!r}")
    for handler in kind_handlers:
        handler(conn, entry, entry.payload)


def apply_many(conn: sqlite3.Connection, entries: Iterable[JournalEntry], handlers: Handlers = HANDLERS) -> int:
    """Apply entries in order (through ``handlers``, all areas' by default); runs of product.added go
    in as one bulk insert."""
    if handlers["product.added"] not in ((_product_added,), ()):
        raise RuntimeError("product.added has handlers outside the catalogue; teach apply_many's bulk run about them")
    count = 0
    run: list[JournalEntry] = []
    for entry in entries:
        count += 1
        if entry.kind == "product.added":
            if handlers["product.added"]:
                run.append(entry)
            continue
        if run:
            _products_added(conn, run)
            run = []
        apply(conn, entry, handlers)
    if run:
        _products_added(conn, run)
    return count

