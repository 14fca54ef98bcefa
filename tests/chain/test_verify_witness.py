"""Head office's verified head as a witness for `pos db verify` at the till: a journal re-hashed after it
synced (a forgery the chain alone cannot see) fails verify naming head office's head; an untouched one
passes with head office agreeing; head office out of reach leaves one sentence, and verify passes on its
own checks. Real PostgreSQL, NATS, `pos hq serve`, `pos sync` and `pos db verify` processes."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

from pos_tui.config import Settings
from pos_tui.services.chain import outbox
from pos_tui.services.session import open_session
from tests.chain.conftest import HeadOffice, pos, sell
from tests.chain.helpers import sync_state
from tests.conftest import TEA_BARCODE, make_store
from tests.forgeries import change_past_entry, journal_of
from tests.support.chain_servers import BLACKHOLE, NatsServer, TcpProxy

HEAD_OFFICE = "head office's head for terminal T1 (epoch 1)"


def _rename_first_line(payload: dict[str, object]) -> None:
    """A change the sale's own arithmetic cannot see: its first line's name."""
    lines = payload["lines"]
    assert isinstance(lines, list)
    lines[0]["name"] = "Forged Tea"


def _synced_till(hq: HeadOffice, db: Path) -> tuple[int, str]:
    """A till with two sales, synced: head office's head (seq, hash), which is the journal's."""
    store = make_store(db)
    hq.add_store(store)
    sell(store, f"3*{TEA_BARCODE}", 150_000)
    sell(store, TEA_BARCODE, 50_000)
    hq.serve()
    assert hq.sync(db).returncode == 0
    head = store.ledger.head()
    store.close()
    state = sync_state(db)
    assert state is not None and (state.acked_seq, state.acked_hash) == (head.seq, head.hash)
    return head.seq, head.hash


def _first_sale(db: Path) -> int:
    return next(entry.seq for entry in journal_of(db) if entry.kind == "sale.completed")


def _verify(hq: HeadOffice, db: Path, *options: str, nats_url: str | None = None) -> tuple[int, str]:
    done = pos("db", "verify", "--db", str(db), "--nats", nats_url or hq.nats_url, *options, env=hq.env())
    return done.returncode, done.stdout + done.stderr


def _chain_sync_row(db: Path) -> tuple[object, ...]:
    with sqlite3.connect(db) as conn:
        return tuple(conn.execute("SELECT * FROM chain_sync").fetchone())


def _put_back_chain_sync(db: Path, row: tuple[object, ...], *, acked_hash: str | None = None) -> None:
    """The forger's last step: ``chain_sync`` as it was (the forged file was replayed fresh), its recorded
    head re-pointed at the forged hash when ``acked_hash`` is given (a forger who knows of it)."""
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM chain_sync")
        conn.execute(f"INSERT INTO chain_sync VALUES ({', '.join('?' * len(row))})", row)
        if acked_hash is not None:
            conn.execute("UPDATE chain_sync SET acked_hash = ?", (acked_hash,))


def test_an_untouched_synced_journal_passes_with_head_office_agreeing(hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    seq, head_hash = _synced_till(hq, db)
    code, said = _verify(hq, db)
    assert code == 0, said
    assert f"{HEAD_OFFICE} certified seq {seq} as {head_hash[:16]}...: the journal agrees." in said
    assert "the head `pos sync` recorded (chain_sync, in this file) certified" in said
    assert "not checked" not in said


def test_a_journal_rehashed_after_it_synced_fails_verify_naming_head_offices_head(
        hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    seq, head_hash = _synced_till(hq, db)
    row = _chain_sync_row(db)
    change_past_entry(db, _first_sale(db), _rename_first_line)  # every later hash recomputed
    forged_head = journal_of(db)[-1]
    assert forged_head.seq == seq and forged_head.hash != head_hash
    _put_back_chain_sync(db, row, acked_hash=forged_head.hash)  # the file's own record agrees with the forgery
    # The journal alone and every witness in the file agree with the forgery.
    code, said = _verify(hq, db, "--offline")
    assert code == 0, said
    assert "head office's head was not checked: --offline." in said
    code, said = _verify(hq, db)
    assert code == 1, said
    assert f"FAIL: {HEAD_OFFICE} certified seq {seq} as {head_hash[:16]}..., the journal has {forged_head.hash[:16]}" \
        in said


def test_a_forgery_that_left_the_recorded_head_alone_is_caught_by_it_even_offline(
        hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    seq, head_hash = _synced_till(hq, db)
    row = _chain_sync_row(db)
    change_past_entry(db, _first_sale(db), _rename_first_line)
    _put_back_chain_sync(db, row)
    code, said = _verify(hq, db, "--offline")
    assert code == 1, said
    assert f"FAIL: the head `pos sync` recorded (chain_sync, in this file) certified seq {seq} as {head_hash[:16]}" \
        in said


def test_a_forgery_that_dropped_the_sync_row_is_still_checked_against_head_office(
        hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    seq, head_hash = _synced_till(hq, db)
    change_past_entry(db, _first_sale(db), _rename_first_line)  # a fresh file: no chain_sync row
    assert sync_state(db) is None
    code, said = _verify(hq, db)  # --nats names head office: the store is in a chain all the same
    assert code == 1, said
    assert f"FAIL: {HEAD_OFFICE} certified seq {seq} as {head_hash[:16]}" in said


def test_head_office_out_of_reach_leaves_one_sentence_and_verify_passes(
        hq: HeadOffice, nats: NatsServer, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    _synced_till(hq, db)
    line = TcpProxy(nats.port)
    try:
        line.set_mode(BLACKHOLE)
        code, said = _verify(hq, db, nats_url=line.url)
    finally:
        line.close()
    assert code == 0, said
    notes = [text for text in said.splitlines() if "head office's head was not checked" in text]
    assert notes == [f"  note: head office's head was not checked: {line.url} did not answer within 3 s"
                     " (offline?); the journal's own checks and the other witnesses stand."]
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed = f"nats://127.0.0.1:{unused.getsockname()[1]}"
    code, said = _verify(hq, db, nats_url=closed)  # nothing listens there: refused
    assert code == 0, said
    assert f"head office's head was not checked: {closed} did not answer within 3 s" in said


def test_a_store_not_in_a_chain_says_head_office_was_not_asked(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    make_store(db).close()
    done = pos("db", "verify", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert ("note: head office's head was not checked: this store is not in a chain (it never synced, and no"
            " [chain] url or credentials are set).") in done.stdout


def test_a_new_epochs_head_is_compared_with_this_epochs_entries(hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    _synced_till(hq, db)
    assert hq.sync(db, None, "--new-epoch").returncode == 0  # as after a restore: epoch 2 goes on from the head
    head = journal_of(db)[-1]
    assert head.kind == "chain.epoch_started"
    code, said = _verify(hq, db)
    assert code == 0, said
    assert f"head office's head for terminal T1 (epoch 2) certified seq {head.seq} as {head.hash[:16]}...: the" \
        " journal agrees." in said


def test_a_head_of_an_earlier_epoch_is_not_compared_and_verify_says_so(hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    _synced_till(hq, db)
    restored = open_session(Settings(), db, username="admin")  # a restore's new epoch, not synced yet
    outbox.mark_new_epoch(restored.ledger)
    outbox.start_epoch(restored.ledger, "admin", None)
    restored.close()
    code, said = _verify(hq, db)
    assert code == 0, said
    assert ("note: head office's head was not checked: its head for terminal T1 is of epoch 1 and this journal"
            " is in epoch 2; a head vouches only for its own epoch's entries.") in said
