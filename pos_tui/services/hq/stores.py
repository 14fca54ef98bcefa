"""Registering a store and its terminals at head office, with each terminal's NATS credentials.

Each terminal gets its own NATS user, allowed to publish only its own event subject and to read only
its own head (``authorization`` below, for head office's nats-server configuration). The password is
printed once and only its SHA-256 is kept.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field, replace
from typing import Any

import psycopg

from pos_tui.domain.errors import InvalidInput
from pos_tui.services.chain.wire import Channels
from pos_tui.services.hq.ingest import EpochGap, epoch_gap

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class TerminalCredentials:
    store: str
    terminal: str
    user: str
    password: str
    channels: Channels = field(default_factory=Channels)

    def nats_user_block(self) -> str:
        """This terminal's entry for the `authorization { users = [...] }` of head office's nats-server."""
        channels = self.channels
        # Head office's events: a consumer of the office stream (its filters are this store's subject
        # and the all-stores one; NATS cannot hold a two-filter consumer to them, see docs).
        publish = (f'"{channels.event_subject(self.store, self.terminal)}",'
                   f' "$JS.API.STREAM.MSG.GET.{channels.heads_stream}",'
                   f' "$JS.API.CONSUMER.CREATE.{channels.office_stream}.>",'
                   f' "$JS.API.CONSUMER.MSG.NEXT.{channels.office_stream}.>"')
        subscribe = f'"{channels.head_subject(self.store, self.terminal)}", "_INBOX.>"'
        return (f'{{ user: "{self.user}", password: "{self.password}", permissions: {{'
                f' publish: [{publish}], subscribe: [{subscribe}] }} }}')


def add_store(conn: psycopg.Connection[Any], store: str, name: str, terminals: list[str]) -> list[TerminalCredentials]:
    """Register ``store`` (its id, as `pos status` shows it) and ``terminals``; their new credentials.
    Adding a terminal to a registered store is allowed; a terminal registered already is refused."""
    for value, what in [(store, "store id"), *((t, "terminal id") for t in terminals)]:
        if not _ID.match(value):
            raise InvalidInput(f"{what} {value!r} must be 1 to 64 letters, digits, - or _.")
    if not terminals:
        raise InvalidInput("name at least one terminal: --terminal T1.")
    out = []
    with conn.transaction():
        conn.execute("INSERT INTO hq_stores (store, name) VALUES (%s, %s) ON CONFLICT (store) DO NOTHING",
                     (store, name))
        for terminal in terminals:
            password = secrets.token_urlsafe(24)
            user = f"{store}.{terminal}"
            inserted = conn.execute(
                "INSERT INTO hq_terminals (store, terminal, nats_user, password_sha256) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                (store, terminal, user, hashlib.sha256(password.encode()).hexdigest()),
            ).rowcount
            if not inserted:
                raise InvalidInput(f"terminal {terminal} of store {store} is registered already; nothing was added.")
            out.append(TerminalCredentials(store, terminal, user, password))
    return out


@dataclass(frozen=True)
class TerminalState:
    """A terminal as head office sees it: its verified head, when it last moved, its last refusal."""

    store: str
    name: str
    terminal: str
    epoch: int | None
    head_seq: int
    moved_at: str
    refused_seq: int | None
    refused_reason: str
    gap: str = ""
    """What head office holds of the terminal's previous epoch that its journal lacks (a restore)."""
    gap_acknowledged: bool = False

    @property
    def gap_alarm(self) -> bool:
        return bool(self.gap) and not self.gap_acknowledged

    @property
    def alarm(self) -> bool:
        return self.refused_seq is not None


def terminal_states(conn: psycopg.Connection[Any]) -> list[TerminalState]:
    rows = conn.execute(
        "SELECT s.store, s.name, t.terminal, h.epoch, coalesce(h.seq, 0),"
        " coalesce(to_char(h.moved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), 'never'), r.seq,"
        " coalesce(r.reason, '')"
        " FROM hq_stores s JOIN hq_terminals t USING (store)"
        " LEFT JOIN LATERAL (SELECT * FROM hq_heads h WHERE h.store = t.store AND h.terminal = t.terminal"
        "   ORDER BY epoch DESC LIMIT 1) h ON TRUE"
        " LEFT JOIN LATERAL (SELECT * FROM hq_refusals r WHERE r.store = t.store AND r.terminal = t.terminal"
        "   AND r.epoch = coalesce(h.epoch, 1) ORDER BY refused_at DESC, seq DESC LIMIT 1) r ON TRUE"
        " ORDER BY s.store, t.terminal"
    ).fetchall()
    states = []
    with conn.cursor() as cur:
        for row in rows:
            state = TerminalState(*row)
            if state.epoch is not None and state.epoch > 1:
                gap = epoch_gap(cur, (state.store, state.terminal, state.epoch))
                cur.execute("SELECT entries FROM hq_gap_acks WHERE store = %s AND terminal = %s AND epoch = %s",
                            (state.store, state.terminal, state.epoch))
                acked = cur.fetchone()
                known = acked is not None and acked[0] >= gap.entries
                state = replace(state, gap=gap.sentence(), gap_acknowledged=known)
            states.append(state)
    return states


def acknowledge_gap(conn: psycopg.Connection[Any], store: str, terminal: str, note: str) -> EpochGap:
    """Record that the gap of ``terminal``'s current epoch is known and stays: head office keeps counting
    those sales (they happened), the restored till's books lack them. Refused when there is no gap."""
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT max(epoch) FROM hq_heads WHERE store = %s AND terminal = %s", (store, terminal))
        row = cur.fetchone()
        epoch = row[0] if row and row[0] is not None else None
        gap = epoch_gap(cur, (store, terminal, epoch)) if epoch is not None else None
        if gap is None or not gap.entries:
            raise InvalidInput(f"terminal {terminal} of store {store} has no gap at head office: nothing to"
                               " acknowledge. `pos hq store list` shows each terminal's.")
        cur.execute("INSERT INTO hq_gap_acks (store, terminal, epoch, entries, note) VALUES (%s, %s, %s, %s, %s)"
                    " ON CONFLICT (store, terminal, epoch) DO UPDATE SET entries = EXCLUDED.entries,"
                    " note = EXCLUDED.note, acknowledged_at = now()", (store, terminal, epoch, gap.entries, note))
    return gap
