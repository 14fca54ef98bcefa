"""`pos sync`'s head recorder: every head checked at once, the acknowledgement written to the till's file at
most once per interval (a burst of heads is one write), a fork written at once, and a crash between
writes loses nothing that head office does not still hold. The real store file; the recorder's clock is
a number the test moves."""

from __future__ import annotations

from pathlib import Path

from pos_tui.ledger.database import open_ledger
from pos_tui.services.chain import outbox
from pos_tui.services.chain.wire import Head
from tests.chain.conftest import sell
from tests.conftest import TEA_BARCODE, make_store


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _written(db: Path) -> outbox.SyncState:
    ledger = open_ledger(db, read_only=True)
    try:
        state = outbox.sync_state(ledger)
    finally:
        ledger.close()
    assert state is not None
    return state


def test_a_burst_of_heads_is_one_write_per_interval_and_a_fork_is_written_at_once(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    session = make_store(db)
    ledger = session.ledger
    state = outbox.sync_state(ledger, "T1")
    assert state is not None
    heads = []
    for _ in range(5):
        sell(session, TEA_BARCODE, 50_000)
        head = ledger.head()
        heads.append(Head(state.store, "T1", 1, head.seq, head.hash))
    clock = Clock()
    recorder = outbox.HeadRecorder(ledger, interval_s=2.0, heard_interval_s=30.0, clock=clock)
    recorder.take(heads[0])
    assert recorder.due_in() == 0.0  # the first head after a quiet spell is written at once
    recorder.flush()
    assert _written(db).acked_seq == heads[0].seq
    for head in heads[1:4]:
        recorder.take(head)
        clock.now += 0.5
    assert recorder.state.acked_seq == heads[3].seq  # the worker goes on from its memory
    assert _written(db).acked_seq == heads[0].seq  # the file waits for the interval
    assert recorder.due_in() == 0.5
    clock.now += 0.5
    recorder.flush()
    assert _written(db).acked_seq == heads[3].seq and recorder.writes == 2
    recorder.take(heads[3])  # heard again, not moved: written only after the longer interval
    assert recorder.due_in() == 30.0
    # A head this journal does not hold: the fork is written at once, with the pending acknowledgement.
    recorder.take(heads[4])
    forged = Head(state.store, "T1", 1, heads[4].seq, "0" * 64)
    recorder.take(forged)
    written = _written(db)
    assert written.forked and written.fork_seq == heads[4].seq and written.acked_seq == heads[4].seq
    assert recorder.state.forked and recorder.due_in() is None
    session.close()


def test_a_crash_between_writes_leaves_the_last_written_head_and_the_next_run_goes_on(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    session = make_store(db)
    ledger = session.ledger
    state = outbox.sync_state(ledger, "T1")
    assert state is not None
    sell(session, TEA_BARCODE, 50_000)
    first = ledger.head()
    sell(session, TEA_BARCODE, 50_000)
    second = ledger.head()
    clock = Clock()
    recorder = outbox.HeadRecorder(ledger, clock=clock)
    recorder.take(Head(state.store, "T1", 1, first.seq, first.hash))
    recorder.flush()
    recorder.take(Head(state.store, "T1", 1, second.seq, second.hash))
    del recorder  # killed before its next write
    assert _written(db).acked_seq == first.seq  # sent again from here: head office keeps each entry once
    again = outbox.HeadRecorder(ledger, clock=clock)
    assert again.state.acked_seq == first.seq
    again.take(Head(state.store, "T1", 1, second.seq, second.hash))  # head office's head, read on restart
    again.flush()
    assert _written(db).acked_seq == second.seq
    session.close()
