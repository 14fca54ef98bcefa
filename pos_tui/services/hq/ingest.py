"""Head office's ingest: a batch of the stores' events, verified and stored in one PostgreSQL transaction.

1. Events of a terminal head office does not know, and events whose hash is not the hash of their
   own content (a changed byte), are refused (``hq_refusals``) and stored nowhere else.
2. The rest are copied into a staging table and inserted with the key (store, terminal, epoch, seq)
   and ``ON CONFLICT DO NOTHING``: a repeat inserts nothing. A different entry at a seq already held
   is refused (a fork: a changed journal, or a store restored from an old backup).
3. Each touched terminal's head is locked (``FOR UPDATE``: two consumers never walk one chain at
   once) and moved over the stored entries that extend it contiguously: ``seq = head + 1`` and
   ``prev_hash = head's hash``. An entry at head + 1 that does not extend it is refused; entries
   beyond a gap wait for it to fill.
4. The entries the head moved over, and only those, are projected (sales per store and day, stock
   movements per store and product) in the same transaction.

The caller commits, then publishes the heads (``IngestResult.heads``), then acknowledges the messages:
a crash anywhere before the commit leaves nothing, and after it the redelivered messages insert nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from pos_tui.domain.cart import count_items
from pos_tui.ledger.database import GENESIS_HASH
from pos_tui.ledger.entry import parse_payload
from pos_tui.services.chain.wire import ChainEvent, Head, Refusal
from pos_tui.services.hq.transfers import STEP_KINDS, TransferSteps

ChainKey = tuple[str, str, int]
WALK_PAGE = 5000

_STAGING = """
CREATE TEMP TABLE IF NOT EXISTS hq_incoming (
    store text, terminal text, epoch integer, seq bigint, prev_hash text, hash text, event_id text, at text,
    day text, entry_terminal text, username text, kind text, payload text, postings text
) ON COMMIT DELETE ROWS
"""
_EVENT_COLUMNS = ("store, terminal, epoch, seq, prev_hash, hash, event_id, at, day, entry_terminal, username, kind,"
                  " payload, postings")


@dataclass
class IngestResult:
    heads: dict[ChainKey, Head] = field(default_factory=dict)
    received: int = 0
    inserted: int = 0
    chained: int = 0
    refused: list[tuple[ChainKey, Refusal]] = field(default_factory=list)


@dataclass
class _Projection:
    """What the entries chained by one batch add to the projections, summed before it is written."""

    sales_days: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    movements: list[tuple[str, str, int, int, int, int, int, str]] = field(default_factory=list)
    products: list[tuple[str, int, str, str]] = field(default_factory=list)
    transfers: TransferSteps = field(default_factory=TransferSteps)

    def add(self, key: ChainKey, seq: int, kind: str, day: str, payload: dict[str, Any]) -> None:
        store = key[0]
        if kind == "sale.completed":
            lines = payload["lines"]
            total, tax = payload["total"], payload["tax_total"]
            items = count_items((line["unit"], line["quantity"]) for line in lines)
            self._day(store, day, (1, items, total, total - tax, tax, payload["cost_total"], 0, 0, 0, 0, 0))
            self._moves(key, seq, ((ln["product_id"], -ln["quantity"], "sale") for ln in lines))
        elif kind == "sale.returned":
            lines = payload["lines"]
            restocked = sum(line["cost"] for line in lines if line["restock"])
            self._day(store, day, (0, 0, 0, 0, 0, 0, 1, payload["refund_total"], sum(ln["net"] for ln in lines),
                                   sum(ln["tax"] for ln in lines), restocked))
            self._moves(key, seq, ((ln["product_id"], ln["quantity"], "return") for ln in lines if ln["restock"]))
        elif kind in ("stock.received", "purchase_order.received"):
            self._moves(key, seq, ((ln["product_id"], ln["quantity"], "receipt") for ln in payload["lines"]))
        elif kind == "stock.adjusted":
            self._moves(key, seq, [(payload["product_id"], payload["quantity"], f"adjust:{payload['reason']}")])
        elif kind == "stocktake.posted":
            self._moves(key, seq, ((ln["product_id"], ln["quantity"], f"count:{payload['reason']}")
                                   for ln in payload["lines"] if ln["quantity"]))
        elif kind in STEP_KINDS:
            self.transfers.add(store, kind, payload)
            sign = {"transfer.shipped": -1, "transfer.received": 1}.get(kind, 0)
            if sign:
                self._moves(key, seq, ((ln["product_id"], sign * ln["quantity"], f"transfer:{payload['transfer_id']}")
                                       for ln in payload["lines"] if ln["quantity"]))
        elif kind == "product.added" or (kind == "chain.office_product_added" and payload["created"]):
            details = payload["details"]  # a store's own product, or head office's it created
            self.products.append((store, payload["product_id"], details["sku"], details["name"]))

    def _day(self, store: str, day: str, figures: tuple[int, ...]) -> None:
        sums = self.sales_days.setdefault((store, day), [0] * 11)
        for i, value in enumerate(figures):
            sums[i] += value

    def _moves(self, key: ChainKey, seq: int, moves: Iterable[tuple[int, int, str]]) -> None:
        for n, (product_id, quantity, reason) in enumerate(moves):
            self.movements.append((*key, seq, n, product_id, quantity, reason))

    def write(self, cur: psycopg.Cursor[Any]) -> None:
        self.transfers.write(cur)
        if self.products:
            cur.executemany(
                "INSERT INTO hq_products (store, product_id, sku, name) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (store, product_id) DO UPDATE SET sku = EXCLUDED.sku, name = EXCLUDED.name",
                self.products,
            )
        if self.sales_days:
            cur.executemany(
                "INSERT INTO hq_sales_days AS d (store, day, sales, items, takings, sold_net, sold_tax, sold_cost,"
                " returns, returned_value, returned_net, returned_tax, restocked_cost)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (store, day) DO UPDATE SET"
                " sales = d.sales + EXCLUDED.sales, items = d.items + EXCLUDED.items,"
                " takings = d.takings + EXCLUDED.takings, sold_net = d.sold_net + EXCLUDED.sold_net,"
                " sold_tax = d.sold_tax + EXCLUDED.sold_tax, sold_cost = d.sold_cost + EXCLUDED.sold_cost,"
                " returns = d.returns + EXCLUDED.returns, returned_value = d.returned_value + EXCLUDED.returned_value,"
                " returned_net = d.returned_net + EXCLUDED.returned_net,"
                " returned_tax = d.returned_tax + EXCLUDED.returned_tax,"
                " restocked_cost = d.restocked_cost + EXCLUDED.restocked_cost",
                [(store, day, *sums) for (store, day), sums in sorted(self.sales_days.items())],
            )
        if self.movements:
            with cur.copy("COPY hq_stock_movements (store, terminal, epoch, seq, n, product_id, quantity, reason)"
                          " FROM STDIN") as copy:
                for row in self.movements:
                    copy.write_row(row)
            on_hand: dict[tuple[str, int], int] = {}
            for store, _, _, _, _, product_id, quantity, _ in self.movements:
                on_hand[(store, product_id)] = on_hand.get((store, product_id), 0) + quantity
            cur.executemany(
                "INSERT INTO hq_stock AS s (store, product_id, on_hand) VALUES (%s, %s, %s)"
                " ON CONFLICT (store, product_id) DO UPDATE SET on_hand = s.on_hand + EXCLUDED.on_hand",
                [(store, product_id, quantity) for (store, product_id), quantity in sorted(on_hand.items())],
            )


def _refuse(cur: psycopg.Cursor[Any], result: IngestResult, key: ChainKey, seq: int, digest: str, reason: str) -> None:
    cur.execute(
        "INSERT INTO hq_refusals (store, terminal, epoch, seq, hash, reason) VALUES (%s, %s, %s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (*key, seq, digest, reason),
    )
    result.refused.append((key, Refusal(seq, digest, reason)))


def ingest(conn: psycopg.Connection[Any], events: Sequence[ChainEvent]) -> IngestResult:
    """Verify, store, chain and project ``events`` in one transaction (committed when this returns)."""
    result = IngestResult(received=len(events))
    with conn.transaction(), conn.cursor() as cur:
        keys = sorted({(e.store, e.terminal, e.epoch) for e in events})
        known: set[tuple[str, str]] = set()
        if keys:
            cur.execute("SELECT store, terminal FROM hq_terminals WHERE (store, terminal) IN (SELECT * FROM"
                        " unnest(%s::text[], %s::text[]))", ([k[0] for k in keys], [k[1] for k in keys]))
            known = set(cur.fetchall())
        rows = []
        for event in events:
            key = (event.store, event.terminal, event.epoch)
            entry = event.entry
            if (event.store, event.terminal) not in known:
                _refuse(cur, result, key, entry.seq, entry.hash, "this terminal is not registered at head office")
            elif entry.store != event.store:
                _refuse(cur, result, key, entry.seq, entry.hash, f"the entry belongs to store {entry.store}")
            elif not event.verifies():
                _refuse(cur, result, key, entry.seq, entry.hash, "its hash does not match its content")
            else:
                rows.append((*key, entry.seq, entry.prev_hash, entry.hash, entry.event_id, entry.at, entry.day,
                             entry.terminal, entry.user, entry.kind, entry.payload_json,
                             json.dumps([list(p) for p in entry.postings])))
        if rows:
            cur.execute(_STAGING)
            with cur.copy(f"COPY hq_incoming ({_EVENT_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(f"INSERT INTO hq_events ({_EVENT_COLUMNS}) SELECT {_EVENT_COLUMNS} FROM hq_incoming"
                        " ORDER BY store, terminal, epoch, seq ON CONFLICT DO NOTHING")
            result.inserted = cur.rowcount
            cur.execute("SELECT DISTINCT i.store, i.terminal, i.epoch, i.seq, i.hash FROM hq_incoming i"
                        " JOIN hq_events e USING (store, terminal, epoch, seq) WHERE e.hash <> i.hash")
            for store, terminal, epoch, seq, digest in cur.fetchall():
                _refuse(cur, result, (store, terminal, epoch), seq, digest,
                        "head office already holds a different entry at this seq")
        projection = _Projection()
        bases = {(e.store, e.terminal, e.epoch): (e.base_seq, e.base_hash) for e in reversed(events)}
        for key in keys:
            if (key[0], key[1]) in known:
                result.heads[key] = _advance(cur, key, projection, result, bases[key])
        projection.write(cur)
    return result


def _advance(cur: psycopg.Cursor[Any], key: ChainKey, projection: _Projection, result: IngestResult,
             base: tuple[int, str] = (0, GENESIS_HASH)) -> Head:
    if not _start_epoch(cur, key, base, result):
        return Head(*key, 0, GENESIS_HASH, result.refused[-1][1])
    cur.execute("SELECT seq, hash FROM hq_heads WHERE store = %s AND terminal = %s AND epoch = %s FOR UPDATE", key)
    start = cur.fetchone()
    assert start is not None
    seq, digest = start
    walking = True
    while walking:
        cur.execute("SELECT seq, prev_hash, hash, kind, day, payload FROM hq_events WHERE store = %s AND terminal = %s"
                    " AND epoch = %s AND seq > %s ORDER BY seq LIMIT %s", (*key, seq, WALK_PAGE))
        page = cur.fetchall()
        walking = len(page) == WALK_PAGE
        counted_before = _held_in_earlier_epochs(cur, key, page)
        for next_seq, prev_hash, next_hash, kind, day, payload in page:
            if next_seq != seq + 1:
                walking = False
                break
            if prev_hash != digest:
                _refuse(cur, result, key, next_seq, next_hash,
                        f"its prev_hash does not extend head office's chain at seq {seq}")
                walking = False
                break
            if (next_seq, next_hash) not in counted_before:
                projection.add(key, next_seq, kind, day, parse_payload(payload))
            seq, digest = next_seq, next_hash
            result.chained += 1
    cur.execute("UPDATE hq_heads SET seq = %s, hash = %s, moved_at = now() WHERE store = %s AND terminal = %s"
                " AND epoch = %s AND seq < %s", (seq, digest, *key, seq))
    cur.execute("SELECT seq, hash, reason FROM hq_refusals WHERE store = %s AND terminal = %s AND epoch = %s"
                " ORDER BY refused_at DESC, seq DESC LIMIT 1", key)
    refused = cur.fetchone()
    return Head(*key, seq, digest, Refusal(*refused) if refused else None, epoch_gap(cur, key).sentence())


def _start_epoch(cur: psycopg.Cursor[Any], key: ChainKey, base: tuple[int, str], result: IngestResult) -> bool:
    """The terminal's head for this epoch, made on its first entry: at the genesis for a chain that
    starts at the journal's beginning, else at the base its envelope names, which head office must
    hold with that hash, chained, in an earlier epoch (a restored journal goes on from what head
    office verified). False (and a refusal) when it does not."""
    cur.execute("SELECT 1 FROM hq_heads WHERE store = %s AND terminal = %s AND epoch = %s", key)
    if cur.fetchone() is not None:
        return True
    base_seq, base_hash = base
    if base_seq:
        cur.execute("SELECT 1 FROM hq_events e JOIN hq_heads h USING (store, terminal, epoch)"
                    " WHERE e.store = %s AND e.terminal = %s AND e.epoch < %s AND e.seq = %s AND e.hash = %s"
                    " AND h.seq >= e.seq", (*key, base_seq, base_hash))
        if cur.fetchone() is None:
            _refuse(cur, result, key, base_seq + 1, base_hash,
                    f"epoch {key[2]} goes on from seq {base_seq}, which head office does not hold with that hash")
            return False
    cur.execute("INSERT INTO hq_heads (store, terminal, epoch, seq, hash, base_seq) VALUES (%s, %s, %s, %s, %s, %s)"
                " ON CONFLICT DO NOTHING", (*key, base_seq, base_hash if base_seq else GENESIS_HASH, base_seq))
    return True


def _held_in_earlier_epochs(cur: psycopg.Cursor[Any], key: ChainKey, page: Sequence[tuple[Any, ...]]
                            ) -> set[tuple[int, str]]:
    """The entries of ``page`` that head office already holds, the same and chained, in an earlier
    epoch of this terminal: a restored journal sends them again, and they are counted once."""
    if key[2] <= 1 or not page:
        return set()
    cur.execute("SELECT e.seq, e.hash FROM hq_events e JOIN hq_heads h USING (store, terminal, epoch)"
                " WHERE e.store = %s AND e.terminal = %s AND e.epoch < %s AND e.seq BETWEEN %s AND %s"
                " AND e.seq <= h.seq", (*key, page[0][0], page[-1][0]))
    return {(int(seq), str(digest)) for seq, digest in cur.fetchall()}


@dataclass(frozen=True)
class EpochGap:
    """What head office holds, chained, of a terminal's earlier epoch after the new epoch's base that
    the new epoch does not hold the same: sales a restored till lacks (head office still counts them:
    they happened)."""

    previous_epoch: int
    entries: int
    sales: int
    takings: int
    first_seq: int
    last_seq: int

    def sentence(self) -> str:
        if not self.entries:
            return ""
        return (f"head office holds {self.entries} entr{'y' if self.entries == 1 else 'ies'} of epoch"
                f" {self.previous_epoch} (seq {self.first_seq}-{self.last_seq}, {self.sales} sale(s)) that this"
                " journal lacks")


def epoch_gap(cur: psycopg.Cursor[Any], key: ChainKey) -> EpochGap:
    store, terminal, epoch = key
    none = EpochGap(epoch - 1, 0, 0, 0, 0, 0)
    cur.execute("SELECT base_seq FROM hq_heads WHERE store = %s AND terminal = %s AND epoch = %s", key)
    row = cur.fetchone()
    if epoch <= 1 or row is None:
        return none
    cur.execute("SELECT max(epoch) FROM hq_heads WHERE store = %s AND terminal = %s AND epoch < %s", key)
    previous = cur.fetchone()
    if previous is None or previous[0] is None:
        return none
    cur.execute(
        "SELECT count(*), count(*) FILTER (WHERE p.kind = 'sale.completed'),"
        " coalesce(sum((p.payload::jsonb ->> 'total')::bigint) FILTER (WHERE p.kind = 'sale.completed'), 0),"
        " coalesce(min(p.seq), 0), coalesce(max(p.seq), 0)"
        " FROM hq_events p JOIN hq_heads h USING (store, terminal, epoch)"
        " WHERE p.store = %s AND p.terminal = %s AND p.epoch = %s AND p.seq > %s AND p.seq <= h.seq"
        " AND NOT EXISTS (SELECT 1 FROM hq_events n WHERE n.store = p.store AND n.terminal = p.terminal"
        "   AND n.epoch = %s AND n.seq = p.seq AND n.hash = p.hash)",
        (store, terminal, previous[0], row[0], epoch),
    )
    entries, sales, takings, first, last = cur.fetchone() or (0, 0, 0, 0, 0)
    return EpochGap(int(previous[0]), int(entries), int(sales), int(takings), int(first), int(last))


def current_head(conn: psycopg.Connection[Any], key: ChainKey) -> Head:
    with conn.cursor() as cur:
        cur.execute("SELECT seq, hash FROM hq_heads WHERE store = %s AND terminal = %s AND epoch = %s", key)
        row = cur.fetchone()
        cur.execute("SELECT seq, hash, reason FROM hq_refusals WHERE store = %s AND terminal = %s AND epoch = %s"
                    " ORDER BY refused_at DESC, seq DESC LIMIT 1", key)
        refused = cur.fetchone()
    seq, digest = row if row else (0, GENESIS_HASH)
    return Head(*key, seq, digest, Refusal(*refused) if refused else None)
