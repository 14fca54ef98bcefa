"""The journal as the outbox: what is still to send, head office's acknowledgement, the fork alarm.

Head office's verified chain head is the only acknowledgement that counts (not the transport's
receipt): the till records it once it has checked that its own journal has the same hash at that
seq. A different hash, a head beyond the journal's end, or an entry head office refused is a fork:
the row's ``fork_*`` columns are set, `pos sync` stops sending, the till keeps selling, and
`pos doctor` fails until someone looks (a tamper, or a store restored from an old backup).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pos_tui.domain.errors import PosError
from pos_tui.ledger.database import GENESIS_HASH, Ledger
from pos_tui.ledger.entry import JournalEntry
from pos_tui.ledger.journal import entries_after, format_time, parse_time, store_time
from pos_tui.services.chain.wire import Head

FIRST_EPOCH = 1


class ChainForked(PosError):
    """Head office's chain and this journal disagree: sync stops until someone looks."""


@dataclass(frozen=True)
class SyncState:
    store: str
    terminal: str
    epoch: int
    acked_seq: int
    acked_hash: str
    acked_at: str | None
    heard_at: str | None
    fork_seq: int | None
    fork_detail: str | None

    @property
    def forked(self) -> bool:
        return self.fork_seq is not None

    def fork_sentence(self) -> str:
        return (f"head office's chain and this journal disagree at seq {self.fork_seq} ({self.fork_detail}):"
                " sync has stopped and the till keeps selling; run `pos db verify` and call head office"
                " (a changed journal, or a store restored from an old backup).")


_COLUMNS = "terminal, epoch, acked_seq, acked_hash, acked_at, heard_at, fork_seq, fork_detail"


def sync_state(ledger: Ledger, terminal: str | None = None) -> SyncState | None:
    """The store's sync state, made on first use when ``terminal`` is given (None: never synced)."""
    store = ledger.store_info().store_id
    row = ledger.conn.execute(f"SELECT {_COLUMNS} FROM chain_sync").fetchone()
    if row is None and terminal is not None:
        with ledger.write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO chain_sync (singleton, terminal, epoch, acked_seq, acked_hash)"
                " VALUES (1, ?, ?, 0, ?)",
                (terminal, FIRST_EPOCH, GENESIS_HASH),
            )
        row = ledger.conn.execute(f"SELECT {_COLUMNS} FROM chain_sync").fetchone()
    return None if row is None else SyncState(store, *row)


def pending_entries(ledger: Ledger, after_seq: int, limit: int) -> list[JournalEntry]:
    """Up to ``limit`` journal entries after ``after_seq``, in order, with their postings."""
    out: list[JournalEntry] = []
    for entry in entries_after(ledger, after_seq, batch=min(limit, 2000)):
        out.append(entry)
        if len(out) >= limit:
            break
    return out


def raise_fork(ledger: Ledger, seq: int, detail: str, now: datetime | None = None) -> None:
    with ledger.write() as conn:
        conn.execute("UPDATE chain_sync SET fork_seq = ?, fork_detail = ?, fork_at = ? WHERE fork_seq IS NULL",
                     (seq, detail, format_time(now or datetime.now(UTC))))


def record_head(ledger: Ledger, head: Head, now: datetime | None = None) -> SyncState:
    """Check head office's head against this journal; move the acknowledgement forward or raise the fork.

    A head of another epoch is old news (an earlier install) and changes nothing.
    """
    state = sync_state(ledger)
    if state is None or state.forked or head.epoch != state.epoch or head.store != state.store:
        if state is None:
            raise PosError("this store has never synced: run `pos sync` first.")
        return state
    stamp = format_time(now or datetime.now(UTC))
    if head.refused is not None:
        raise_fork(ledger, head.refused.seq, f"head office refused the entry: {head.refused.reason}", now)
        return _reread(ledger)
    if head.seq > 0:
        row = ledger.conn.execute("SELECT hash FROM journal WHERE seq = ?", (head.seq,)).fetchone()
        if row is None:
            raise_fork(ledger, head.seq, f"head office holds entries up to seq {head.seq}, this journal ends before it",
                       now)
            return _reread(ledger)
        if row[0] != head.hash:
            raise_fork(ledger, head.seq, f"head office has hash {head.hash[:12]}…, this journal {row[0][:12]}…", now)
            return _reread(ledger)
    with ledger.write() as conn:
        conn.execute("UPDATE chain_sync SET heard_at = ?", (stamp,))
        conn.execute("UPDATE chain_sync SET acked_seq = ?, acked_hash = ?, acked_at = ? WHERE acked_seq < ?",
                     (head.seq, head.hash, stamp, head.seq))
    return _reread(ledger)


def _reread(ledger: Ledger) -> SyncState:
    state = sync_state(ledger)
    assert state is not None
    return state


def waiting(ledger: Ledger, state: SyncState | None) -> int:
    return ledger.head().seq - (state.acked_seq if state else 0)


def sync_line(ledger: Ledger, now: datetime | None = None) -> str:
    """The till's device line for the chain: "synced 14:02 · 0 waiting", "offline 2 h · 312 waiting",
    "FORK at seq 41 · sync stopped", or "" for a store that has never synced (not in a chain)."""
    state = sync_state(ledger)
    if state is None:
        return ""
    if state.forked:
        return f"FORK at seq {state.fork_seq} · sync stopped"
    count = waiting(ledger, state)
    if state.acked_at is None:
        return f"not synced yet · {count} waiting"
    now = now or datetime.now(UTC)
    heard = parse_time(state.heard_at or state.acked_at)
    if count == 0 or (now - heard).total_seconds() < 120:
        local = store_time(parse_time(state.acked_at), ledger.store_info().timezone)
        return f"synced {local:%H:%M} · {count} waiting"
    hours = int((now - heard).total_seconds() // 3600)
    gone = f"{hours} h" if hours else f"{int((now - heard).total_seconds() // 60)} min"
    return f"offline {gone} · {count} waiting"
