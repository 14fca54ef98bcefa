"""Head office's events at the till: each applied once, by head office's seq, as an event of this journal.

A price head office set for every store or for this one becomes ``chain.office_price_set``, applied
to the product unless the store set that product's price itself (the store's own price takes
precedence) or does not sell the SKU; either way it is recorded, so the same seq is never applied
twice and the journal says what head office asked. `pos sync` calls ``apply`` as the events arrive,
in head office's order.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pos_tui.domain.chain_events import HeadOfficePriceSet
from pos_tui.ledger.database import Ledger
from pos_tui.ledger.journal import Actor, append, parse_time
from pos_tui.services.chain.wire import OFFICE_ALL, OfficeEvent

PRICE_SET = "price.set"


def applied_upto(ledger: Ledger) -> int:
    row = ledger.conn.execute("SELECT max(office_seq) FROM chain_office_applied").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def apply(ledger: Ledger, actor: Actor, event: OfficeEvent) -> bool:
    """Record ``event`` in this journal unless it was already; True when it was recorded now."""
    if event.kind != PRICE_SET or event.target not in (OFFICE_ALL, actor.store):
        return False
    with ledger.write() as conn:
        if conn.execute("SELECT 1 FROM chain_office_applied WHERE office_seq = ?", (event.seq,)).fetchone():
            return False
        sku, price = str(event.payload["sku"]), int(event.payload["price"])
        row = conn.execute("SELECT product_id, price FROM products WHERE sku = ?", (sku,)).fetchone()
        product_id, old_price = (int(row[0]), int(row[1])) if row else (0, 0)
        why_not = ""
        if not row:
            why_not = "unknown here"
        elif conn.execute("SELECT 1 FROM chain_store_prices WHERE product_id = ?", (product_id,)).fetchone():
            why_not = "store price"
        # Time only moves forward on a terminal: never before the journal's last entry (a till clock ahead).
        last = conn.execute("SELECT at FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
        now = datetime.now(UTC)
        at = max(now, parse_time(last[0])) if last else now
        append(ledger, HeadOfficePriceSet(event.seq, sku, product_id, old_price, price, not why_not, why_not),
               actor, at=at)
    return True
