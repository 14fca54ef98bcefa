"""Bulk loading: many events appended in one go, with the same journal rows ``journal.append`` writes.

For catalogue imports and generated demo stores. Each event still gets its own seq, UUID, hash
link and projection rows; what changes is only how they reach SQLite: one head read, batched
``executemany`` inserts, and runs of ``product.added`` applied as one bulk insert. The full-text
search index can be paused during a big load and rebuilt once at the end.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from pos_tui.domain.events import Event, JsonValue, ProductAdded, SaleCompleted, SoldLine
from pos_tui.ledger.database import GENESIS_HASH, Ledger
from pos_tui.ledger.entry import JournalEntry, canonical_json, entry_hash, header_json
from pos_tui.ledger.journal import Actor, business_day, format_time, insert_recorded_many
from pos_tui.ledger.projections import apply_many
from pos_tui.ledger.projections.inventory import STOCK_TOTAL_TRIGGERS, fill_stock_totals

# The triggers that keep product_search in step with products (db/0001_initial.sql).
SEARCH_TRIGGERS = ("products_search_insert", "products_search_update")


Stamped = tuple[Event, Actor, datetime]
"""An event with who recorded it and when (the session clock's moment)."""


def append_many(ledger: Ledger, events: Sequence[Event], actor: Actor, *, at: datetime) -> list[JournalEntry]:
    """Append ``events`` in order, all by ``actor`` at ``at``, and apply them. Call inside ``ledger.write()``."""
    return append_stamped(ledger, [(event, actor, at) for event in events])


def append_stamped(ledger: Ledger, stamped: Sequence[Stamped]) -> list[JournalEntry]:
    """Append events in order and apply them. Call inside ``ledger.write()``.

    The entries are exactly those ``journal.append`` would write one by one with the same actors
    and moments: same columns, same canonical payloads, same hash chain, same projection rows.
    """
    if not stamped:
        return []
    info = ledger.store_info()
    conn = ledger.conn
    head = conn.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev_hash = head if head else (0, GENESIS_HASH)
    entries: list[JournalEntry] = []
    moments: dict[datetime, tuple[str, str]] = {}
    # (kind, moment, actor) -> the header text around the event id, for entries without postings
    headers: dict[tuple[str, str, Actor], tuple[str, str]] = {}
    for (event, actor, at), event_id in zip(stamped, _uuid4_strings(len(stamped)), strict=True):
        seq += 1
        if at not in moments:
            moments[at] = (format_time(at), business_day(at, info.timezone, info.day_starts_at_hour))
        at_text, day = moments[at]
        postings = tuple((p.account, p.amount) for p in event.postings())
        payload = payload_of(event)
        payload_json = canonical_json(payload)
        if postings:
            header = header_json(event_id, at_text, day, actor.store, actor.terminal, actor.user, event.KIND, postings)
        else:
            key = (event.KIND, at_text, actor)
            if key not in headers:
                marked = header_json(_MARK, at_text, day, actor.store, actor.terminal, actor.user, event.KIND, ())
                before, after = marked.split(f'"{_MARK}"')
                headers[key] = (before + '"', '"' + after)
            before, after = headers[key]
            header = before + event_id + after
        digest = entry_hash(prev_hash, seq, header, payload_json)
        entry = JournalEntry(seq, event_id, at_text, day, actor.store, actor.terminal, actor.user, event.KIND,
                             payload_json, postings, prev_hash, digest)
        entry.__dict__["payload"] = payload  # what parsing payload_json would give: skip the parse
        entries.append(entry)
        prev_hash = digest
    insert_recorded_many(conn, entries)
    apply_many(conn, entries)
    return entries


_MARK = "00000000-0000-4000-8000-000000000000"


def _uuid4_strings(count: int) -> list[str]:
    """``str(uuid.uuid4())`` ``count`` times over, without building UUID objects."""
    out = []
    randomness = os.urandom(16 * count)
    for start in range(0, 16 * count, 16):
        raw = bytearray(randomness[start:start + 16])
        raw[6] = raw[6] & 0x0F | 0x40  # version 4
        raw[8] = raw[8] & 0x3F | 0x80  # RFC 4122 variant
        h = raw.hex()
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out


_SOLD_FIELDS = tuple(f.name for f in dataclasses.fields(SoldLine))
_PLAIN = (int, str, bool)


def _plain(values: dict[str, JsonValue]) -> dict[str, JsonValue]:
    if any(type(v) not in _PLAIN for v in values.values()):
        raise TypeError("event fields must be int, str or bool here (money is int minor units)")
    return values


def _sale_payload(event: SaleCompleted) -> dict[str, JsonValue]:
    return _plain({
        "terminal": event.terminal, "number": event.number,
        "subtotal": event.subtotal, "discount_total": event.discount_total, "tax_total": event.tax_total,
        "total": event.total, "rounding": event.rounding, "change": event.change, "cost_total": event.cost_total,
    }) | {
        "lines": [_plain({name: getattr(line, name) for name in _SOLD_FIELDS}) for line in event.lines],
        "tenders": [_plain({"method": t.method, "amount": t.amount}) for t in event.tenders],
        "posted": [_plain({"account": p.account, "amount": p.amount}) for p in event.posted],
    }


def payload_of(event: Event) -> dict[str, JsonValue]:
    """``event.payload()``, built directly for the bulk kinds (the generic walk is most of a bulk load)."""
    if type(event) is SaleCompleted:
        return _sale_payload(event)
    if type(event) is not ProductAdded:
        return event.payload()
    d = event.details
    numbers = (event.product_id, d.price, d.cost, d.reorder_level, *(b.multiplier for b in d.barcodes))
    if any(type(n) is not int for n in numbers):
        raise TypeError("product ids, amounts and quantities in events must be int")
    return {
        "product_id": event.product_id,
        "details": {
            "sku": d.sku, "name": d.name, "category": d.category, "vendor": d.vendor, "unit": d.unit,
            "price": d.price, "cost": d.cost, "tax_class": d.tax_class, "reorder_level": d.reorder_level,
            "group": d.group, "variant": d.variant,
            "barcodes": [{"code": b.code, "multiplier": b.multiplier} for b in d.barcodes],
        },
    }


@contextmanager
def search_index_paused(ledger: Ledger) -> Iterator[None]:
    """Drop the search-index triggers for a bulk load; rebuild the index and restore them after.

    The triggers are recreated from the SQL the database itself recorded for them, so they come
    back exactly as the migration made them. Meant for a new store being filled by one process.
    """
    with ledger.write() as conn:
        marks = ", ".join("?" * len(SEARCH_TRIGGERS))
        rows = conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})", SEARCH_TRIGGERS
        ).fetchall()
        saved = sorted((str(name), str(sql)) for name, sql in rows)
        for name, _ in saved:
            conn.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        with ledger.write() as conn:
            conn.execute("INSERT INTO product_search(product_search) VALUES ('rebuild')")
            for _, sql in saved:
                conn.execute(sql)


@contextmanager
def stock_totals_paused(ledger: Ledger) -> Iterator[None]:
    """Drop the stock-total triggers (db/0012) for a bulk load; fill the totals once and restore them
    after. The totals come out as the triggers would have left them (``fill_stock_totals`` is the
    migration's SQL, which a test holds equal to the triggers' work). For a new store filled by one process."""
    with ledger.write() as conn:
        marks = ", ".join("?" * len(STOCK_TOTAL_TRIGGERS))
        rows = conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})", STOCK_TOTAL_TRIGGERS
        ).fetchall()
        saved = sorted((str(name), str(sql)) for name, sql in rows)
        for name, _ in saved:
            conn.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        with ledger.write() as conn:
            fill_stock_totals(conn)
            for _, sql in saved:
                conn.execute(sql)
