"""`pos hq serve`: the ingest consumer. Pulls the stores' events from JetStream in batches, ingests
each batch in one PostgreSQL transaction (``ingest``), then publishes the heads it moved, then
acknowledges the messages. A crash before the commit leaves nothing and JetStream redelivers after
``ack_wait``; a crash after it redelivers messages whose rows are there already, which insert nothing.
Beside that loop it answers the stores' stock questions (``answers.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import ConsumerConfig, StorageType, StreamSource, SubjectTransform
from nats.js.errors import BadRequestError

from pos_tui.services.chain.access import NatsAccess
from pos_tui.services.chain.wire import DEDUP_WINDOW_S, OFFICE_ALL, BadMessage, ChainEvent, Channels, parse_event
from pos_tui.services.hq import office
from pos_tui.services.hq.answers import StockAnswerer, answer_stock_questions
from pos_tui.services.hq.gap import GapResponder
from pos_tui.services.hq.ingest import ingest
from pos_tui.services.hq.schema import require_current

log = logging.getLogger("pos.hq")
CONSUMER = "hq-ingest"


@dataclass(frozen=True)
class ServeOptions:
    batch: int = 1000
    ack_wait_s: float = 30.0  # float-ok: seconds
    channels: Channels = field(default_factory=Channels)
    access: NatsAccess = field(default_factory=NatsAccess)


async def ensure_streams(js: Any, channels: Channels) -> None:
    """The events stream (deduplicated by Nats-Msg-Id) and the heads stream (the last head per terminal)."""
    configs = [
        dict(name=channels.events_stream, subjects=[channels.all_events], duplicate_window=DEDUP_WINDOW_S,
             storage=StorageType.FILE),
        dict(name=channels.heads_stream, subjects=[channels.all_heads], max_msgs_per_subject=1,
             storage=StorageType.FILE, allow_direct=True),
        # Head office's own chain, kept whole: a store that was away reads it from where it stopped.
        dict(name=channels.office_stream, subjects=[channels.all_office], duplicate_window=DEDUP_WINDOW_S,
             storage=StorageType.FILE),
    ]
    for config in configs:
        try:
            await js.add_stream(**config)
        except BadRequestError:  # there already, with other settings: bring them to ours
            await js.update_stream(**config)


async def ensure_store_streams(js: Any, channels: Channels, stores: list[str]) -> None:
    """Each store's copy of head office's events: the all-stores subject and the store's own, sourced
    from the office stream by NATS in its order. A terminal may read only its store's copy."""
    for store in stores:
        subjects = [channels.office_subject(OFFICE_ALL), channels.office_subject(store)]
        config = dict(name=channels.store_office_stream(store), storage=StorageType.FILE, sources=[StreamSource(
            name=channels.office_stream, subject_transforms=[SubjectTransform(src=s, dest=s) for s in subjects])])
        try:
            await js.add_stream(**config)
        except BadRequestError:
            await js.update_stream(**config)


def _registered_stores(pg: psycopg.Connection[Any]) -> list[str]:
    return [str(row[0]) for row in pg.execute("SELECT store FROM hq_stores ORDER BY store").fetchall()]


async def serve(nats_url: str, pg_url: str, options: ServeOptions = ServeOptions(),
                stop: asyncio.Event | None = None, on_ready: Callable[[], None] | None = None) -> None:
    pg = psycopg.connect(pg_url, autocommit=True)
    require_current(pg)
    nc = await options.access.connect(nats_url, max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                                      name="pos hq serve")
    js = nc.jetstream()
    channels = options.channels
    await ensure_streams(js, channels)
    stores = _registered_stores(pg)
    await ensure_store_streams(js, channels, stores)
    subscription = await js.pull_subscribe(
        channels.all_events, durable=CONSUMER, stream=channels.events_stream,
        config=ConsumerConfig(ack_wait=options.ack_wait_s, max_ack_pending=-1),
    )
    answerer = StockAnswerer(pg_url)  # the stores' stock questions, beside the ingest
    gap = GapResponder(pg_url, channels)  # restored tills pulling their gap back (`pos sync --pull-gap`)
    try:
        await answer_stock_questions(nc, channels, answerer)
        await gap.start(nc)
        if on_ready is not None:
            on_ready()
        while stop is None or not stop.is_set():
            registered = _registered_stores(pg)
            if registered != stores:  # a store added while serving gets its copy of head office's events
                await ensure_store_streams(js, channels, sorted(set(registered) - set(stores)))
                stores = registered
            await _publish_office(js, pg, channels)
            try:
                messages = await subscription.fetch(options.batch, timeout=1.0)
            except (TimeoutError, NatsTimeout):
                continue
            await _ingest_and_answer(js, pg, channels, messages)
    finally:
        with contextlib.suppress(Exception):
            await gap.close()
        with contextlib.suppress(Exception):
            await nc.close()
        answerer.close()
        pg.close()


async def _publish_office(js: Any, pg: psycopg.Connection[Any], channels: Channels) -> None:
    """Head office's own events not yet published, in seq order, each with its seq as the message id
    (a crash between the publish and the mark publishes again, and JetStream drops the repeat)."""
    events = office.unpublished(pg)
    for event in events:
        await js.publish(channels.office_subject(event.target), event.body(),
                         headers={"Nats-Msg-Id": f"office.{event.seq}"})
    if events:
        office.mark_published(pg, events[-1].seq)


async def _ingest_and_answer(js: Any, pg: psycopg.Connection[Any], channels: Channels, messages: list[Any]) -> None:
    events: list[ChainEvent] = []
    for message in messages:
        try:
            event = parse_event(message.data)
        except BadMessage as error:
            log.warning("dropped a message on %s: %s", message.subject, error)
            continue
        # The subject is what NATS lets each terminal publish on: the body may not claim another chain.
        if message.subject != channels.event_subject(event.store, event.terminal):
            log.warning("dropped %s seq %d sent on %s", event.store, event.seq, message.subject)
            continue
        events.append(event)
    result = ingest(pg, events)
    for head in result.heads.values():
        await js.publish(channels.head_subject(head.store, head.terminal), head.body())
    for message in messages:
        await message.ack()
    for key, refusal in result.refused:
        log.warning("refused %s seq %d: %s", ".".join(map(str, key)), refusal.seq, refusal.reason)
