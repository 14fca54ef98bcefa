"""`pos db verify` beside its floor, measured in the same run on the same store.

    python benchmarks/bench_verify.py                  # the cached 1,000,000-SKU, 365-day demo store
    python benchmarks/bench_verify.py --skus 20000 --days 30
    python benchmarks/bench_verify.py --chain-only     # the chain check alone, in this process

The floor is what no verify can skip: read every journal entry and hash it (sha256 over the same bytes
the chain hashes), the balance check (every entry's postings sum to zero, one GROUP BY), and
``PRAGMA integrity_check``. CPU time of this process and of every worker process it started
(``getrusage``), and wall time beside it (the box is shared).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import sqlite3
import time
from pathlib import Path

from pos_tui.config import Settings
from pos_tui.ledger.chain_check import check_range
from pos_tui.ledger.entry import HASH_TAG
from pos_tui.ledger.verify import verify_ledger
from pos_tui.services.demo.cache import cached_demo
from pos_tui.services.session import open_session

CACHE = Path(__file__).resolve().parent.parent / "var" / "demo"


def cpu_seconds() -> float:
    """CPU of this process and its finished children, user + system."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def floor(path: Path) -> dict[str, float]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out = {}
    try:
        start = cpu_seconds()
        entries = 0
        for seq, prev, payload in conn.execute("SELECT seq, prev_hash, payload FROM journal ORDER BY seq"):
            hashlib.sha256(HASH_TAG + f"{prev}\n{seq}\n".encode() + payload.encode()).hexdigest()
            entries += 1
        out["read + sha256 every entry"] = cpu_seconds() - start
        start = cpu_seconds()
        conn.execute("SELECT seq FROM postings GROUP BY seq HAVING SUM(amount) != 0").fetchall()
        out["balance check"] = cpu_seconds() - start
        start = cpu_seconds()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        out["PRAGMA integrity_check"] = cpu_seconds() - start
        out["entries"] = entries
    finally:
        conn.close()
    return out


def chain_only(store: Path) -> None:
    load_before = os.getloadavg()
    parts = floor(store)
    start = cpu_seconds()
    check = check_range(store, 1, int(parts["entries"]))
    chain_cpu = cpu_seconds() - start
    print(f"{store.name}: {parts['entries']:,.0f} entries; load average before {load_before[0]:.1f},"
          f" after {os.getloadavg()[0]:.1f}")
    print(f"| floor: read + sha256 every entry | {parts['read + sha256 every entry']:.1f} |")
    print(f"| `check_range` of every entry ({'ok' if check.problem is None else check.problem}) | {chain_cpu:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--chain-only", action="store_true",
                        help="time the chain check (every entry's link, hash, balance and time) alone, in this"
                             " process, beside the floor's read and hash of every entry")
    args = parser.parse_args()
    store = cached_demo(args.cache, Settings(), skus=args.skus, days=args.days).path
    if args.chain_only:
        chain_only(store)
        return
    load_before = os.getloadavg()
    wall = time.perf_counter()
    parts = floor(store)
    floor_wall = time.perf_counter() - wall
    session = open_session(Settings(), store, read_only=True)
    try:
        start, wall = cpu_seconds(), time.perf_counter()
        report = verify_ledger(session.ledger)
        verify_cpu, verify_wall = cpu_seconds() - start, time.perf_counter() - wall
    finally:
        session.close()
    floor_cpu = sum(v for k, v in parts.items() if k != "entries")
    print(f"{store.name}: {parts['entries']:,.0f} entries; load average before {load_before[0]:.1f},"
          f" after {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    print("| figure | CPU s | wall s |")
    print("|---|---|---|")
    for name, value in parts.items():
        if name != "entries":
            print(f"| floor: {name} | {value:.1f} | |")
    print(f"| floor, together | {floor_cpu:.1f} | {floor_wall:.1f} |")
    print(f"| `verify_ledger` ({'ok' if report.ok else 'FAILED'}), this process and its workers |"
          f" {verify_cpu:.1f} | {verify_wall:.1f} |")
    print(f"verify / floor, CPU: {verify_cpu / floor_cpu:.2f}x (target 2x)")


if __name__ == "__main__":
    main()
