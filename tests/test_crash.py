"""Pulling the plug: a till killed with SIGKILL mid-stream of sales leaves whole sales or none.

One seller process sells in a loop; it is killed with `kill -9` at a random moment, the books are
verified, and a new seller carries on, fifty times over. Every sale the till reported as done must
be there, and none may be half there.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.verify import verify_ledger

from .conftest import MILK_BARCODE, TEA_BARCODE, make_store
from .support.tills import start_till

KILLS = 50
PRELOADED = 4


def _no_half_sales(conn: sqlite3.Connection) -> None:
    sales, entries = conn.execute(
        "SELECT (SELECT COUNT(*) FROM sales), (SELECT COUNT(*) FROM journal WHERE kind = 'sale.completed')"
    ).fetchone()
    assert sales == entries
    orphans = conn.execute(
        "SELECT j.seq FROM journal j LEFT JOIN sales s ON s.seq = j.seq"
        " WHERE j.kind = 'sale.completed' AND s.seq IS NULL"
        " UNION ALL SELECT s.seq FROM sales s WHERE NOT EXISTS (SELECT 1 FROM sale_lines l WHERE l.sale_seq = s.seq)"
        " UNION ALL SELECT s.seq FROM sales s WHERE NOT EXISTS (SELECT 1 FROM sale_tenders t WHERE t.sale_seq = s.seq)"
        " UNION ALL SELECT s.seq FROM sales s WHERE NOT EXISTS (SELECT 1 FROM postings p WHERE p.seq = s.seq)"
        " UNION ALL SELECT s.seq FROM sales s WHERE NOT EXISTS"
        "  (SELECT 1 FROM stock_movements m WHERE m.seq = s.seq AND m.reason = 'sale')"
    ).fetchall()
    assert orphans == [], f"half-recorded sales at seq {orphans}"


def _start_loading(store_path: Path) -> subprocess.Popen[str]:
    """A seller that imports its code and then waits for "go" before it opens the store."""
    return start_till(store_path, "T1", 0, "--barcode", TEA_BARCODE, "--barcode", MILK_BARCODE, "--chatty", "--wait")


def _go(till: subprocess.Popen[str]) -> None:
    assert till.stdin is not None and till.stdout is not None
    assert till.stdout.readline().strip() == "loaded", till.stderr.read() if till.stderr else ""
    till.stdin.write("go\n")
    till.stdin.flush()
    line = till.stdout.readline()
    assert line.strip() == "ready", f"seller did not start: {line!r} {till.stderr.read() if till.stderr else ''}"


def _sales_seen(till: subprocess.Popen[str], count: int) -> list[int]:
    """Read the seller's "sold N" lines until it has reported ``count`` sales."""
    assert till.stdout is not None
    sold: list[int] = []
    while len(sold) < count:
        line = till.stdout.readline()
        assert line, f"the seller stopped: {till.stderr.read() if till.stderr else ''}"
        if line.startswith("sold "):
            sold.append(int(line.split()[1]))
    return sold


@pytest.mark.slow
@pytest.mark.xdist_group("processes")
def test_fifty_kill_minus_nine_mid_sale_leave_only_whole_sales(store_path: Path) -> None:
    make_store(store_path).close()
    rng = random.Random(20240917)
    started = time.monotonic()
    reported_total = 0
    # A few tills load their code ahead (imports take most of a second); each opens the store only on "go".
    tills = [_start_loading(store_path) for _ in range(min(PRELOADED, KILLS))]
    try:
        for kill in range(KILLS):
            till = tills[kill]
            _go(till)
            # Killed after a chosen number of its own sales, a random moment into the next one: the
            # moment is set by what the seller did, not by the clock, so a slow box still kills mid-sale.
            reported = _sales_seen(till, rng.randint(0, 3))
            time.sleep(rng.uniform(0.0, 0.01))
            os.kill(till.pid, signal.SIGKILL)
            out, _ = till.communicate(timeout=60)
            assert till.returncode == -signal.SIGKILL
            reported += [int(line.split()[1]) for line in out.splitlines() if line.startswith("sold ")]
            reported_total += len(reported)
            if len(tills) < KILLS:
                tills.append(_start_loading(store_path))

            ledger = open_ledger(store_path, read_only=True)
            try:
                report = verify_ledger(ledger)
                assert report.ok, f"after kill {kill + 1}: " + "; ".join(str(p) for p in report.problems)
                _no_half_sales(ledger.conn)
                numbers = [n for (n,) in ledger.conn.execute("SELECT number FROM sales ORDER BY number")]
            finally:
                ledger.close()
            assert numbers == list(range(1, len(numbers) + 1)), "sale numbers have a gap"
            if reported:
                assert numbers[-1] >= reported[-1], f"sale {reported[-1]} was reported done but is gone"
    finally:
        for till in tills:
            if till.poll() is None:
                till.kill()
                till.wait()
    print(f"{KILLS} kills, {reported_total} sales reported, {time.monotonic() - started:.1f} s")
    assert reported_total > 0, "the seller was never killed mid-stream: it sold nothing"
