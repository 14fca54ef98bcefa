"""Reports at 10k, 100k and 1M SKUs: every report over a year, each beside the count-and-sum of the
same year measured in the same run, so growth with the catalogue shows.

    python benchmarks/bench_reports_scale.py                    # 10,000, 100,000 and 1,000,000 SKUs
    python benchmarks/bench_reports_scale.py --skus 10000 20000 # other sizes

Each store is `pos demo --skus N --days 365` (~100k sales), built once and cached under var/demo by
its parameters and schema version (``pos_tui.services.demo.cache``). Reports run in process on a
read-only session; the figure is the CPU time of this thread (``thread_time``), median of ``--runs``
runs after a warm-up. The anchor is ``SELECT COUNT(*), SUM(total) FROM sales`` over the same days.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from pos_tui.config import Settings
from pos_tui.services.demo.cache import FIXED_LAST_DAY, cached_demo
from pos_tui.services.reports import registry
from pos_tui.services.session import open_session

CACHE = Path(__file__).resolve().parent.parent / "var" / "demo"
TARGET_MS = 300.0
TARGET_RATIO = 10.0


def cpu_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm-up: pages in the cache, statements prepared
    samples = []
    for _ in range(runs):
        start = time.thread_time_ns()
        fn()
        samples.append((time.thread_time_ns() - start) / 1e6)
    return statistics.median(samples)


def measure(path: Path, first: date, last: date, names: list[str], runs: int) -> tuple[float, dict[str, float]]:
    """The anchor's CPU ms and each report's, over ``first`` .. ``last`` of the store at ``path``."""
    session = open_session(Settings(), path, read_only=True)
    try:
        conn = session.ledger.conn
        anchor = cpu_ms(lambda: conn.execute("SELECT COUNT(*), SUM(total) FROM sales WHERE day BETWEEN ? AND ?",
                                             (first.isoformat(), last.isoformat())).fetchone(), runs)
        query = registry.ReportQuery(first.isoformat(), last.isoformat())
        return anchor, {name: cpu_ms(lambda n=name: registry.run_report(session, n, query), runs) for name in names}
    finally:
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--only", nargs="+", metavar="REPORT", help="these reports only (default: every report)")
    args = parser.parse_args()
    last = FIXED_LAST_DAY
    first = last - timedelta(days=args.days - 1)
    names = args.only or registry.report_names()
    results: dict[int, dict[str, float]] = {}
    anchors: dict[int, float] = {}
    for skus in args.skus:
        store = cached_demo(args.cache, Settings(), skus=skus, days=args.days)
        print(f"{skus:,} SKUs: {store.path.name}", file=sys.stderr)
        anchors[skus], results[skus] = measure(store.path, first, last, names, args.runs)
    print(f"Reports over {first} .. {last}, CPU ms (median of {args.runs}); load average"
          f" {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    header = " | ".join(f"{skus:,} SKUs ms (x anchor)" for skus in args.skus)
    print(f"| report | {header} | met at {args.skus[-1]:,} |")
    print("|---|" + "---|" * len(args.skus) + "---|")
    print("| anchor: COUNT(*), SUM(total) of the year's sales | "
          + " | ".join(f"{anchors[s]:.1f}" for s in args.skus) + " | |")
    for name in names:
        cells = [f"{results[s][name]:.1f} ({results[s][name] / anchors[s]:.1f}x)" for s in args.skus]
        top = results[args.skus[-1]][name]
        met = top <= TARGET_MS and top <= TARGET_RATIO * anchors[args.skus[-1]]
        print(f"| {name} | {' | '.join(cells)} | {'yes' if met else 'NO'} |")


if __name__ == "__main__":
    main()
