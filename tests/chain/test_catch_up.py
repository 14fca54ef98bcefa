"""Scenario 4: a 30-day outage (about 50,000 journal entries nobody sent) catches up in bounded memory,
and the till keeps selling while it does.

The sync worker's peak memory (VmHWM) after catching up 50,000 entries is compared with its peak after
catching up 10,000 in the same run: the worker holds a batch and a window, never the backlog, so the
difference stays under a small constant. The sale's p99 beside `pos sync` is a figure, not an assertion
(no wall time in tests): `benchmarks/bench_chain.py` measures it; here every sale made during the
catch-up must commit (the worker never holds the till's write lock for long) and reach head office.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from pos_tui.config import Settings
from pos_tui.ledger.database import open_ledger
from pos_tui.services.session import open_session
from tests.chain.conftest import POS, PROCESS_DEADLINE_S, HeadOffice, pos, sell
from tests.chain.helpers import acked_seq, wait_for
from tests.support.chain_servers import BLACKHOLE, PASS, TcpProxy

OUTAGE_DAYS = 30
SALES_A_DAY = 1650  # with the demo's shifts and deliveries: about 50,000 entries in 30 days
SMALL_DAYS = 6  # about 10,000 entries
MEMORY_GROWTH_BOUND_KIB = 16 * 1024  # 40,000 more entries may cost the worker at most this much more peak memory
SALES_WHILE_CATCHING_UP = 150
BUILD_DEADLINE_S = 1800.0


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmHWM for process {pid}")


def build_backlogs(tmp_path: Path) -> dict[int, Path]:
    """Two demo stores, built at once: ``days`` of trading each, never sent."""
    made = {days: tmp_path / f"outage-{days}-days.db" for days in (SMALL_DAYS, OUTAGE_DAYS)}
    builders = [subprocess.Popen([POS, "demo", "--db", str(db), "--skus", "10", "--days", str(days), "--sales-per-day",
                                  str(SALES_A_DAY), "--lines-per-sale", "1", "--seed", str(days)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                for days, db in made.items()]
    for builder in builders:
        _, err = builder.communicate(timeout=BUILD_DEADLINE_S)
        assert builder.returncode == 0, err
    return made


def store_of(db: Path) -> tuple[str, int]:
    ledger = open_ledger(db, read_only=True)
    try:
        return ledger.store_info().store_id, ledger.head().seq
    finally:
        ledger.close()


def catch_up(hq: HeadOffice, proxy: TcpProxy, db: Path) -> tuple[int, int]:
    """Sell through an outage and through the catch-up after it; (the worker's peak KiB, entries caught up)."""
    store, backlog = store_of(db)
    done = pos("hq", "store", "add", store, "--name", db.stem, "--terminal", "T1", env=hq.env())
    assert done.returncode == 0, done.stderr
    session = open_session(Settings(), db, username="cashier")
    barcode = session.ledger.conn.execute("SELECT code FROM barcodes WHERE multiplier = 1000 AND length(code) = 13"
                                      " AND code NOT LIKE '2%' ORDER BY code LIMIT 1"
                                      ).fetchone()[0]
    proxy.set_mode(BLACKHOLE)  # the line is down: the worker starts and cannot reach head office
    worker = hq.start_sync(db, proxy.url, "--batch", "1000", "--ack-timeout", "2")
    try:
        sold = [sell(session, barcode, 10_000_000).seq for _ in range(3)]
        assert acked_seq(db) == 0
        proxy.set_mode(PASS)
        wait_for("head office's first head after the outage", lambda: acked_seq(db) > 0 or worker.poll() is not None)
        made_mid_catch_up = 0
        while acked_seq(db) < backlog and made_mid_catch_up < SALES_WHILE_CATCHING_UP:
            assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
            acked = acked_seq(db)
            sold.append(sell(session, barcode, 10_000_000).seq)  # commits while the worker reads and sends
            made_mid_catch_up += acked < backlog
        last = session.ledger.head().seq
        wait_for(f"head office to hold seq {last}", lambda: acked_seq(db) >= last, PROCESS_DEADLINE_S * 3)
        peak = peak_rss_kib(worker.pid)
    finally:
        worker.terminate()
        worker.communicate(timeout=60)
        session.close()
    assert made_mid_catch_up > 0, "no sale was made while the backlog was on its way"
    held = hq.query("SELECT seq FROM hq_heads WHERE store = %s AND terminal = 'T1'", store)
    assert held == [(last,)]
    arrived = hq.query("SELECT count(*) FROM hq_events WHERE store = %s AND seq = ANY(%s)", store, sold)
    assert arrived == [(len(sold),)]
    return peak, backlog


@pytest.mark.slow
def test_a_30_day_outage_catches_up_in_bounded_memory_and_every_sale_meanwhile_arrives(
        hq: HeadOffice, proxy: TcpProxy, tmp_path: Path) -> None:
    stores = build_backlogs(tmp_path)
    hq.serve()
    small_peak, small_backlog = catch_up(hq, proxy, stores[SMALL_DAYS])
    big_peak, big_backlog = catch_up(hq, proxy, stores[OUTAGE_DAYS])
    assert small_backlog > 9_000 and big_backlog > 48_000
    assert big_peak - small_peak <= MEMORY_GROWTH_BOUND_KIB, (
        f"pos sync peaked at {small_peak} KiB for {small_backlog} entries, {big_peak} KiB for {big_backlog}")
    print(f"pos sync peak RSS: {small_peak} KiB for {small_backlog:,} entries, {big_peak} KiB for {big_backlog:,}"
          f" (load average {os.getloadavg()[0]:.2f})")
