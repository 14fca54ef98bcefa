"""The journal as the outbox: what is still to send, head office's acknowledgement, the fork alarm.

Head office's verified chain head is the only acknowledgement that counts (not the transport's
receipt): the till records it once it has checked that its own journal has the same hash at that
seq. A different hash, a head beyond the journal's end, or an entry head office refused is a fork:
the row's ``fork_*`` columns are set, `pos sync` stops sending, the till keeps selling, and
`pos doctor` fails until someone looks (a tamper, or a store restored from an old backup).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from pos_tui.domain.chain_events import ChainEpochStarted
from pos_tui.domain.errors import PosError
from pos_tui.ledger.database import GENESIS_HASH, Ledger
from pos_tui.ledger.entry import JournalEntry
from pos_tui.ledger.journal import Actor, append, entries_after, format_time, parse_time, store_time
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
    gap_detail: str | None = None

    @property
    def forked(self) -> bool:
        return self.fork_seq is not None

    def fork_sentence(self) -> str:
        return (f"head office's chain and this journal disagree at seq {self.fork_seq} ({self.fork_detail}):"
                " sync has stopped and the till keeps selling; run `pos db verify` and call head office"
                " (a changed journal, or a store restored from an old backup).")


_COLUMNS = "terminal, epoch, acked_seq, acked_hash, acked_at, heard_at, fork_seq, fork_detail, gap_detail"


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
    """Check head office's head against this journal; move the acknowledgement forward or raise the fork,
    written at once (`pos sync` coalesces its writes with a ``HeadRecorder``).

    A head of another epoch is old news (an earlier install) and changes nothing.
    """
    if sync_state(ledger) is None:
        raise PosError("this store has never synced: run `pos sync` first.")
    recorder = HeadRecorder(ledger)
    recorder.take(head, now)
    return recorder.flush()


ACK_WRITE_INTERVAL_S = 2.0  # float-ok: seconds
"""`pos sync` writes a moved acknowledgement to ``chain_sync`` at most this often."""
HEARD_WRITE_INTERVAL_S = 30.0  # float-ok: seconds
"""...and a head that did not move (only "heard from head office now") at most this often: the device
line calls a store offline after 120 s unheard, redemptions after whole minutes."""


class HeadRecorder:
    """Head office's heads as they come to `pos sync`: each checked against the journal at once (a fork
    is raised and written at once, and sync stops), the acknowledgement kept here and written to
    ``chain_sync`` at most once per ``ACK_WRITE_INTERVAL_S`` (``due_in``, ``flush``), so that a worker
    hearing a head per sale does not take the till's write lock and an fsync per sale.

    Nothing is lost by a crash between writes: head office is the truth, and a worker that starts
    again sends from the last written head (head office keeps each entry once) and reads the head
    again. The file lags behind the worker's memory by at most the interval: the device line's
    "N waiting" and verify's ``chain_sync`` witness read it."""

    def __init__(self, ledger: Ledger, *, interval_s: float = ACK_WRITE_INTERVAL_S,  # float-ok: seconds
                 heard_interval_s: float = HEARD_WRITE_INTERVAL_S,  # float-ok: seconds
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ledger = ledger
        self.interval_s = interval_s
        self.heard_interval_s = heard_interval_s
        self.clock = clock
        self.state = _reread(ledger)
        self._written = self.state
        self._last_write: float | None = None  # float-ok: the clock's seconds
        self.writes = 0

    def reload(self) -> SyncState:
        """The state as written, after another step wrote it (a new epoch); call with nothing pending."""
        self.state = self._written = _reread(self.ledger)
        return self.state

    def take(self, head: Head, now: datetime | None = None) -> SyncState:
        """The state with ``head`` heard: the acknowledgement moved in memory, or the fork raised (written)."""
        state = self.state
        if state.forked or head.epoch != state.epoch or head.store != state.store:
            return state
        fork = _fork_of(self.ledger, head)
        if fork is not None:
            self.flush()
            raise_fork(self.ledger, *fork, now)
            return self.reload()
        stamp = format_time(now or datetime.now(UTC))
        if head.seq > state.acked_seq:
            state = replace(state, acked_seq=head.seq, acked_hash=head.hash, acked_at=stamp)
        self.state = replace(state, heard_at=stamp, gap_detail=head.gap or None)
        return self.state

    def due_in(self) -> float | None:  # float-ok: seconds
        """Seconds until the state in memory should be written (0: now); None: the file holds it."""
        state, written = self.state, self._written
        if state == written:
            return None
        if self._last_write is None:
            return 0.0
        moved = (state.acked_seq, state.gap_detail) != (written.acked_seq, written.gap_detail)
        wait = self.interval_s if moved else self.heard_interval_s
        return max(0.0, self._last_write + wait - self.clock())

    def flush(self) -> SyncState:
        """Write what is in memory (a moved acknowledgement, the gap, when head office was heard)."""
        state = self.state
        if state == self._written:
            return state
        with self.ledger.write() as conn:
            conn.execute("UPDATE chain_sync SET heard_at = ?, gap_detail = ?", (state.heard_at, state.gap_detail))
            conn.execute("UPDATE chain_sync SET acked_seq = ?, acked_hash = ?, acked_at = ? WHERE acked_seq < ?",
                         (state.acked_seq, state.acked_hash, state.acked_at, state.acked_seq))
        self._written = state
        self._last_write = self.clock()
        self.writes += 1
        return state


def _fork_of(ledger: Ledger, head: Head) -> tuple[int, str] | None:
    """Where ``head`` and this journal disagree, and how (None: the journal holds the head)."""
    if head.refused is not None:
        return head.refused.seq, f"head office refused the entry: {head.refused.reason}"
    if head.seq > 0:
        row = ledger.conn.execute("SELECT hash FROM journal WHERE seq = ?", (head.seq,)).fetchone()
        if row is None:
            return head.seq, f"head office holds entries up to seq {head.seq}, this journal ends before it"
        if row[0] != head.hash:
            return head.seq, f"head office has hash {head.hash[:12]}…, this journal {row[0][:12]}…"
    return None


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
    line = _progress_line(ledger, state, now)
    return f"{line} · GAP: {state.gap_detail}" if state.gap_detail else line


def _progress_line(ledger: Ledger, state: SyncState, now: datetime | None) -> str:
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


# --- epochs ----------------------------------------------------------------------------------------


def journal_epoch(ledger: Ledger) -> int:
    """The epoch this journal last started (``chain.epoch_started``); 1 before any."""
    row = ledger.conn.execute("SELECT max(epoch) FROM chain_epochs").fetchone()
    return int(row[0]) if row and row[0] is not None else FIRST_EPOCH


def mark_new_epoch(ledger: Ledger, terminal: str | None = None) -> SyncState | None:
    """Say that this file must sync as a new epoch (it was restored, or reinstalled from a backup):
    the next `pos sync` writes the epoch's first event and sends from the last acknowledged entry.

    Clears a fork alarm: a restored journal disagrees with head office by nature, and the new epoch
    keeps its seqs apart. A file that never synced gets its row when ``terminal`` is given (its
    acknowledgement starts at the journal's beginning: head office counts an entry it already holds,
    the same, once)."""
    state = sync_state(ledger)
    if state is None and terminal is None:
        return None
    with ledger.write() as conn:
        if state is None:
            conn.execute("INSERT INTO chain_sync (singleton, terminal, epoch, acked_seq, acked_hash)"
                         " VALUES (1, ?, ?, 0, ?)", (terminal, journal_epoch(ledger) + 1, GENESIS_HASH))
        else:
            conn.execute("UPDATE chain_sync SET epoch = max(epoch, ?) + 1, fork_seq = NULL, fork_detail = NULL,"
                         " fork_at = NULL, gap_detail = NULL", (journal_epoch(ledger),))
        # Where the restored journal ends: `pos sync --pull-gap` is allowed while nothing follows it.
        conn.execute("UPDATE chain_sync SET restored_seq = ?", (ledger.head().seq,))
    return _reread(ledger)


def epoch_due(ledger: Ledger, state: SyncState) -> bool:
    """The file was marked for a new epoch whose first event is not written yet."""
    return state.epoch > journal_epoch(ledger)


def start_epoch(ledger: Ledger, user: str, last_head: Head | None, reason: str = "restore") -> SyncState:
    """Write the new epoch's first event, naming the previous epoch and head office's head in it.

    ``last_head`` is head office's last published head for this terminal (any epoch), read just
    before: the new epoch is above it, so an epoch number is never used twice even when the file was
    restored from a backup taken before an earlier restore. The chain at head office goes on from the
    last entry head office acknowledged to this file (``base_seq``), which it holds with that hash."""
    state = _reread(ledger)
    epoch = state.epoch
    if last_head is not None and last_head.epoch >= epoch:
        epoch = last_head.epoch + 1
    previous = last_head if last_head is not None and last_head.epoch < epoch else None
    event = ChainEpochStarted(
        epoch=epoch,
        previous_epoch=previous.epoch if previous else epoch - 1,
        previous_head_seq=previous.seq if previous else state.acked_seq,
        previous_head_hash=previous.hash if previous else state.acked_hash,
        base_seq=state.acked_seq,
        reason=reason,
    )
    actor = Actor(state.store, state.terminal, user)
    with ledger.write() as conn:
        append(ledger, event, actor)
        conn.execute("UPDATE chain_sync SET epoch = ?, gap_detail = NULL", (epoch,))
    return _reread(ledger)


def epoch_base(ledger: Ledger, epoch: int) -> tuple[int, str]:
    """Where ``epoch``'s chain goes on from at head office: (seq, hash); (0, genesis) for the first."""
    row = ledger.conn.execute("SELECT base_seq FROM chain_epochs WHERE epoch = ?", (epoch,)).fetchone()
    if row is None or row[0] == 0:
        return 0, GENESIS_HASH
    found = ledger.conn.execute("SELECT hash FROM journal WHERE seq = ?", (row[0],)).fetchone()
    return int(row[0]), str(found[0]) if found else GENESIS_HASH
