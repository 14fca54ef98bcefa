"""Reports benchmark: every report over a year and over a month of a 1,000,000-sale store, against
`ledger balance` over our own export of the same year, measured in the same run.

    python benchmarks/bench_reports.py                       # 50,000 SKUs, 365 days x 2,740 sales, 5 lines
    python benchmarks/bench_reports.py --sales-per-day 300   # a quick look (~110k sales)
    python benchmarks/bench_reports.py --build-only          # just build (or find) the store

The store is generated once into benchmarks/data/ (git-ignored) with `pos demo`'s service and reused;
the time the build took is kept beside it. Reports run read-only on it; p50 and max of several runs
per report, with the CPU time of the p50 run (the machine is shared: wall time includes waiting).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from pos_tui.config import Settings
from pos_tui.services.demo.store import build_demo
from pos_tui.services.reports import registry
from pos_tui.services.reports.export import export_journal
from pos_tui.services.session import Session, open_session

DATA = Path(__file__).resolve().parent / "data"
TARGET_MS = 300.0


def ensure_store(skus: int, days: int, per_day: int, lines: int, seed: int) -> tuple[Path, dict[str, float]]:
    """The benchmark store for these sizes, built if missing, and how long building it took."""
    path = DATA / f"reports-{skus}-{days}-{per_day}-{lines}-{seed}.db"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        return path, dict(json.loads(meta.read_text()))
    for stale in DATA.glob(path.name + "*"):
        stale.unlink()
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"building the store ({skus:,} SKUs, {days} days x {per_day:,} sales, {lines} lines)...", file=sys.stderr)
    started, cpu = time.perf_counter(), time.process_time()
    last = [""]

    def progress(stage: str, done: int, total: int) -> None:
        if stage != last[0] or done == total or done % 30 == 0:
            print(f"  {time.perf_counter() - started:7.1f} s  {stage} {done:,}/{total:,}", file=sys.stderr)
            last[0] = stage

    summary = build_demo(Settings(), path, skus=skus, days=days, seed=seed, sales_per_day=per_day,
                         lines_per_sale=lines, progress=progress)
    timings = {"demo_seconds": time.perf_counter() - started, "demo_cpu_seconds": time.process_time() - cpu,
               "sales": summary.sales, "returns": summary.returns, "voids": summary.voids,
               "journal_entries": summary.journal_entries, "first_day": summary.first_day.isoformat(),
               "last_day": summary.last_day.isoformat()}
    meta.write_text(json.dumps(timings, indent=2))
    return path, timings


def time_report(session: Session, name: str, query: registry.ReportQuery, runs: int) -> tuple[float, float, float]:
    """(p50 ms, max ms, CPU ms of a median run) of ``runs`` runs after one warm-up."""
    registry.run_report(session, name, query)
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
        registry.run_report(session, name, query)
        wall.append((time.perf_counter_ns() - start) / 1e6)
        cpu.append((time.thread_time_ns() - start_cpu) / 1e6)
    return statistics.median(wall), max(wall), statistics.median(cpu)


def bench_ledger(session: Session, first: str, last: str) -> tuple[float, float, int] | None:
    """Seconds (wall, CPU of the child) `ledger balance` takes over our hledger export of the range."""
    ledger_bin = shutil.which("ledger")
    if ledger_bin is None:
        print("ledger is not installed: no ratio against it", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        journal = Path(tmp) / "year.journal"
        with journal.open("w", encoding="utf-8") as out:
            entries = export_journal(session, "hledger", out, from_day=first, to_day=last)
        import resource

        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([ledger_bin, "-f", str(journal), "balance"], check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), entries


def bench_sale_cost(samples: int) -> None:
    """Sale commit p50 with and without the report summaries' handlers, alternating in one run on a copy
    of a small demo store (5-line sales, card + cash with change, as bench_foundation rings them)."""
    import random

    from pos_tui.domain.cart import Cart, price_cart
    from pos_tui.domain.tender import Tender
    from pos_tui.ledger import projections
    from pos_tui.ledger.projections import reports as report_projections
    from pos_tui.services.catalog import products
    from pos_tui.services.selling import sales

    store, _ = ensure_store(20_000, 30, 275, 0, 1)
    scratch = DATA / "sale-cost.db"
    for stale in DATA.glob("sale-cost.db*"):
        stale.unlink()
    shutil.copyfile(store, scratch)
    session = open_session(Settings(), scratch, username="cashier")
    till = Session(session.ledger, session.settings, "cashier", "B1")
    with_reports = dict(projections.HANDLERS)
    ours = set(report_projections.HANDLERS.values())
    without = {kind: tuple(h for h in handlers if h not in ours) for kind, handlers in with_reports.items()}
    conn = till.ledger.conn
    codes = [code for (code,) in conn.execute(
        "SELECT b.code FROM barcodes b JOIN products p USING (product_id) WHERE p.unit = 'each'"
        " AND b.multiplier = 1000 ORDER BY b.code LIMIT 5000")]
    rng = random.Random(5)
    timings: dict[bool, tuple[list[float], list[float]]] = {True: ([], []), False: ([], [])}
    try:
        for n in range(2 * samples):
            summaries = n % 2 == 0
            projections.HANDLERS.clear()
            projections.HANDLERS.update(with_reports if summaries else without)
            cart = Cart()
            for code in rng.sample(codes, 5):
                cart = cart.add(products.resolve_scan(till, code))
            total = price_cart(cart, till.tax_policy).total
            tenders = [Tender("card", total // 2), Tender("cash", total - total // 2 + 5_000)]
            start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
            sales.complete_sale(till, cart, tenders)
            timings[summaries][0].append((time.perf_counter_ns() - start) / 1e6)
            timings[summaries][1].append((time.thread_time_ns() - start_cpu) / 1e6)
    finally:
        projections.HANDLERS.clear()
        projections.HANDLERS.update(with_reports)
        session.close()
        for stale in DATA.glob("sale-cost.db*"):
            stale.unlink()
    (wall_on, cpu_on), (wall_off, cpu_off) = timings[True], timings[False]
    on, off = statistics.median(wall_on), statistics.median(wall_off)
    print(f"sale commit p50 (complete_sale, 5 lines), {samples} each, alternating in one run:")
    print(f"  without report summaries {off:6.2f} ms (CPU {statistics.median(cpu_off):.2f} ms)")
    print(f"  with report summaries    {on:6.2f} ms (CPU {statistics.median(cpu_on):.2f} ms)")
    print(f"  ratio {on / off:.2f}x wall, {statistics.median(cpu_on) / statistics.median(cpu_off):.2f}x CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skus", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sales-per-day", type=int, default=2_740)
    parser.add_argument("--lines-per-sale", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--no-ledger", action="store_true", help="Skip the `ledger balance` comparison.")
    parser.add_argument("--sale-cost", type=int, default=0, metavar="N",
                        help="Only measure sale commits with and without the summaries, N of each.")
    args = parser.parse_args()
    if args.sale_cost:
        bench_sale_cost(args.sale_cost)
        return
    path, built = ensure_store(args.skus, args.days, args.sales_per_day, args.lines_per_sale, args.seed)
    print(f"store: {path.name}, {path.stat().st_size / 2**20:,.0f} MiB; built in {built['demo_seconds']:.0f} s"
          f" (CPU {built['demo_cpu_seconds']:.0f} s); {int(built['sales']):,} sales")
    if args.build_only:
        return
    session = open_session(Settings(), path, read_only=True)
    try:
        conn = session.ledger.conn
        lines, first, last = conn.execute("SELECT COUNT(*), MIN(day), MAX(day) FROM sales").fetchone()[0], *(
            conn.execute("SELECT MIN(day), MAX(day) FROM sales").fetchone())
        del lines
        month_first = (date.fromisoformat(last) - timedelta(days=29)).isoformat()
        ranges = {"year": (first, last), "30 days": (month_first, last)}
        print(f"{'report':<24}{'range':>9}{'p50 ms':>9}{'max ms':>9}{'cpu ms':>9}  rows  verdict")
        worst = 0.0
        results: dict[str, dict[str, float]] = {}
        for name in registry.report_names():
            for label, (a, b) in ranges.items():
                query = registry.ReportQuery(a, b)
                p50, peak, cpu = time_report(session, name, query, args.runs)
                rows = len(registry.run_report(session, name, query).rows)
                worst = max(worst, p50)
                results[f"{name} {label}"] = {"p50_ms": p50, "max_ms": peak, "cpu_ms": cpu}
                verdict = "ok" if p50 <= TARGET_MS else "MISSES"
                print(f"{name:<24}{label:>9}{p50:9.1f}{peak:9.1f}{cpu:9.1f}  {rows:>4}  {verdict}")
        print(f"slowest report p50: {worst:.1f} ms (target {TARGET_MS:.0f} ms)")
        if not args.no_ledger:
            measured = bench_ledger(session, first, last)
            if measured is not None:
                seconds, cpu_seconds, entries = measured
                print(f"`ledger balance` over our export of the year ({entries:,} entries): {seconds:.1f} s"
                      f" (CPU {cpu_seconds:.1f} s); slowest report is {seconds * 1000 / worst:,.0f}x faster")
    finally:
        session.close()


if __name__ == "__main__":
    main()
