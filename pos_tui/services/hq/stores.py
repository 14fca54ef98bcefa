"""Registering a store and its terminals at head office, with each terminal's NATS key.

Each terminal gets its own nkey: the seed is handed out once (`pos hq store add` prints it or writes
it to a file only its owner reads) and only the public key is kept, in ``hq_terminals.nkey``. What
the key may do on NATS is in ``authorization.py`` (`pos hq nats-config`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import psycopg

from pos_tui.domain.errors import InvalidInput, NotFound
from pos_tui.services.hq.authorization import new_user_key
from pos_tui.services.hq.ingest import EpochGap, epoch_gap

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class TerminalCredentials:
    store: str
    terminal: str
    seed: str
    """The terminal's nkey seed (SU...): shown this once, never stored at head office."""
    public_key: str

    @property
    def file_name(self) -> str:
        return f"{self.store}.{self.terminal}.nk"


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
            key = new_user_key()
            inserted = conn.execute(
                "INSERT INTO hq_terminals (store, terminal, nats_user, nkey) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                (store, terminal, f"{store}.{terminal}", key.public),
            ).rowcount
            if not inserted:
                raise InvalidInput(f"terminal {terminal} of store {store} is registered already; nothing was added."
                                   " `pos hq store rekey` gives it a new key.")
            out.append(TerminalCredentials(store, terminal, key.seed, key.public))
    return out


def rekey(conn: psycopg.Connection[Any], store: str, terminal: str) -> TerminalCredentials:
    """A new key for a registered terminal (its old one lost, or a password from before nkeys); the old
    key stops working at the next `pos hq nats-config` and reload."""
    key = new_user_key()
    with conn.transaction():
        changed = conn.execute("UPDATE hq_terminals SET nkey = %s, password_sha256 = NULL"
                               " WHERE store = %s AND terminal = %s", (key.public, store, terminal)).rowcount
    if not changed:
        raise NotFound(f"terminal {terminal} of store {store} is not registered: `pos hq store add` registers it.")
    return TerminalCredentials(store, terminal, key.seed, key.public)


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
