"""Head office answering the stores' questions over NATS request/reply (`pos hq serve`): what every store
holds of some SKUs, with in-transit and when head office last heard from each store.

A question arrives on a store's question subject (``Channels.stock_question``; nats-server lets only
that store's terminals ask there) and is answered from head office's projections on its own
PostgreSQL connection, in a thread, so the ingest loop does not wait on it. A bad question gets an
error reply, a database fault an error reply and a log line; nothing here ends `pos hq serve`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import psycopg

from pos_tui.services.chain.elsewhere import BadQuestion, answer_body, error_body, parse_question
from pos_tui.services.chain.wire import Channels

log = logging.getLogger("pos.hq")


def stock_answer(conn: psycopg.Connection[Any], skus: list[str]) -> bytes:
    """Every store that has one of ``skus`` (or goods of it on the way to it): its on-hand, its in-transit,
    and every store's last sync, as the answer's body."""
    stores = [{"store": str(store), "name": str(name), "synced_at": synced_at}
              for store, name, synced_at in conn.execute(
                  "SELECT s.store, s.name,"
                  " to_char(max(h.moved_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM hq_stores s"
                  " LEFT JOIN hq_heads h USING (store) GROUP BY s.store, s.name ORDER BY s.store")]
    levels: dict[tuple[str, str], list[int]] = {}
    for sku, store, on_hand in conn.execute(
            "SELECT p.sku, p.store, coalesce(sum(s.on_hand), 0) FROM hq_products p"
            " LEFT JOIN hq_stock s USING (store, product_id) WHERE p.sku = ANY(%s) GROUP BY p.sku, p.store",
            (skus,)):
        levels[(str(sku), str(store))] = [int(on_hand), 0]
    for sku, store, shipped in conn.execute(
            "SELECT l.sku, t.to_store, sum(l.shipped) FROM hq_transfer_lines l JOIN hq_transfers t"
            " USING (transfer_id) WHERE t.shipped AND NOT t.received AND l.sku = ANY(%s)"
            " GROUP BY l.sku, t.to_store", (skus,)):
        levels.setdefault((str(sku), str(store)), [0, 0])[1] = int(shipped)
    stock = [{"sku": sku, "store": store, "on_hand": on_hand, "in_transit": in_transit}
             for (sku, store), (on_hand, in_transit) in sorted(levels.items())]
    return answer_body(stores, stock)


class StockAnswerer:
    """Answers the stock questions on one PostgreSQL connection of its own, opened on first use and
    again after it broke; one question at a time (nats-py runs one subscription's callbacks in turn)."""

    def __init__(self, pg_url: str) -> None:
        self.pg_url = pg_url
        self._conn: psycopg.Connection[Any] | None = None

    def answer(self, body: bytes) -> bytes:
        try:
            skus = parse_question(body)
        except BadQuestion as bad:
            return error_body(str(bad))
        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(self.pg_url, autocommit=True)
            return stock_answer(self._conn, skus)
        except psycopg.Error as error:
            log.warning("a stock question went unanswered: %s", (str(error).strip().splitlines() or ["?"])[0])
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            return error_body("head office cannot read its database now; ask again in a minute.")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


async def answer_stock_questions(nc: Any, channels: Channels, answerer: StockAnswerer) -> Any:
    """Subscribe ``answerer`` to every store's question subject; the subscription."""

    async def on_question(message: Any) -> None:
        try:
            if not message.reply:
                return  # a publish, not a request: no one to answer
            body = await asyncio.to_thread(answerer.answer, bytes(message.data))
            if len(body) > nc.max_payload:  # many SKUs times hundreds of stores: NATS would refuse the reply
                body = error_body(f"the answer would be {len(body) // 1024} KiB, more than one message carries"
                                  f" ({nc.max_payload // 1024} KiB); ask about fewer SKUs at once.")
            await message.respond(body)
        except Exception:  # whatever went wrong here must not end the ingest; the store gets a sentence
            log.exception("a stock question on %s went unanswered", message.subject)
            with contextlib.suppress(Exception):
                await message.respond(error_body("head office could not answer (its `pos hq serve` log says"
                                                 " why); ask head office (`pos hq stock SKU`)."))

    # A queue group: with several `pos hq serve` processes, one of them answers each question.
    subscription = await nc.subscribe(channels.all_stock_questions, queue="hq-stock", cb=on_question)
    await nc.flush()  # the server has the subscription before `pos hq serve` says it is ready
    return subscription
