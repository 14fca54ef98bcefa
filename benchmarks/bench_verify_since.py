"""`pos db verify --since-witness` beside the full verify and the floor, on one store in one run.

    python benchmarks/bench_verify_since.py --skus 100000   # the cached 100,000-SKU, 365-day demo store
    python benchmarks/bench_verify_since.py                 # 1,000,000 SKUs

On a copy of the cached demo store: the floor (``bench_verify.floor``: read and hash every entry,
the balance check, ``PRAGMA integrity_check``); a ``--since-witness`` run with no checkpoint (the
full replay, then keeping the checkpoint); a day of sales appended (``--sales``, through the sale
service); then the full verify and the ``--since-witness`` run from the checkpoint, on the same
store. CPU of this process and every worker process (``getrusage``), wall beside it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_verify import cpu_seconds, floor

from pos_tui.config import Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.ledger.checkpoint import default_directory
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.verify import VerifyReport, verify_ledger
from pos_tui.services.catalog import products
from pos_tui.services.demo.cache import cached_demo
from pos_tui.services.selling import sales
from pos_tui.services.session import open_session

CACHE = Path(__file__).resolve().parent.parent / "var" / "demo"


def timed(run: Callable[[], VerifyReport]) -> tuple[VerifyReport, float, float]:
    cpu, wall = cpu_seconds(), time.perf_counter()
    report = run()
    return report, cpu_seconds() - cpu, time.perf_counter() - wall


def verify(store: Path, checkpoint: Path | None) -> VerifyReport:
    ledger = open_ledger(store, read_only=True)
    try:
        return verify_ledger(ledger, checkpoint_dir=checkpoint)
    finally:
        ledger.close()


def sell(store: Path, count: int) -> None:
    with sqlite3.connect(store) as conn:
        codes = [code for (code,) in conn.execute("SELECT code FROM barcodes ORDER BY code LIMIT 50")]
    session = open_session(Settings(), store, username="admin")
    try:
        for n in range(count):
            cart = Cart().add(products.resolve_scan(session, codes[n % len(codes)]))
            sales.complete_sale(session, cart, [Tender("cash", 100_000_000)])
    finally:
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sales", type=int, default=275, help="sales appended after the checkpoint (a day)")
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args()
    demo = cached_demo(args.cache, Settings(), skus=args.skus, days=args.days).path
    with tempfile.TemporaryDirectory(prefix="bench-verify-since-", dir=args.cache) as tmp:
        store = Path(tmp) / "store.db"
        shutil.copyfile(demo, store)
        checkpoint = default_directory(store)
        load_before = os.getloadavg()
        wall = time.perf_counter()
        parts = floor(store)
        floor_wall = time.perf_counter() - wall
        floor_cpu = sum(v for k, v in parts.items() if k != "entries")
        first, first_cpu, first_wall = timed(lambda: verify(store, checkpoint))
        sell(store, args.sales)
        full, full_cpu, full_wall = timed(lambda: verify(store, None))
        since, since_cpu, since_wall = timed(lambda: verify(store, checkpoint))
    assert first.checkpoint is None and since.checkpoint is not None
    print(f"{demo.name} (a copy), {parts['entries']:,.0f} entries, then {args.sales} sales appended"
          f" ({since.entries:,} entries after the checkpoint); load average before {load_before[0]:.1f},"
          f" after {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    print("| figure | CPU s | wall s |")
    print("|---|---|---|")
    print(f"| floor: read + hash every entry, balance check, integrity_check | {floor_cpu:.1f} | {floor_wall:.1f} |")
    print(f"| `--since-witness`, no checkpoint yet: full replay + keeping one ({_ok(first)}) |"
          f" {first_cpu:.1f} | {first_wall:.1f} |")
    print(f"| full verify after the day's sales ({_ok(full)}) | {full_cpu:.1f} | {full_wall:.1f} |")
    print(f"| `--since-witness` from the checkpoint at seq {since.checkpoint.seq:,} ({_ok(since)}) |"
          f" {since_cpu:.1f} | {since_wall:.1f} |")
    print(f"since-witness / full, CPU: {since_cpu / full_cpu:.2f}x; since-witness / floor, CPU:"
          f" {since_cpu / floor_cpu:.2f}x; full / floor, CPU: {full_cpu / floor_cpu:.2f}x")


def _ok(report: VerifyReport) -> str:
    return "ok" if report.ok else "FAILED: " + "; ".join(str(p) for p in report.problems)


if __name__ == "__main__":
    main()
