"""Sale commit: `sales.complete_sale` beside the very rows it writes, written raw, and the disk's floor.

    python benchmarks/bench_sale.py                     # a 100,000-SKU, 365-day demo store (cached)
    python benchmarks/bench_sale.py --skus 1000000      # the million-SKU store

Three copies of the cached demo store (``pos_tui.services.demo.cache``) move in step:
- A: `complete_sale` timed, 5 lines, card + cash with change;
- C: the same cart sold again through a ledger whose connection records every write statement with its
  parameters (not timed: recording costs time);
- B: the raw anchor: C's write statements executed in plain sqlite3 with the same PRAGMAs (WAL,
  ``synchronous=FULL``, ``BEGIN IMMEDIATE``), after reading the chain head and hashing the payload as
  any writer must. Its rows are the service's rows, which ``total_changes`` of A and B confirms sale by
  sale (triggers included: B's schema is the store's).
The floor is a one-row durable commit (WAL, FULL) into a file of its own beside them. CPU time of this
thread (``thread_time``); wall time printed beside, as the box is shared.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from pos_tui.config import Settings
from pos_tui.domain.cart import Cart, price_cart
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import BUSY_TIMEOUT_MS, Ledger
from pos_tui.services.catalog import products
from pos_tui.services.demo.cache import cached_demo
from pos_tui.services.selling import sales
from pos_tui.services.session import Session, open_session

CACHE = Path(__file__).resolve().parent.parent / "var" / "demo"
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class _Recorder:
    """A sqlite3 connection that notes every write statement and its parameters, then runs it."""

    def __init__(self, conn: sqlite3.Connection, log: list[tuple[str, Any, bool]]) -> None:
        self._conn, self._log = conn, log

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        if sql.lstrip()[:7].upper().startswith(WRITES):
            self._log.append((sql, params, False))
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        rows = list(rows)
        if sql.lstrip()[:7].upper().startswith(WRITES):
            self._log.append((sql, rows, True))
        return self._conn.executemany(sql, rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class _RecordingLedger(Ledger):
    log: ClassVar[list[tuple[str, Any, bool]]] = []

    @property
    def conn(self) -> sqlite3.Connection:
        return _Recorder(super().conn, self.log)  # type: ignore[return-value]


def raw_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, cached_statements=512)
    for pragma in ("journal_mode = wal", "synchronous = full", "foreign_keys = 1", f"busy_timeout = {BUSY_TIMEOUT_MS}"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def raw_sale(conn: sqlite3.Connection, statements: list[tuple[str, Any, bool]]) -> None:
    conn.execute("BEGIN IMMEDIATE")
    seq, prev = conn.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
    for sql, params, many in statements:
        if many:
            conn.executemany(sql, params)
        else:
            if sql.startswith("INSERT INTO journal"):  # what any writer computes: the entry's hash
                hashlib.sha256(f"{prev}\n{seq + 1}\n{params[8]}".encode()).hexdigest()
            conn.execute(sql, params)
    conn.execute("COMMIT")


@contextmanager
def timed(into: tuple[list[float], list[float]]) -> Iterator[None]:
    start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
    yield
    into[0].append((time.perf_counter_ns() - start) / 1e6)
    into[1].append((time.thread_time_ns() - start_cpu) / 1e6)


def carts(session: Session, rng: random.Random, count: int) -> list[tuple[Cart, list[Tender]]]:
    conn = session.ledger.conn
    top = conn.execute("SELECT MAX(product_id) FROM products").fetchone()[0]
    out = []
    for _ in range(count):
        cart = Cart()
        while len(cart.lines) < 5:
            row = conn.execute(
                "SELECT b.code FROM barcodes b JOIN products p USING (product_id)"
                " WHERE p.product_id = ? AND p.unit = 'each' AND b.multiplier = 1000 LIMIT 1",
                (rng.randrange(1, top + 1),),
            ).fetchone()
            if row:
                cart = cart.add(products.resolve_scan(session, row[0]))
        total = price_cart(cart, session.tax_policy).total
        out.append((cart, [Tender("card", total // 2), Tender("cash", total - total // 2 + 5_000)]))
    return out


def _p99(times: list[float]) -> float:
    return sorted(times)[int(len(times) * .99)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sales", type=int, default=400)
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args()
    store = cached_demo(args.cache, Settings(), skus=args.skus, days=args.days).path
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(dir=args.cache) as scratch:
        a, b, c = (Path(scratch) / f"{name}.db" for name in "abc")
        for copy in (a, b, c):
            shutil.copyfile(store, copy)
        service = open_session(Settings(), a, username="cashier")
        till_a = Session(service.ledger, service.settings, "cashier", "B1")
        recording = open_session(Settings(), c, username="cashier")
        recording.ledger.__class__ = _RecordingLedger
        till_c = Session(recording.ledger, recording.settings, "cashier", "B1")
        raw = raw_connection(b)
        floor_conn = raw_connection(Path(scratch) / "floor.db")
        floor_conn.execute("CREATE TABLE one (n INTEGER PRIMARY KEY, at TEXT NOT NULL)")
        service_t: tuple[list[float], list[float]] = ([], [])
        raw_t: tuple[list[float], list[float]] = ([], [])
        floor_t: tuple[list[float], list[float]] = ([], [])
        changes: list[tuple[int, int]] = []
        try:
            work = carts(till_a, random.Random(7), args.sales)
            for n, (cart, tenders) in enumerate(work):
                before = till_a.ledger.conn.total_changes
                with timed(service_t):
                    sales.complete_sale(till_a, cart, tenders)
                service_rows = till_a.ledger.conn.total_changes - before
                _RecordingLedger.log = []
                sales.complete_sale(till_c, cart, tenders)
                statements = _RecordingLedger.log
                before = raw.total_changes
                with timed(raw_t):
                    raw_sale(raw, statements)
                changes.append((service_rows, raw.total_changes - before))
                with timed(floor_t):
                    floor_conn.execute("BEGIN IMMEDIATE")
                    floor_conn.execute("INSERT INTO one (n, at) VALUES (?, ?)", (n, "2026-12-07T00:00:00Z"))
                    floor_conn.execute("COMMIT")
        finally:
            raw.close()
            floor_conn.close()
            service.close()
            recording.close()
    mismatched = [pair for pair in changes if pair[0] != pair[1]]
    rows = statistics.median(pair[0] for pair in changes)
    p50 = {name: (statistics.median(t[0]), statistics.median(t[1])) for name, t in
           (("service", service_t), ("raw", raw_t), ("floor", floor_t))}
    print(f"Sale commit on {store.name}: {args.sales} sales of 5 lines, card + cash; load average"
          f" {' '.join(f'{x:.1f}' for x in load_before)} before, {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
          " after")
    print(f"rows changed per sale (total_changes): service {rows:.0f}, raw anchor"
          f" {statistics.median(pair[1] for pair in changes):.0f}; sales where they differ: {len(mismatched)}")
    print("| figure | CPU p50 ms | CPU p99 ms | wall p50 ms | wall p99 ms |")
    print("|---|---|---|---|---|")
    for name, label in (("service", "`complete_sale`"), ("raw", "the same rows raw (sqlite3, same PRAGMAs)"),
                        ("floor", "one-row durable commit (WAL, FULL)")):
        wall, cpu = {"service": service_t, "raw": raw_t, "floor": floor_t}[name]
        print(f"| {label} | {p50[name][1]:.3f} | {_p99(cpu):.3f} | {p50[name][0]:.3f} | {_p99(wall):.3f} |")
    print(f"service / raw, CPU: {p50['service'][1] / p50['raw'][1]:.2f}x at p50, "
          f"{_p99(service_t[1]) / _p99(raw_t[1]):.2f}x at p99 (target 1.3x);"
          f" service / floor, wall: {p50['service'][0] / p50['floor'][0]:.1f}x (goal 5x);"
          f" service / floor, CPU: {p50['service'][1] / p50['floor'][1]:.1f}x")


if __name__ == "__main__":
    main()
