"""Head office's own chain: the prices and catalogue it sets for the stores.

Each change is one event in ``hq_office_events`` (seq, hash-chained), written in one transaction
with its projection (``hq_catalog`` for all stores, ``hq_store_prices`` for one). `pos hq serve`
publishes the events in seq order (``unpublished``, ``mark_published``); each store applies each once,
by this seq, as an event of its own journal. Head-office master data has one writer: head office.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg

from pos_tui.domain.errors import InvalidInput
from pos_tui.ledger.database import GENESIS_HASH
from pos_tui.services.chain.wire import OFFICE_ALL, PRICE_SET, OfficeEvent, office_hash

CATALOG_COLUMNS = ("sku", "name", "price")


@dataclass(frozen=True)
class CatalogLine:
    sku: str
    name: str
    price: int  # minor units


def append_event(cur: psycopg.Cursor[Any], kind: str, target: str, payload: dict[str, Any]) -> OfficeEvent:
    """The next event of head office's chain; in the caller's transaction, which holds the chain's lock."""
    cur.execute("LOCK TABLE hq_office_events IN EXCLUSIVE MODE")  # one writer of the chain at a time
    cur.execute("SELECT seq, hash FROM hq_office_events ORDER BY seq DESC LIMIT 1")
    last = cur.fetchone()
    seq, prev_hash = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS_HASH)
    digest = office_hash(prev_hash, seq, kind, target, payload)
    from pos_tui.ledger.entry import canonical_json

    cur.execute("INSERT INTO hq_office_events (seq, kind, target, payload, prev_hash, hash) VALUES"
                " (%s, %s, %s, %s, %s, %s)", (seq, kind, target, canonical_json(payload), prev_hash, digest))
    return OfficeEvent(seq, kind, target, payload, prev_hash, digest)


def set_prices(conn: psycopg.Connection[Any], lines: Iterable[CatalogLine], store: str | None = None
               ) -> list[OfficeEvent]:
    """One head-office event a line, for every store or for ``store``; all in one transaction."""
    made = []
    with conn.transaction(), conn.cursor() as cur:
        if store is not None:
            cur.execute("SELECT 1 FROM hq_stores WHERE store = %s", (store,))
            if cur.fetchone() is None:
                raise InvalidInput(f"head office knows no store {store}: `pos hq store list` shows them.")
        for line in lines:
            cur.execute("SELECT name FROM hq_catalog WHERE sku = %s", (line.sku,))
            known = cur.fetchone()
            name = line.name or (str(known[0]) if known else "")
            if not name:
                raise InvalidInput(f"SKU {line.sku} is not in head office's catalogue: import it with a name first"
                                   " (`pos hq catalog import FILE`); nothing was changed.")
            event = append_event(cur, PRICE_SET, store or OFFICE_ALL,
                                 {"sku": line.sku, "name": name, "price": line.price})
            if store is None:
                cur.execute("INSERT INTO hq_catalog (sku, name, price, set_seq) VALUES (%s, %s, %s, %s)"
                            " ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, price = EXCLUDED.price,"
                            " set_seq = EXCLUDED.set_seq", (line.sku, name, line.price, event.seq))
            else:
                cur.execute("INSERT INTO hq_store_prices (store, sku, price, set_seq) VALUES (%s, %s, %s, %s)"
                            " ON CONFLICT (store, sku) DO UPDATE SET price = EXCLUDED.price,"
                            " set_seq = EXCLUDED.set_seq", (store, line.sku, line.price, event.seq))
            made.append(event)
    return made


def read_catalog_csv(text: str, parse_price: Any) -> list[CatalogLine]:
    """``sku,name,price`` lines (a header first); the price as people write it (2.50)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or any(column not in rows[0] for column in CATALOG_COLUMNS):
        raise InvalidInput("the catalogue file needs a header line sku,name,price and one line a product;"
                           " nothing was imported.")
    lines = []
    for number, row in enumerate(rows, start=2):
        sku, name = (row["sku"] or "").strip(), (row["name"] or "").strip()
        if not sku or not name:
            raise InvalidInput(f"line {number} of the catalogue file has no SKU or no name; nothing was imported.")
        lines.append(CatalogLine(sku, name, parse_price(row["price"] or "")))
    return lines


def catalog(conn: psycopg.Connection[Any]) -> list[CatalogLine]:
    rows = conn.execute("SELECT sku, name, price FROM hq_catalog ORDER BY sku").fetchall()
    return [CatalogLine(*row) for row in rows]


def unpublished(conn: psycopg.Connection[Any], limit: int = 500) -> list[OfficeEvent]:
    import json

    rows = conn.execute("SELECT seq, kind, target, payload, prev_hash, hash FROM hq_office_events WHERE NOT published"
                        " ORDER BY seq LIMIT %s", (limit,)).fetchall()
    return [OfficeEvent(int(seq), kind, target, json.loads(payload), prev_hash, digest)
            for seq, kind, target, payload, prev_hash, digest in rows]


def mark_published(conn: psycopg.Connection[Any], upto: int) -> None:
    conn.execute("UPDATE hq_office_events SET published = true WHERE seq <= %s AND NOT published", (upto,))
