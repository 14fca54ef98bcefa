"""`pos sync`: send the journal to head office over NATS JetStream until head office's head says it is there.

One loop, in its own process beside the till. It sends the entries after the acknowledged seq, in
order, in batches (``Nats-Msg-Id = store.terminal.epoch.seq``, so a repeat inside JetStream's window
is dropped there, and PostgreSQL's unique key drops the rest), at most ``window`` entries ahead of
head office's head; then it waits for the head to move. A head that does not move within
``ack_timeout_s`` means the line or head office lost something: it sends again from the head. The
head arrives on the head subject as head office publishes it, and is read back from the heads
stream (the last per terminal) whenever the wait times out, so a head published while the line
was down is not missed. A fork stops the loop: the process exits with the alarm's sentence.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from dataclasses import dataclass, field, replace
from typing import Any

from nats.aio.client import Client as NatsClient
from nats.errors import Error as NatsError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import Error as JetStreamError

from pos_tui.domain.errors import PosError
from pos_tui.ledger.database import Ledger
from pos_tui.ledger.journal import Actor
from pos_tui.services.chain import office, outbox
from pos_tui.services.chain.access import NatsAccess
from pos_tui.services.chain.wire import (
    BadMessage,
    Channels,
    Head,
    event_body,
    message_id,
    parse_head,
    parse_office,
)

RECONNECT_WAIT_S = 0.5
TRANSPORT_ERRORS = (NatsError, JetStreamError, asyncio.TimeoutError, OSError)


@dataclass(frozen=True)
class SyncOptions:
    batch: int = 500
    window: int = 5000
    ack_timeout_s: float = 5.0  # float-ok: seconds
    until_synced: bool = False
    """Exit once head office holds the whole journal (a cron job, a test); otherwise run for ever."""
    access: NatsAccess = field(default_factory=NatsAccess)
    """This terminal's key and head office's CA (``access.py``); its inbox is set from the terminal."""
    channels: Channels = field(default_factory=Channels)
    user: str = "system"
    """Who the epoch's first event names, when this run starts one."""


class _Line:
    """The NATS connection, made again whenever it cannot be made or is lost."""

    def __init__(self, url: str, access: NatsAccess) -> None:
        self.url = url
        self.access = access
        self.nc: NatsClient | None = None

    async def connect(self) -> NatsClient:
        """Connected, after as many tries as the line needs; a refusal (a key, a certificate) is raised."""
        while self.nc is None or self.nc.is_closed:
            try:
                self.nc = await self.access.connect(
                    self.url, connect_timeout=2, max_reconnect_attempts=-1, reconnect_time_wait=RECONNECT_WAIT_S,
                    allow_reconnect=True, name="pos sync",
                )
            except TRANSPORT_ERRORS:
                await asyncio.sleep(RECONNECT_WAIT_S)
        return self.nc


async def run_sync(ledger: Ledger, url: str, terminal: str, options: SyncOptions = SyncOptions()) -> outbox.SyncState:
    state = outbox.sync_state(ledger, terminal)
    assert state is not None
    if state.forked:
        raise outbox.ChainForked(state.fork_sentence())
    store, terminal = state.store, state.terminal
    access = replace(options.access, inbox=options.channels.inbox(store, terminal))
    line = _Line(url, access)
    nc = await line.connect()
    js = nc.jetstream()
    moved = asyncio.Event()
    channels = options.channels
    # Each head is checked against the journal as it comes (a fork stops sync at once); the
    # acknowledgement is written to the till's file at most every ACK_WRITE_INTERVAL_S, not per head.
    recorder = outbox.HeadRecorder(ledger)
    loop = asyncio.get_running_loop()
    write_timer: asyncio.TimerHandle | None = None

    def write_when_due() -> None:
        nonlocal write_timer
        write_timer = None
        due = recorder.due_in()
        if due is not None and due <= 0:
            recorder.flush()
            due = recorder.due_in()
        if due is not None:
            write_timer = loop.call_later(due, write_when_due)

    async def on_head(msg: object) -> None:
        data = getattr(msg, "data", b"")
        with contextlib.suppress(ValueError, KeyError, TypeError):
            recorder.take(parse_head(data))
            if write_timer is None:
                write_when_due()
        moved.set()

    async def read_last_head() -> Head | None:
        with contextlib.suppress(*TRANSPORT_ERRORS):
            # A direct get names the subject it reads, so a terminal's permission can be this one subject.
            last = await js.get_last_msg(channels.heads_stream, channels.head_subject(store, terminal), direct=True)
            if last.data:
                await on_head(last)
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    return parse_head(last.data)
        return None

    await nc.subscribe(channels.head_subject(store, terminal), cb=on_head)
    last_head = await read_last_head()
    state = recorder.flush()
    if outbox.epoch_due(ledger, state):
        # A restored file: its first event of the new epoch, above every epoch head office has seen.
        outbox.start_epoch(ledger, options.user, last_head)
        state = recorder.reload()
    epoch = state.epoch
    base_seq, base_hash = outbox.epoch_base(ledger, epoch)
    actor = Actor(store, terminal, options.user)
    office_sub: Any = None

    async def take_office_events(wait_s: float) -> int:  # float-ok: seconds
        """Apply head office's events that have come (in its order, each once); how many came."""
        nonlocal office_sub
        try:
            if office_sub is None:
                # Every head-office event for all stores or this one (this store's copy holds those only),
                # from the start: each applies once by head office's seq, so reading one again changes nothing.
                office_sub = await js.pull_subscribe(
                    "", stream=channels.store_office_stream(store),
                    config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE,
                                          inactive_threshold=60.0))
            messages = await office_sub.fetch(500, timeout=wait_s)
        except TRANSPORT_ERRORS:
            return 0
        for message in messages:
            with contextlib.suppress(BadMessage):
                office.apply(ledger, actor, parse_office(message.data))
        return len(messages)

    async def drain_office() -> None:
        while await take_office_events(1.0):
            pass
    subject = channels.event_subject(store, terminal)
    sent_upto = state.acked_seq
    try:
        while True:
            state = recorder.state
            if state.forked:
                raise outbox.ChainForked(state.fork_sentence())
            local = ledger.head().seq
            if options.until_synced and state.acked_seq >= local:
                await drain_office()
                if ledger.head().seq == local:
                    return recorder.flush()
                continue  # head office's events became entries of this journal: send them too
            sent_upto = max(sent_upto, state.acked_seq)
            if sent_upto < local and sent_upto - state.acked_seq < options.window:
                entries = outbox.pending_entries(ledger, sent_upto, options.batch)
                try:
                    await asyncio.gather(*(
                        js.publish(subject, event_body(store, terminal, epoch, entry, base_seq, base_hash),
                                   headers={"Nats-Msg-Id": message_id(store, terminal, epoch, entry.seq)},
                                   timeout=options.ack_timeout_s)
                        for entry in entries
                    ))
                except TRANSPORT_ERRORS:
                    # Offline, or JetStream did not answer: send again from head office's head.
                    sent_upto = state.acked_seq
                    await asyncio.sleep(RECONNECT_WAIT_S)
                    continue
                sent_upto = entries[-1].seq
                continue
            if await take_office_events(0.1):
                continue
            moved.clear()
            waiting_for_head = sent_upto > state.acked_seq
            try:
                await asyncio.wait_for(moved.wait(), options.ack_timeout_s if waiting_for_head else 1.0)
            except TimeoutError:
                await read_last_head()
                if waiting_for_head and recorder.state.acked_seq == state.acked_seq:
                    sent_upto = state.acked_seq
    finally:
        if write_timer is not None:
            write_timer.cancel()
        # The last head heard, kept; a write that fails here must not hide why the loop ended (a fork's
        # exit status): head office holds the head, and the next run reads it again.
        with contextlib.suppress(sqlite3.Error, PosError):
            recorder.flush()
        with contextlib.suppress(*TRANSPORT_ERRORS):
            await nc.close()
