"""Head office's answer to a restored till pulling its gap back (`pos sync --pull-gap`).

The till asks on its own gap subject (``Channels.gap_subject``: NATS lets a terminal publish on its
own only, so it can ask for nothing but its own entries) for the entries after its journal's head.
Head office answers with the entries it holds, chained, of the terminal's latest chain: that
epoch's own entries above its base, and below the base those of the earlier epoch it goes on from.
Each goes back exactly as it was verified (the recorded entry, hash and all): the till checks each
hash and ``prev_hash`` against its own chain and appends them as they are. Bounded pages: at most
``limit`` entries and about ``MAX_PAGE_BYTES`` a reply; the till asks again until none are left.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import psycopg

from pos_tui.ledger.database import GENESIS_HASH
from pos_tui.ledger.entry import JournalEntry
from pos_tui.services.chain.wire import BadMessage, Channels, GapPage, parse_gap_request

log = logging.getLogger("pos.hq")
MAX_PAGE_ENTRIES = 500
MAX_PAGE_BYTES = 256 * 1024
"""Well under NATS's default 1 MiB message: a page of big entries is cut short, the till asks again."""


def latest_chain_after(cur: psycopg.Cursor[Any], store: str, terminal: str, after_seq: int, limit: int) -> GapPage:
    """Head office's head of the terminal's latest epoch and up to ``limit`` entries of that epoch's
    chain after ``after_seq``, in seq order."""
    cur.execute("SELECT 1 FROM hq_terminals WHERE store = %s AND terminal = %s", (store, terminal))
    if cur.fetchone() is None:
        return GapPage(0, 0, GENESIS_HASH, error=f"terminal {terminal} of store {store} is not registered at"
                                                  " head office")
    cur.execute("SELECT epoch, seq, hash, base_seq FROM hq_heads WHERE store = %s AND terminal = %s"
                " ORDER BY epoch DESC", (store, terminal))
    heads = [(int(epoch), int(seq), str(digest), int(base)) for epoch, seq, digest, base in cur.fetchall()]
    if not heads:
        return GapPage(0, 0, GENESIS_HASH)
    latest_epoch, latest_seq, latest_hash, _ = heads[0]
    # The chain's pieces, newest first: (epoch, above seq, up to seq).
    pieces: list[tuple[int, int, int]] = []
    epoch, upper, base = latest_epoch, latest_seq, heads[0][3]
    while True:
        if upper > base:
            pieces.append((epoch, base, upper))
        if base <= after_seq:
            break
        # The epoch this one went on from: head office started it only holding its base chained there.
        earlier = next((head for head in heads if head[0] < epoch and head[1] >= base), None)
        if earlier is None:
            break
        epoch, upper, base = earlier[0], base, earlier[3]
    entries: list[JournalEntry] = []
    size = 0
    for epoch, above, through in reversed(pieces):
        above = max(above, after_seq)
        if above >= through:
            continue
        cur.execute("SELECT seq, event_id, at, day, store, entry_terminal, username, kind, payload, postings,"
                    " prev_hash, hash FROM hq_events WHERE store = %s AND terminal = %s AND epoch = %s"
                    " AND seq > %s AND seq <= %s ORDER BY seq LIMIT %s",
                    (store, terminal, epoch, above, through, limit - len(entries)))
        for seq, event_id, at, day, entry_store, entry_terminal, user, kind, payload, postings, prev, digest in (
                cur.fetchall()):
            entry = JournalEntry(int(seq), event_id, at, day, entry_store, entry_terminal, user, kind, payload,
                                 tuple((str(a), int(n)) for a, n in json.loads(postings)), prev, digest)
            size += len(entry.payload_json) + 512
            if entries and size > MAX_PAGE_BYTES:
                return GapPage(latest_epoch, latest_seq, latest_hash, tuple(entries))
            entries.append(entry)
        if len(entries) >= limit:
            break
    return GapPage(latest_epoch, latest_seq, latest_hash, tuple(entries))


class GapResponder:
    """Answers the terminals' gap requests inside `pos hq serve`, on a PostgreSQL connection of its own."""

    def __init__(self, pg_url: str, channels: Channels) -> None:
        self.pg_url = pg_url
        self.channels = channels
        self.pg: psycopg.Connection[Any] | None = None
        self.subscription: Any = None

    async def start(self, nc: Any) -> None:
        # A queue group: with several `pos hq serve` processes, one of them answers each request.
        self.subscription = await nc.subscribe(self.channels.all_gap, queue="hq-gap", cb=self._answer)
        await nc.flush()  # the server knows the subscription before serve says it is ready

    def page_for(self, store: str, terminal: str, body: bytes) -> GapPage:
        """In a thread (the ingest goes on meanwhile): the page that answers one request. The connection
        is opened on first use and again after it broke."""
        try:
            after_seq, limit = parse_gap_request(body)
        except BadMessage as error:
            return GapPage(0, 0, GENESIS_HASH, error=str(error))
        try:
            if self.pg is None or self.pg.closed:
                self.pg = psycopg.connect(self.pg_url, autocommit=True)
            with self.pg.transaction(), self.pg.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                return latest_chain_after(cur, store, terminal, max(after_seq, 0), max(1, min(limit, MAX_PAGE_ENTRIES)))
        except psycopg.Error as error:
            log.warning("could not answer %s.%s's gap request: %s", store, terminal, error)
            if self.pg is not None:
                self.pg.close()
                self.pg = None
            return GapPage(0, 0, GENESIS_HASH, error="head office's database did not answer; try again")

    async def _answer(self, msg: Any) -> None:
        if not msg.reply:
            return
        store, terminal = msg.subject.split(".")[-2:]
        try:
            page = await asyncio.to_thread(self.page_for, store, terminal, bytes(msg.data))
        except Exception:  # never a crash of serve, never a request left without a reply
            log.exception("a gap request of %s.%s went wrong", store, terminal)
            page = GapPage(0, 0, GENESIS_HASH, error="head office could not answer; try again")
        await msg.respond(page.body())

    async def close(self) -> None:
        if self.subscription is not None:
            await self.subscription.unsubscribe()
        if self.pg is not None:
            self.pg.close()
