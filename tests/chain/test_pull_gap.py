"""A restored till pulls its gap back before selling resumes (`pos sync --pull-gap`): head office answers
with the entries of the terminal's latest chain after the till's head, the till checks each against its
own chain and appends it as recorded, and the new epoch then starts with no gap. Refused once the till
has written since the restore, at the first entry that does not check out, and when head office does
not answer. Real SQLite files, PostgreSQL, nats-server and `pos` processes."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

import psycopg
import pytest

from pos_tui.config import Settings
from pos_tui.ledger.database import open_ledger
from pos_tui.services.chain import gap, outbox
from pos_tui.services.chain.access import tls_context
from pos_tui.services.chain.wire import ChainEvent, Channels, gap_request, parse_gap_page
from pos_tui.services.hq import schema, stores
from pos_tui.services.hq.gap import latest_chain_after
from pos_tui.services.hq.ingest import epoch_gap, ingest
from pos_tui.services.session import Session, open_session
from tests.backup.till_setup import set_up_till
from tests.chain.conftest import HeadOffice, SecureChain, pos, sell
from tests.chain.helpers import sync_state
from tests.conftest import TEA, TEA_BARCODE, assert_verifies, make_store
from tests.forgeries import copy_store, journal_of
from tests.support.api_server import free_port
from tests.support.chain_servers import PostgresCluster


def _sell_teas(session: Session, count: int) -> None:
    for _ in range(count):
        sell(session, TEA_BARCODE, 50_000)


def _reports(db: Path) -> list[str]:
    shown = []
    for name in ("sales-by-day", "sales-by-payment", "stock-valuation"):
        done = pos("report", name, "--db", str(db), "--format", "json")
        assert done.returncode == 0, done.stderr
        shown.append(done.stdout)
    ledger = open_ledger(db, read_only=True)
    try:
        shown.append(repr(ledger.conn.execute("SELECT product_id, on_hand FROM stock ORDER BY 1").fetchall()))
        shown.append(repr(ledger.conn.execute("SELECT count(*), sum(total) FROM sales").fetchall()))
    finally:
        ledger.close()
    return shown


def _restore(db: Path, snapshot: Path) -> None:
    """The snapshot copied back over the store's file by hand (the till is stopped)."""
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.replace(snapshot, db)


def _twenty_sales_and_a_snapshot_at_ten(hq: HeadOffice, tmp_path: Path) -> tuple[Path, Path, str]:
    """A till that sold 20 teas, all at head office, and a copy of its file taken after the 10th (when
    head office held only the first 5)."""
    db = tmp_path / "store.db"
    store = make_store(db)
    store_id = hq.add_store(store)
    hq.serve()
    _sell_teas(store, 5)
    assert hq.sync(db).returncode == 0
    _sell_teas(store, 5)
    snapshot = copy_store(db, tmp_path / "at-ten.db")
    _sell_teas(store, 10)
    done = hq.sync(db)
    assert done.returncode == 0, done.stderr
    store.close()
    return db, snapshot, store_id


def test_a_restored_till_pulls_the_gap_back_and_its_new_epoch_starts_with_no_gap(
        hq: HeadOffice, tmp_path: Path) -> None:
    db, snapshot, store_id = _twenty_sales_and_a_snapshot_at_ten(hq, tmp_path)
    before = journal_of(db)
    reports_before = _reports(db)
    _restore(db, snapshot)
    restored_head = open_ledger(db, read_only=True).head().seq
    assert len(before) - restored_head == 10

    # Pages of 3 entries: head office is asked four times.
    done = pos("sync", "--db", str(db), "--nats", hq.nats_url, "--new-epoch", "--pull-gap", "--batch", "3",
               env=hq.env())
    assert done.returncode == 0, done.stderr
    assert f"took back 10 entries (seq {restored_head + 1}-{len(before)})" in done.stdout, done.stdout
    assert "starts epoch 2" in done.stdout
    after = journal_of(db)
    assert [(e.seq, e.hash, e.at) for e in after] == [(e.seq, e.hash, e.at) for e in before]
    assert_verifies(db)
    assert _reports(db) == reports_before
    state = sync_state(db)
    assert state is not None and state.epoch == 2 and state.acked_seq == len(before)

    done = hq.sync(db)
    assert done.returncode == 0, done.stderr
    assert "epoch 2" in done.stdout
    key = (store_id, "T1", 2)
    with psycopg.connect(hq.pg_url) as conn, conn.cursor() as cur:
        assert epoch_gap(cur, key).entries == 0
    # Epoch 2 goes on from head office's epoch-1 head: only its first entry is new; 20 sales, each once.
    assert hq.query("SELECT base_seq, seq FROM hq_heads WHERE store = %s AND epoch = 2", store_id) == [
        (len(before), len(before) + 1)]
    assert hq.query("SELECT sum(sales) FROM hq_sales_days WHERE store = %s", store_id) == [(20,)]
    assert hq.query("SELECT on_hand FROM hq_stock WHERE store = %s AND product_id = %s", store_id, TEA) == [
        (100_000 - 20_000,)]
    status = pos("sync", "--db", str(db), "--status")
    assert status.returncode == 0 and "GAP" not in status.stdout, status.stdout
    listed = pos("hq", "store", "list", env=hq.env())
    assert listed.returncode == 0 and "GAP" not in listed.stdout, listed.stdout
    again = pos("sync", "--db", str(db), "--nats", hq.nats_url, "--pull-gap", env=hq.env())
    assert again.returncode == 1 and "not waiting to start a new epoch" in again.stderr, again.stderr
    assert_verifies(db)


def test_a_sale_rung_after_pos_backup_restore_refuses_the_pull_and_changes_nothing(
        hq: HeadOffice, tmp_path: Path) -> None:
    till = set_up_till(tmp_path / "till")
    session = till.session()
    hq.add_store(session, "T1")
    session.close()
    config = ("--config", str(till.config))
    hq.serve()
    assert hq.sync(till.db, None, *config).returncode == 0
    assert till.run("create", "--to", str(till.local)).exit_code == 0
    till.sell_teas(3)
    assert hq.sync(till.db, None, *config).returncode == 0
    restored = pos("backup", "restore", str(till.snapshots()[0]), "--identity", str(till.keys.identity), "--yes",
                   *config)
    assert restored.returncode == 0, restored.stderr
    assert "`pos sync --pull-gap` takes that back" in restored.stdout
    hint = "restored: before selling, `pos sync --pull-gap` takes back what head office holds of terminal T1"
    assert hint in pos("sync", "--status", *config).stdout
    till.sell_teas(1)  # sold before anyone pulled: the seq of head office's first tea is this sale's now
    journal = journal_of(till.db)
    state = sync_state(till.db)

    refused = pos("sync", "--nats", hq.nats_url, "--pull-gap", *config, env=hq.env())
    assert refused.returncode == 1, refused.stdout
    assert "1 entry was written to this journal since the restore" in refused.stderr, refused.stderr
    assert "pos hq store ack-gap" in refused.stderr and "Traceback" not in refused.stderr
    assert journal_of(till.db) == journal and sync_state(till.db) == state
    assert "--pull-gap" not in pos("sync", "--status", *config).stdout
    assert_verifies(till.db)


def test_a_changed_byte_in_head_offices_answer_is_refused_at_that_seq_with_nothing_after_it_applied(
        hq: HeadOffice, tmp_path: Path) -> None:
    db, snapshot, store_id = _twenty_sales_and_a_snapshot_at_ten(hq, tmp_path)
    _restore(db, snapshot)
    restored_head = open_ledger(db, read_only=True).head().seq
    changed = restored_head + 4
    with psycopg.connect(hq.pg_url) as conn:
        cur = conn.execute("UPDATE hq_events SET payload = replace(payload, '\"cash\"', '\"cask\"')"
                           " WHERE store = %s AND epoch = 1 AND seq = %s", (store_id, changed))
        assert cur.rowcount == 1
    done = pos("sync", "--db", str(db), "--nats", hq.nats_url, "--new-epoch", "--pull-gap", env=hq.env())
    assert done.returncode == 1, done.stdout
    assert f"head office's entry at seq {changed} does not check out" in done.stderr, done.stderr
    assert "do not match its hash" in done.stderr and "Traceback" not in done.stderr
    ledger = open_ledger(db, read_only=True)
    try:
        assert ledger.head().seq == changed - 1  # the three before it, checked, are back; nothing from it on
        state = outbox.sync_state(ledger)
        assert state is not None and outbox.epoch_due(ledger, state) and state.acked_seq == changed - 1
    finally:
        ledger.close()
    assert_verifies(db)


def test_head_office_not_answering_is_a_sentence_and_changes_nothing(hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    hq.add_store(store)
    server = hq.serve()
    _sell_teas(store, 2)
    snapshot = copy_store(db, tmp_path / "old.db")
    _sell_teas(store, 2)
    assert hq.sync(db).returncode == 0
    store.close()
    server.kill()
    server.wait()
    _restore(db, snapshot)
    ledger = open_ledger(db)
    try:
        outbox.mark_new_epoch(ledger, "T1")
    finally:
        ledger.close()
    journal, state = journal_of(db), sync_state(db)
    nowhere = f"nats://127.0.0.1:{free_port()}"
    for url, why in ((nowhere, "did not answer"), (hq.nats_url, "did not answer (nats: no responders")):
        done = pos("sync", "--db", str(db), "--nats", url, "--pull-gap", "--ack-timeout", "2", timeout=60,
                   env=hq.env())
        assert done.returncode == 1, (url, done.stdout)
        assert why in done.stderr and "nothing was changed" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        assert journal_of(db) == journal and sync_state(db) == state
    assert_verifies(db)


def test_a_terminals_key_may_ask_for_its_own_gap_only(secure_hq: SecureChain) -> None:
    keys = secure_hq.register("store-a", "T1")
    secure_hq.register("store-b", "T1")
    secure_hq.office.serve()
    channels = Channels(secure_hq.office.namespace)
    said = asyncio.run(_ask_as(secure_hq, keys["T1"], channels))
    assert said["own"] == "no entries, head at 0"
    for other in ("store-b's T1", "store-a's T2"):
        assert said[other].startswith("nats: permissions violation for publish to"), (other, said[other])


async def _ask_as(chain: SecureChain, key: Path, channels: Channels) -> dict[str, str]:
    import nats

    errors: asyncio.Queue[str] = asyncio.Queue()

    async def on_error(error: Exception) -> None:
        await errors.put(str(error))

    nc = await nats.connect(chain.url, nkeys_seed=str(key), tls=tls_context(chain.certificates.ca_file),
                            inbox_prefix=channels.inbox("store-a", "T1"), error_cb=on_error, allow_reconnect=False)
    said: dict[str, str] = {}
    reply = await nc.request(channels.gap_subject("store-a", "T1"), gap_request(0, 10), timeout=30)
    page = parse_gap_page(reply.data)
    said["own"] = f"no entries, head at {page.seq}" if not page.entries and not page.error else repr(page)
    for what, subject in (("store-b's T1", channels.gap_subject("store-b", "T1")),
                          ("store-a's T2", channels.gap_subject("store-a", "T2"))):
        try:
            await nc.request(subject, gap_request(0, 10), timeout=2)
            said[what] = "answered"
        except (nats.errors.TimeoutError, nats.errors.NoRespondersError):
            said[what] = await asyncio.wait_for(errors.get(), 30)
    await nc.close()
    return said


def test_a_journal_cut_by_hand_cannot_pull(hq: HeadOffice, tmp_path: Path) -> None:
    """A file nobody marked as restored is refused at once, without asking head office."""
    db = tmp_path / "store.db"
    store = make_store(db)
    hq.add_store(store)
    _sell_teas(store, 1)
    store.close()
    never = pos("sync", "--db", str(db), "--nats", hq.nats_url, "--pull-gap", env=hq.env())
    assert never.returncode == 1 and "never synced" in never.stderr, never.stderr
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO chain_sync (singleton, terminal, epoch, acked_seq, acked_hash)"
                     " VALUES (1, 'T1', 1, 0, ?)", ("0" * 64,))
    done = pos("sync", "--db", str(db), "--nats", hq.nats_url, "--pull-gap", env=hq.env())
    assert done.returncode == 1 and "not waiting to start a new epoch" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_head_offices_answer_follows_the_latest_epoch_back_through_its_base_in_bounded_pages(
        pg_cluster: PostgresCluster, tmp_path: Path) -> None:
    first = make_store(tmp_path / "first.db")
    _sell_teas(first, 2)
    base_seq = first.ledger.head().seq
    copy_store(tmp_path / "first.db", tmp_path / "second.db")
    _sell_teas(first, 2)  # epoch 1 goes on: what the restore below lacks
    store = first.ledger.store_info().store_id
    first.close()
    second = open_session(Settings(), tmp_path / "second.db", username="admin")
    _sell_teas(second, 3)  # epoch 2, from the restored copy
    second.close()
    epoch_1, epoch_2 = journal_of(tmp_path / "first.db"), journal_of(tmp_path / "second.db")
    base_hash = epoch_1[base_seq - 1].hash
    with psycopg.connect(pg_cluster.create_database("gap_pages"), autocommit=True) as conn:
        schema.migrate(conn)
        stores.add_store(conn, store, "Store", ["T1"])
        ingest(conn, [ChainEvent(store, "T1", 1, entry) for entry in epoch_1])
        ingest(conn, [ChainEvent(store, "T1", 2, entry, base_seq, base_hash) for entry in epoch_2[base_seq:]])
        with conn.cursor() as cur:
            page = latest_chain_after(cur, store, "T1", base_seq - 2, 100)
            assert (page.epoch, page.seq, page.hash) == (2, epoch_2[-1].seq, epoch_2[-1].hash)
            assert list(page.entries) == epoch_2[base_seq - 2:]  # two of epoch 1 below the base, then epoch 2's
            assert [e.seq for e in latest_chain_after(cur, store, "T1", base_seq - 2, 3).entries] == [
                base_seq - 1, base_seq, base_seq + 1]
            assert latest_chain_after(cur, store, "T1", epoch_2[-1].seq, 100).entries == ()
            assert "not registered" in latest_chain_after(cur, store, "T9", 0, 100).error


def test_a_sale_rung_while_the_pull_runs_stops_it_before_the_next_entry(tmp_path: Path) -> None:
    """Each entry's transaction asks again whether the journal still ends where the restore (and the
    entries taken back) left it: the till sold in between, so the next entry is refused."""
    db = tmp_path / "store.db"
    store = make_store(db)
    store.ledger.conn.execute("INSERT INTO chain_sync (singleton, terminal, epoch, acked_seq, acked_hash)"
                              " VALUES (1, 'T1', 1, 0, ?)", ("0" * 64,))
    _sell_teas(store, 1)
    snapshot = copy_store(db, tmp_path / "old.db")
    _sell_teas(store, 3)
    store.close()
    office_copy = journal_of(db)  # what head office holds, as the till wrote it
    _restore(db, snapshot)
    restored = open_session(Settings(), db, username="admin")
    try:
        ledger = restored.ledger
        outbox.mark_new_epoch(ledger)
        head = ledger.head().seq
        gap.append_pulled(ledger, office_copy[head])
        assert ledger.head().hash == office_copy[head].hash
        _sell_teas(restored, 1)
        kept = journal_of(db)
        with pytest.raises(gap.GapRefused, match="1 entry was written to this journal since the restore"):
            gap.append_pulled(ledger, office_copy[head + 1])
        assert journal_of(db) == kept
    finally:
        restored.close()
    assert_verifies(db)


def test_a_till_restored_twice_pulls_back_the_later_epoch_and_its_start(hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    store_id = hq.add_store(store)
    hq.serve()
    _sell_teas(store, 2)
    assert hq.sync(db).returncode == 0
    copy_store(db, tmp_path / "first.db")
    copy_store(db, tmp_path / "again.db")
    _sell_teas(store, 2)  # epoch 1's gap, once restored
    assert hq.sync(db).returncode == 0
    store.close()
    _restore(db, tmp_path / "first.db")
    assert hq.sync(db, None, "--new-epoch").returncode == 0  # epoch 2: the restore sold at once
    restored = open_session(Settings(), db, username="admin")
    _sell_teas(restored, 2)
    restored.close()
    assert hq.sync(db).returncode == 0
    epoch_2 = journal_of(db)
    reports = _reports(db)

    _restore(db, tmp_path / "again.db")  # the same old backup, restored once more
    done = pos("sync", "--db", str(db), "--nats", hq.nats_url, "--new-epoch", "--pull-gap", env=hq.env())
    assert done.returncode == 0, done.stderr
    assert "took back 3 entries" in done.stdout and "starts epoch 3" in done.stdout, done.stdout
    assert journal_of(db) == epoch_2  # epoch 2's start and its two sales, as recorded
    assert _reports(db) == reports
    assert_verifies(db)
    done = hq.sync(db)
    assert done.returncode == 0 and "epoch 3" in done.stdout, done.stdout
    with psycopg.connect(hq.pg_url) as conn, conn.cursor() as cur:
        assert epoch_gap(cur, (store_id, "T1", 3)).entries == 0
    assert hq.query("SELECT sum(sales) FROM hq_sales_days WHERE store = %s", store_id) == [(6,)]
    assert_verifies(db)
