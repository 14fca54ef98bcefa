"""The chain's stories under partitions and crashes, on real PostgreSQL, NATS and processes."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import psycopg
import pytest

from pos_tui.config import Settings
from pos_tui.services.catalog import products
from pos_tui.services.chain.wire import ChainEvent
from pos_tui.services.doctor import run_checks
from pos_tui.services.hq.ingest import ingest
from pos_tui.services.session import open_session
from tests.chain.conftest import HeadOffice, pos, sell
from tests.chain.helpers import acked_seq, sync_state, wait_for
from tests.conftest import MILK_BARCODE, TEA, TEA_BARCODE, assert_verifies, make_store
from tests.forgeries import change_past_entry, copy_store, journal_of
from tests.support.chain_servers import BLACKHOLE, DELAY, DROP_REPLY, PASS, RESET, NatsServer, TcpProxy


def _head_office_holds_each_entry_once(hq: HeadOffice, store_id: str, db_head: int) -> None:
    rows = hq.query("SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM hq_events WHERE store = %s",
                    store_id)
    assert rows == [(db_head, db_head, 1, db_head)]
    assert hq.query("SELECT seq FROM hq_heads WHERE store = %s", store_id) == [(db_head,)]


def _sales_at_head_office(hq: HeadOffice, store_id: str) -> int:
    rows = hq.query("SELECT coalesce(sum(sales), 0) FROM hq_sales_days WHERE store = %s", store_id)
    return int(rows[0][0])


@pytest.mark.parametrize("first", ["a", "b"])
def test_two_tills_sell_the_same_item_offline_and_reconnect_in_either_order(
        hq: HeadOffice, nats: NatsServer, tmp_path: Path, first: str) -> None:
    tills = {name: make_store(tmp_path / f"{name}.db") for name in "ab"}
    ids = {name: hq.add_store(session) for name, session in tills.items()}
    hq.serve()
    lines = {name: TcpProxy(nats.port) for name in "ab"}
    workers = []
    try:
        for name, line in lines.items():
            line.set_mode(BLACKHOLE)
            workers.append(hq.start_sync(tmp_path / f"{name}.db", line.url, "--ack-timeout", "1"))
        sell(tills["a"], f"2*{TEA_BARCODE}", 100_000)
        sell(tills["b"], f"5*{TEA_BARCODE}", 300_000)
        for name in (first, "b" if first == "a" else "a"):
            lines[name].set_mode(PASS)
            head = tills[name].ledger.head().seq
            wait_for(f"till {name} acknowledged", lambda name=name, head=head: acked_seq(tmp_path / f"{name}.db")
                     >= head)
    finally:
        for worker in workers:
            worker.terminate()
            worker.communicate(timeout=60)
        for line in lines.values():
            line.close()
    for name, session in tills.items():
        _head_office_holds_each_entry_once(hq, ids[name], session.ledger.head().seq)
        assert _sales_at_head_office(hq, ids[name]) == 1
    on_hand = hq.query("SELECT sum(on_hand) FROM hq_stock WHERE product_id = %s", TEA)
    assert on_hand == [(100_000 - 2_000 + 100_000 - 5_000,)]  # each store received 100, sold 2 and 5
    by_store = pos("hq", "stock", "TEA-200", env=hq.env())
    assert by_store.returncode == 0 and f"{ids['a']}  TEA-200" in by_store.stdout and "  98\n" in by_store.stdout
    assert "all stores: 193" in by_store.stdout
    listed = pos("hq", "store", "list", env=hq.env())
    assert listed.returncode == 0 and "2 terminal(s), 0 with an alarm." in listed.stdout
    for name in "ab":
        assert_verifies(tmp_path / f"{name}.db")


def test_the_reply_is_lost_after_head_office_committed_and_the_retry_adds_nothing(
        hq: HeadOffice, proxy: TcpProxy, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    store_id = hq.add_store(store)
    hq.serve()
    worker = hq.start_sync(db, proxy.url, "--ack-timeout", "1")
    try:
        opened = store.ledger.head().seq
        wait_for("the first sync", lambda: acked_seq(db) >= opened)
        proxy.set_mode(DROP_REPLY)
        for _ in range(5):
            sell(store, TEA_BARCODE, 50_000)
        head = store.ledger.head().seq
        # Head office commits every entry while the till hears nothing back.
        wait_for("head office's commit", lambda: hq.query("SELECT seq FROM hq_heads WHERE store = %s AND seq = %s",
                                                          store_id, head))
        assert acked_seq(db) < head
        proxy.set_mode(RESET)
        proxy.set_mode(PASS)
        wait_for("the till's acknowledgement", lambda: acked_seq(db) >= head)
    finally:
        worker.terminate()
        worker.communicate(timeout=60)
    _head_office_holds_each_entry_once(hq, store_id, head)
    assert _sales_at_head_office(hq, store_id) == 5


def test_two_sync_workers_for_one_till_at_once_deliver_each_entry_exactly_once(hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    store_id = hq.add_store(store)
    for _ in range(40):
        sell(store, MILK_BARCODE, 30_000)
    hq.serve()
    workers = [hq.start_sync(db, None, "--until-synced", "--batch", "7") for _ in range(2)]
    for worker in workers:
        _, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err
    _head_office_holds_each_entry_once(hq, store_id, store.ledger.head().seq)
    assert _sales_at_head_office(hq, store_id) == 40


def test_kill_9_of_the_sync_worker_and_of_head_office_mid_batch_leaves_no_gap_and_no_duplicate(
        hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    store_id = hq.add_store(store)
    for _ in range(300):
        sell(store, MILK_BARCODE, 30_000)
    head = store.ledger.head().seq
    server = hq.serve("--batch", "20")
    worker = hq.start_sync(db, None, "--batch", "10", "--ack-timeout", "1")
    wait_for("some entries at head office", lambda: hq.query(
        "SELECT seq FROM hq_heads WHERE store = %s AND seq > 20", store_id))
    os.kill(worker.pid, signal.SIGKILL)
    worker.communicate(timeout=60)
    os.kill(server.pid, signal.SIGKILL)
    server.communicate(timeout=60)
    moved = hq.query("SELECT seq FROM hq_heads WHERE store = %s", store_id)[0][0]
    assert moved < head, "the crash came too late to prove anything"
    hq.serve("--batch", "20")
    done = hq.sync(db)
    assert done.returncode == 0, done.stderr
    _head_office_holds_each_entry_once(hq, store_id, head)
    assert _sales_at_head_office(hq, store_id) == 300


def test_one_byte_changed_in_an_entry_is_refused_at_its_seq_and_the_till_alarms(hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    store_id = hq.add_store(store)
    hq.serve()
    assert hq.sync(db).returncode == 0
    sale = sell(store, f"3*{TEA_BARCODE}", 150_000)
    sell(store, MILK_BARCODE, 30_000)
    store.close()
    with sqlite3.connect(db) as conn:  # a hand edit: one digit of the sale's payload, no hash recomputed
        conn.execute("DROP TRIGGER journal_no_update")
        changed = conn.execute("UPDATE journal SET payload = replace(payload, '\"quantity\":3000',"
                               " '\"quantity\":8000') WHERE seq = ?", (sale.seq,)).rowcount
    assert changed == 1
    done = hq.sync(db)
    assert done.returncode == 3 and f"disagree at seq {sale.seq}" in done.stderr
    assert hq.query("SELECT seq FROM hq_refusals WHERE store = %s", store_id) == [(sale.seq,)]
    assert hq.query("SELECT seq FROM hq_heads WHERE store = %s", store_id) == [(sale.seq - 1,)]
    listed = pos("hq", "store", "list", env=hq.env())
    assert listed.returncode == 2 and f"ALARM: refused seq {sale.seq}" in listed.stdout
    chain = [check for check in run_checks(None, db) if check.name == "chain"]
    assert len(chain) == 1 and not chain[0].ok and f"seq {sale.seq}" in chain[0].detail
    again = hq.sync(db)  # stays stopped: nothing more is sent
    assert again.returncode == 3
    # The entry after it is held (its own hash is right) but neither chained nor counted in any figure.
    assert hq.query("SELECT max(seq) FROM hq_events WHERE store = %s", store_id) == [(sale.seq + 1,)]
    assert _sales_at_head_office(hq, store_id) == 0


def test_a_rehashed_forged_chain_is_a_fork_at_the_till_and_refused_at_head_office(
        hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    store_id = hq.add_store(store)
    sale = sell(store, f"3*{TEA_BARCODE}", 150_000)
    hq.serve()
    assert hq.sync(db).returncode == 0
    sent_head = store.ledger.head()
    store.close()
    change_past_entry(db, sale.seq, lambda p: p.__setitem__("total", 1))  # every later hash recomputed
    done = hq.sync(db)
    assert done.returncode == 3, done.stderr
    assert "disagree" in done.stderr
    # The till stopped before sending. Sent anyway (a till that would not check), head office refuses them.
    with psycopg.connect(hq.pg_url, autocommit=True) as conn:
        result = ingest(conn, [ChainEvent(store_id, "T1", 1, entry) for entry in journal_of(db)])
    assert result.inserted == 0 and result.chained == 0
    assert min(refusal.seq for _, refusal in result.refused) == sale.seq
    assert hq.query("SELECT seq, hash FROM hq_heads WHERE store = %s", store_id) == [(sent_head.seq, sent_head.hash)]
    status = pos("sync", "--db", str(db), "--status")
    assert "FORK" in status.stdout
    state = sync_state(db)
    assert state is not None and state.forked


def test_head_office_projects_only_what_its_head_moved_over(hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    store_id = hq.add_store(store)
    hq.serve()
    sell(store, f"2*{TEA_BARCODE}", 100_000)
    assert hq.sync(db).returncode == 0
    on_hand = products.show_product(store, TEA_BARCODE).on_hand
    assert hq.query("SELECT on_hand FROM hq_stock WHERE store = %s AND product_id = %s", store_id, TEA) == [(on_hand,)]


def test_a_till_restored_from_an_old_snapshot_stops_at_a_fork_and_no_reused_seq_reaches_head_office(
        hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    store_id = hq.add_store(store)
    hq.serve()
    assert hq.sync(db).returncode == 0
    snapshot = copy_store(db, tmp_path / "old.db")  # last night's backup
    for _ in range(3):
        sell(store, TEA_BARCODE, 50_000)
    assert hq.sync(db).returncode == 0
    held = hq.query("SELECT seq, hash FROM hq_heads WHERE store = %s", store_id)
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.replace(snapshot, db)  # the box is restored from the backup and sells again
    restored = open_session(Settings(), db, username="admin")
    sell(restored, MILK_BARCODE, 30_000)  # reuses a seq head office already holds, with other content
    restored.close()
    done = hq.sync(db)
    assert done.returncode == 3 and "disagree" in done.stderr, done.stderr
    assert hq.query("SELECT seq, hash FROM hq_heads WHERE store = %s", store_id) == held
    assert hq.query("SELECT count(*) FROM hq_events WHERE store = %s AND kind = 'sale.completed'", store_id) == [(3,)]
    assert "FORK" in pos("sync", "--db", str(db), "--status").stdout


def test_a_flapping_slow_line_still_delivers_every_entry_once(hq: HeadOffice, proxy: TcpProxy, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    store_id = hq.add_store(store)
    for _ in range(120):
        sell(store, MILK_BARCODE, 30_000)
    head = store.ledger.head().seq
    hq.serve()
    proxy.set_mode(DELAY, delay_s=0.05)
    worker = hq.start_sync(db, proxy.url, "--batch", "10", "--ack-timeout", "1")
    try:
        seen = 0
        for _ in range(4):  # the line drops each time head office's head has moved, then comes back slow
            seen = wait_for("the head to move", lambda seen=seen: (acked_seq(db) > seen) and acked_seq(db))
            proxy.set_mode(RESET)
            proxy.set_mode(DELAY)
        proxy.set_mode(PASS)
        wait_for("the whole journal at head office", lambda: acked_seq(db) >= head)
    finally:
        worker.terminate()
        worker.communicate(timeout=60)
    _head_office_holds_each_entry_once(hq, store_id, head)
    assert _sales_at_head_office(hq, store_id) == 120


def test_kill_9_of_head_office_inside_its_transaction_leaves_nothing_and_the_redelivery_completes(
        hq: HeadOffice, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    store_id = hq.add_store(store)
    for _ in range(30):
        sell(store, MILK_BARCODE, 30_000)
    head = store.ledger.head().seq
    blocker = psycopg.connect(hq.pg_url)
    blocker.execute("LOCK TABLE hq_heads IN EXCLUSIVE MODE")  # the ingest's transaction will wait on the head
    server = hq.serve()
    worker = hq.start_sync(db, None, "--ack-timeout", "1")
    try:
        wait_for("pos hq serve waiting inside its transaction", lambda: hq.query(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"))
        os.kill(server.pid, signal.SIGKILL)
        server.communicate(timeout=60)
        blocker.rollback()
        assert hq.query("SELECT count(*) FROM hq_events WHERE store = %s", store_id) == [(0,)]  # rolled back
        hq.serve()  # JetStream redelivers what the killed consumer never acknowledged
        wait_for("the whole journal at head office", lambda: acked_seq(db) >= head)
    finally:
        blocker.close()
        worker.terminate()
        worker.communicate(timeout=60)
    _head_office_holds_each_entry_once(hq, store_id, head)
    assert _sales_at_head_office(hq, store_id) == 30
