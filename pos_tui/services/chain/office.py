"""Head office's events at the till: each applied once, by head office's seq, as an event of this journal.

A price head office set for every store or for this one becomes ``chain.office_price_set``, applied
to the product unless the store set that product's price itself (the store's own price takes
precedence) or does not sell the SKU; either way it is recorded, so the same seq is never applied
twice and the journal says what head office asked. An approval of a transfer this store requested
becomes ``chain.office_transfer_approved``: its reference goes on the request, so shipping needs no
typed reference. `pos sync` calls ``apply`` as the events arrive, in head office's order.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from pos_tui.domain.chain_events import HeadOfficePriceSet, HeadOfficeTransferApproved
from pos_tui.domain.events import Event
from pos_tui.ledger.database import Ledger
from pos_tui.ledger.journal import Actor, append, parse_time
from pos_tui.services.chain.wire import OFFICE_ALL, PRICE_SET, TRANSFER_APPROVED, OfficeEvent

_APPLIED = ("SELECT max(office_seq) FROM (SELECT office_seq FROM chain_office_applied"
            " UNION ALL SELECT office_seq FROM chain_office_approvals)")


def applied_upto(ledger: Ledger) -> int:
    row = ledger.conn.execute(_APPLIED).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _recorded(conn: sqlite3.Connection, office_seq: int) -> bool:
    return any(conn.execute(f"SELECT 1 FROM {table} WHERE office_seq = ?", (office_seq,)).fetchone()
               for table in ("chain_office_applied", "chain_office_approvals"))


def apply(ledger: Ledger, actor: Actor, event: OfficeEvent) -> bool:
    """Record ``event`` in this journal unless it was already; True when it was recorded now."""
    for_here = event.target == actor.store or (event.kind == PRICE_SET and event.target == OFFICE_ALL)
    if event.kind not in (PRICE_SET, TRANSFER_APPROVED) or not for_here:
        return False
    with ledger.write() as conn:
        if _recorded(conn, event.seq):
            return False
        recorded = _price_set(conn, event) if event.kind == PRICE_SET else _transfer_approved(conn, event)
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
