"""Scenario 6: a till restored from an old backup syncs as a new epoch; head office keeps the seqs of
each epoch apart, counts an entry it already holds once, and reports the gap (what it holds that the
restored till lacks) until an admin acknowledges it. Real `pos backup create/restore`, PostgreSQL, NATS."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import psycopg

from pos_tui.config import Settings
from pos_tui.ledger.database import open_ledger
from pos_tui.services.chain.wire import ChainEvent
from pos_tui.services.hq import schema, stores
from pos_tui.services.hq.ingest import epoch_gap, ingest
from pos_tui.services.session import open_session
from tests.backup.till_setup import set_up_till
from tests.chain.conftest import HeadOffice, pos, sell
from tests.chain.helpers import sync_state
from tests.conftest import MILK, MILK_BARCODE, TEA, TEA_BARCODE, assert_verifies, make_store
from tests.forgeries import copy_store, journal_of
from tests.support.chain_servers import PostgresCluster


def _epochs(hq: HeadOffice, store_id: str) -> list[tuple[int, int, int]]:
    return [tuple(row) for row in hq.query(  # type: ignore[misc]
        "SELECT epoch, base_seq, seq FROM hq_heads WHERE store = %s ORDER BY epoch", store_id)]


def test_a_till_restored_with_pos_backup_restore_syncs_as_epoch_2_and_head_office_reports_the_gap(
        hq: HeadOffice, tmp_path: Path) -> None:
    till = set_up_till(tmp_path / "till")
    session = till.session()
    store_id = hq.add_store(session, "T1")
    session.close()
    config = ("--config", str(till.config))
    hq.serve()
    assert hq.sync(till.db, None, *config).returncode == 0
    assert till.run("create", "--to", str(till.local)).exit_code == 0  # last night's backup
    base = open_ledger(till.db, read_only=True)
    restore_point = base.head().seq
    base.close()
    till.sell_teas(3)
    assert hq.sync(till.db, None, *config).returncode == 0
    epoch_1_head = hq.query("SELECT seq, hash FROM hq_heads WHERE store = %s AND epoch = 1", store_id)[0]

    restored = pos("backup", "restore", str(till.snapshots()[0]), "--identity", str(till.keys.identity), "--yes",
                   *config)
    assert restored.returncode == 0, restored.stderr
    assert "the next `pos sync` starts epoch 2" in restored.stdout
    session = till.session()
    sell(session, MILK_BARCODE, 30_000)  # the till sells at once: a restore never waits for head office
    session.close()
    done = hq.sync(till.db, None, *config)
    assert done.returncode == 0, done.stderr
    assert "epoch 2" in done.stdout

    head = open_ledger(till.db, read_only=True)
    journal_head = head.head().seq
    started = head.conn.execute("SELECT seq, payload FROM journal WHERE kind = 'chain.epoch_started'").fetchall()
    head.close()
    assert len(started) == 1 and started[0][0] == journal_head  # written by pos sync, after the milk sale
    named = json.loads(started[0][1])
    assert (named["epoch"], named["previous_epoch"]) == (2, 1)
    assert (named["previous_head_seq"], named["previous_head_hash"]) == tuple(epoch_1_head)
    assert named["base_seq"] == restore_point
    # Epoch 1 at head office is as it was; epoch 2 goes on from the restore point: no seq reused.
    assert _epochs(hq, store_id) == [(1, 0, epoch_1_head[0]), (2, restore_point, journal_head)]
    assert hq.query("SELECT min(seq), count(*) FROM hq_events WHERE store = %s AND epoch = 2", store_id) == [
        (restore_point + 1, journal_head - restore_point)]
    # The three teas happened (head office keeps counting them) and so did the milk: four sales, each once.
    assert hq.query("SELECT sum(sales) FROM hq_sales_days WHERE store = %s", store_id) == [(4,)]
    assert hq.query("SELECT on_hand FROM hq_stock WHERE store = %s AND product_id = %s", store_id, TEA) == [
        (100_000 - 3_000,)]
    assert hq.query("SELECT on_hand FROM hq_stock WHERE store = %s AND product_id = %s", store_id, MILK) == [
        (50_000 - 1_000,)]

    gap = f"head office holds 3 entries of epoch 1 (seq {restore_point + 1}-{epoch_1_head[0]}, 3 sale(s))"
    status = pos("sync", "--status", *config)
    assert status.returncode == 0 and f"GAP: {gap}" in status.stdout, status.stdout
    listed = pos("hq", "store", "list", env=hq.env())
    assert listed.returncode == 2 and f"GAP: {gap}" in listed.stdout and "epoch 2" in listed.stdout, listed.stdout
    acknowledged = pos("hq", "store", "ack-gap", store_id, "T1", "--note", "restored after the disk died",
                       env=hq.env())
    assert acknowledged.returncode == 0, acknowledged.stderr
    listed = pos("hq", "store", "list", env=hq.env())
    assert listed.returncode == 0 and "GAP (acknowledged)" in listed.stdout, listed.stdout
    again = pos("hq", "store", "ack-gap", store_id, "T9", env=hq.env())
    assert again.returncode != 0 and "no gap" in again.stderr and "Traceback" not in again.stderr
    assert_verifies(till.db)


def test_a_hand_restored_file_forks_then_pos_sync_new_epoch_goes_on_from_the_acknowledged_entry(
        hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    store_id = hq.add_store(store)
    hq.serve()
    assert hq.sync(db).returncode == 0
    snapshot = copy_store(db, tmp_path / "old.db")
    for _ in range(2):
        sell(store, MILK_BARCODE, 30_000)
    assert hq.sync(db).returncode == 0
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.replace(snapshot, db)
    restored = open_session(Settings(), db, username="admin")
    sell(restored, MILK_BARCODE, 30_000)
    restored.close()
    assert hq.sync(db).returncode == 3  # the fork alarm, as before anyone says it was a restore
    done = hq.sync(db, None, "--new-epoch")
    assert done.returncode == 0, done.stderr
    state = sync_state(db)
    assert state is not None and not state.forked and state.epoch == 2
    assert hq.query("SELECT sum(sales) FROM hq_sales_days WHERE store = %s", store_id) == [(3,)]
    assert "GAP: head office holds 2 entries of epoch 1" in pos("sync", "--db", str(db), "--status").stdout
    assert_verifies(db)


def test_a_changed_chain_epoch_row_is_caught_by_verify(hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    hq.add_store(store)
    hq.serve()
    assert hq.sync(db).returncode == 0
    store.close()
    assert hq.sync(db, None, "--new-epoch").returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE chain_epochs SET base_seq = base_seq + 1")
    verify = pos("db", "verify", "--db", str(db))
    assert verify.returncode != 0 and "chain_epochs" in (verify.stdout + verify.stderr)


def test_a_new_epoch_that_sends_again_entries_head_office_holds_counts_them_once_and_a_false_base_is_refused(
        pg_cluster: PostgresCluster, tmp_path: Path) -> None:
    session = make_store(tmp_path / "store.db")
    base_seq = session.ledger.head().seq
    for _ in range(3):
        sell(session, TEA_BARCODE, 50_000)
    store = session.ledger.store_info().store_id
    session.close()
    journal = journal_of(tmp_path / "store.db")
    base_hash = journal[base_seq - 1].hash
    with psycopg.connect(pg_cluster.create_database("ingest_epochs"), autocommit=True) as conn:
        schema.migrate(conn)
        stores.add_store(conn, store, "Store", ["T1"])
        ingest(conn, [ChainEvent(store, "T1", 1, entry) for entry in journal])
        figures = conn.execute("SELECT sales, takings FROM hq_sales_days").fetchall()
        # A restored file whose last acknowledgement was base_seq sends the three sales again in epoch 2.
        forged = ingest(conn, [ChainEvent(store, "T1", 2, entry, base_seq, "f" * 64) for entry in journal[base_seq:]])
        assert forged.chained == 0 and "does not hold with that hash" in forged.refused[0][1].reason
        conn.execute("DELETE FROM hq_refusals")
        again = ingest(conn, [ChainEvent(store, "T1", 2, entry, base_seq, base_hash) for entry in journal[base_seq:]])
        # Held since the refused batch (their hashes are right); chained now that the base is.
        assert (again.inserted, again.chained, again.refused) == (0, 3, [])
        assert conn.execute("SELECT sales, takings FROM hq_sales_days").fetchall() == figures  # counted once
        with conn.cursor() as cur:
            assert epoch_gap(cur, (store, "T1", 2)).entries == 0  # nothing lacking: the same entries
