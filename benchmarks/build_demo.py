"""Build (or find) the cached demo store every benchmark reads, and say what building it cost.

    python benchmarks/build_demo.py                          # 1,000,000 SKUs, 365 days (~100k sales)
    python benchmarks/build_demo.py --skus 20000 --days 30   # a quick one

The store lives under var/demo/ (git-ignored), named by its parameters and the schema version
(``pos_tui.services.demo.cache``); CPU time of the build is printed beside its wall time, by stage.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from pos_tui.config import Settings
from pos_tui.services.demo.cache import cached_demo
from pos_tui.services.demo.store import DEFAULT_SALES_PER_DAY

CACHE = Path(__file__).resolve().parent.parent / "var" / "demo"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sales-per-day", type=int, default=DEFAULT_SALES_PER_DAY)
    parser.add_argument("--lines-per-sale", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args()
    started = time.perf_counter()
    shown = [""]

    def progress(stage: str, done: int, total: int) -> None:
        if stage != shown[0] or done == total:
            print(f"  {time.perf_counter() - started:7.1f} s wall {time.process_time():7.1f} s CPU"
                  f"  {stage} {done:,}/{total:,}", file=sys.stderr)
            shown[0] = stage

    demo = cached_demo(args.cache, Settings(), skus=args.skus, days=args.days, seed=args.seed,
                       sales_per_day=args.sales_per_day, lines_per_sale=args.lines_per_sale, progress=progress)
    print(f"{demo.path} ({'built now' if demo.built else 'cached'}); load average {os.getloadavg()}")
    for stage, seconds in demo.timings.items():
        print(f"  {stage:40} {seconds:9.1f}")


if __name__ == "__main__":
    main()
