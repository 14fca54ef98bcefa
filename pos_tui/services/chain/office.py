"""Head office's events at the till: each applied once, by head office's seq, as an event of this journal.

A price head office set for every store or for this one becomes ``chain.office_price_set``, applied
to the product unless the store set that product's price itself (the store's own price takes
precedence) or does not sell the SKU; either way it is recorded, so the same seq is never applied
twice and the journal says what head office asked. An approval of a transfer this store requested
becomes ``chain.office_transfer_approved``: its reference goes on the request, so shipping needs no
typed reference. A product head office sent with what a till needs to sell it becomes
``chain.office_product_added``: created when the store lacks the SKU, priced as above when it has it,
recorded only (with why) when a barcode is another product's here or the details do not fit. A tax
class becomes ``chain.office_tax_class_set``. `pos sync` calls ``apply`` as the events arrive, in head
office's order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from pos_tui.domain.chain_events import (
    HeadOfficePriceSet,
    HeadOfficeProductAdded,
    HeadOfficeTaxClassSet,
    HeadOfficeTransferApproved,
)
from pos_tui.domain.events import BarcodeSpec, Event, ProductDetails
from pos_tui.ledger.database import Ledger
from pos_tui.ledger.journal import Actor, append, parse_time
from pos_tui.services.catalog.products import check_details
from pos_tui.services.chain.wire import (
    OFFICE_ALL,
    PRICE_SET,
    PRODUCT_ADDED,
    TAX_CLASS_SET,
    TRANSFER_APPROVED,
    OfficeEvent,
)

# Where each kind of head-office event is recorded here, by head office's seq.
_RECORDED_IN = ("chain_office_applied", "chain_office_approvals", "chain_office_products", "chain_office_tax_classes")
_APPLIED = ("SELECT max(office_seq) FROM ("
            + " UNION ALL ".join(f"SELECT office_seq FROM {table}" for table in _RECORDED_IN) + ")")
_FOR_EVERY_STORE = (PRICE_SET, PRODUCT_ADDED, TAX_CLASS_SET)


def applied_upto(ledger: Ledger) -> int:
    row = ledger.conn.execute(_APPLIED).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _recorded(conn: sqlite3.Connection, office_seq: int) -> bool:
    return any(conn.execute(f"SELECT 1 FROM {table} WHERE office_seq = ?", (office_seq,)).fetchone()
               for table in _RECORDED_IN)


def apply(ledger: Ledger, actor: Actor, event: OfficeEvent) -> bool:
    """Record ``event`` in this journal unless it was already; True when it was recorded now."""
    for_here = event.target == actor.store or (event.kind in _FOR_EVERY_STORE and event.target == OFFICE_ALL)
    record = _RECORDERS.get(event.kind)
    if record is None or not for_here:
        return False
    with ledger.write() as conn:
        if _recorded(conn, event.seq):
            return False
        recorded = record(conn, event)
        # Time only moves forward on a terminal: never before the journal's last entry (a till clock ahead).
        last = conn.execute("SELECT at FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
        now = datetime.now(UTC)
        append(ledger, recorded, actor, at=max(now, parse_time(last[0])) if last else now)
    return True


def _transfer_approved(conn: sqlite3.Connection, event: OfficeEvent) -> Event:
    tid, reference = str(event.payload["transfer_id"]), str(event.payload["approval_ref"])
    known = conn.execute("SELECT 1 FROM transfers WHERE transfer_id = ? AND direction = 'out'", (tid,)).fetchone()
    return HeadOfficeTransferApproved(event.seq, tid, reference, known is not None)


def _price_set(conn: sqlite3.Connection, event: OfficeEvent) -> Event:
    sku, price = str(event.payload["sku"]), int(event.payload["price"])
    row = conn.execute("SELECT product_id, price FROM products WHERE sku = ?", (sku,)).fetchone()
    product_id, old_price = (int(row[0]), int(row[1])) if row else (0, 0)
    why_not = ""
    if not row:
        why_not = "unknown here"
    elif conn.execute("SELECT 1 FROM chain_store_prices WHERE product_id = ?", (product_id,)).fetchone():
        why_not = "store price"
    return HeadOfficePriceSet(event.seq, sku, product_id, old_price, price, not why_not, why_not)


def _product_added(conn: sqlite3.Connection, event: OfficeEvent) -> Event:
    p = event.payload
    details = ProductDetails(
        sku=str(p["sku"]), name=str(p["name"]), category=str(p.get("category", "")), vendor="", unit="each",
        price=int(p["price"]), cost=0, tax_class=str(p["tax_class"]), reorder_level=0,
        barcodes=tuple(BarcodeSpec(str(b["code"]), int(b["multiplier"])) for b in p.get("barcodes", ())))
    row = conn.execute("SELECT product_id, price FROM products WHERE sku = ?", (details.sku,)).fetchone()
    if row:  # the store sells it already: head office's price as a price.set would apply it; its details stand
        product_id, old_price = int(row[0]), int(row[1])
        own = conn.execute("SELECT 1 FROM chain_store_prices WHERE product_id = ?", (product_id,)).fetchone()
        return HeadOfficeProductAdded(event.seq, product_id, details, False, old_price, own is None,
                                      "store price" if own else "")
    problems = check_details(conn, details)
    for barcode in details.barcodes:
        owner = conn.execute("SELECT p.sku FROM barcodes b JOIN products p ON p.product_id = b.product_id"
                             " WHERE b.code = ?", (barcode.code,)).fetchone()
        if owner:
            problems.append(f"barcode {barcode.code} is {owner[0]}'s here")
    if problems:
        return HeadOfficeProductAdded(event.seq, 0, details, False, 0, False, "; ".join(problems))
    next_id = int(conn.execute("SELECT COALESCE(MAX(product_id), 0) + 1 FROM products").fetchone()[0])
    return HeadOfficeProductAdded(event.seq, next_id, details, True, 0, False)


def _tax_class_set(conn: sqlite3.Connection, event: OfficeEvent) -> Event:
    code, name, rate = str(event.payload["code"]), str(event.payload["name"]), int(event.payload["rate_bp"])
    row = conn.execute("SELECT rate_bp FROM tax_classes WHERE code = ?", (code,)).fetchone()
    return HeadOfficeTaxClassSet(event.seq, code, name, rate, int(row[0]) if row else -1)


_RECORDERS: dict[str, Callable[[sqlite3.Connection, OfficeEvent], Event]] = {
    PRICE_SET: _price_set,
    TRANSFER_APPROVED: _transfer_approved,
    PRODUCT_ADDED: _product_added,
    TAX_CLASS_SET: _tax_class_set,
}


def not_created(ledger: Ledger) -> list[str]:
    """Head office's products this store still lacks because it could not create them, as sentences
    (a barcode that is another product's here, a tax class not defined here): the last word on each SKU."""
    rows = ledger.conn.execute(
        "SELECT o.sku, o.why_not, o.office_seq FROM chain_office_products o"
        " WHERE o.office_seq = (SELECT max(office_seq) FROM chain_office_products WHERE sku = o.sku)"
        " AND NOT o.created AND o.product_id = 0"
        " AND NOT EXISTS (SELECT 1 FROM products p WHERE p.sku = o.sku) ORDER BY o.office_seq").fetchall()
    return [f"head office's product {sku} was not created here ({why_not}, head office's event {seq}): fix that"
            " here, then ask head office to import its line again." for sku, why_not, seq in rows]
