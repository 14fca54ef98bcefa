"""Foundation benchmarks: lookups, search, sale commits, verify and `pos demo` on a big demo store.

    python benchmarks/bench_foundation.py                 # 1,000,000 SKUs, 365 days (~100k sales)
    python benchmarks/bench_foundation.py --skus 20000 --days 30   # a quick look

The store is generated once into benchmarks/data/ (git-ignored) and reused; the time `pos demo`
took is kept beside it. Sale commits run on a throw-away copy so the demo store stays as built.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pos_tui.config import Settings
from pos_tui.domain.cart import Cart, price_cart
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import BUSY_TIMEOUT_MS, SCHEMA_VERSION, open_ledger, stored_schema_version
from pos_tui.ledger.verify import verify_ledger
from pos_tui.services.catalog import products
from pos_tui.services.demo.store import DEFAULT_SALES_PER_DAY, build_demo
from pos_tui.services.selling import sales
from pos_tui.services.session import Session, open_session

DATA = Path(__file__).resolve().parent / "data"
SEARCHES = {
    "1 letter": ["t", "m", "s", "c", "b", "p", "k", "l", "d", "g"],
    "2 letters": ["ta", "mi", "ch", "sh", "bi", "co", "pe", "ma", "lo", "su"],
    "3 letters": ["tap", "mil", "chi", "sha", "bis", "cof", "pep", "man", "lot", "sup"],
    "whole words": ["biryani", "shampoo", "tapal", "milk", "detergent", "notebook", "mango juice", "karahi", "kurta",
                    "cola 1.5l"],
}


@dataclass(frozen=True)
class Row:
    what: str
    value: float
    unit: str
    target: float | None  # upper bound, same unit

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "ok" if self.value <= self.target else "MISSES"


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed_ms(fn: Callable[[], object], repeat: int, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock milliseconds per call; with ``cpu``, this thread's CPU milliseconds go there too
    (on a shared, loaded machine the wall-clock tail is the scheduler, the CPU time is the work)."""
    out = []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
        fn()
        out.append((time.perf_counter_ns() - start) / 1e6)
        if cpu is not None:
            cpu.append((time.thread_time_ns() - start_cpu) / 1e6)
    return out


def ensure_store(skus: int, days: int, per_day: int, seed: int) -> tuple[Path, dict[str, float]]:
    """The demo store for these sizes, built if missing, and how long building it took (wall, CPU, stages)."""
    path = DATA / f"demo-{skus}-{days}-{per_day}-{seed}.db"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        return migrated(path), dict(json.loads(meta.read_text()))
    for stale in DATA.glob(path.name + "*"):
        stale.unlink()
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"building the demo store ({skus:,} SKUs, {days} days)...", file=sys.stderr)
    timings: dict[str, float] = {}
    last = [""]

    def progress(stage: str, done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        if stage != last[0] or done == total:
            print(f"  {elapsed:7.1f} s  {stage} {done:,}/{total:,}", file=sys.stderr)
            last[0] = stage
        timings[f"until {stage}"] = elapsed
        timings[f"cpu until {stage}"] = time.process_time() - cpu

    started, cpu = time.perf_counter(), time.process_time()
    build_demo(Settings(), path, skus=skus, days=days, seed=seed, sales_per_day=per_day, progress=progress)
    timings |= {"demo_seconds": time.perf_counter() - started, "demo_cpu_seconds": time.process_time() - cpu}
    meta.write_text(json.dumps(timings, indent=2))
    return path, timings


def migrated(store: Path) -> Path:
    """``store`` if its schema is this code's, else a copy brought up to date the way `pos db migrate` does
    (building a million-SKU store again takes minutes; migrating a copy, under one)."""
    if stored_schema_version(store) == SCHEMA_VERSION:
        return store
    copy = store.with_name(f"{store.stem}.schema{SCHEMA_VERSION}.db")
    if not copy.exists():
        print(f"migrating a copy of {store.name} to schema {SCHEMA_VERSION}...", file=sys.stderr)
        partial = copy.with_suffix(".partial")
        shutil.copyfile(store, partial)
        open_ledger(partial, migrate=True).close()
        partial.replace(copy)
    return copy


def bench_lookups(session: Session, rng: random.Random) -> list[Row]:
    conn = session.ledger.conn
    top = conn.execute("SELECT MAX(product_id) FROM products").fetchone()[0]
    codes = []
    for _ in range(3000):
        row = conn.execute("SELECT code FROM barcodes WHERE product_id = ? LIMIT 1", (rng.randrange(1, top + 1),))
        codes.extend(code for (code,) in row)
    for code in codes[:200]:  # warm the page cache the way a till in use is warm
        products.find_by_code(session, code)
    cpu: list[float] = []
    samples = [timed_ms(lambda c=code: products.find_by_code(session, c), 1, cpu)[0] for code in codes]
    assert all(products.find_by_code(session, c) is not None for c in codes[:50])
    rows = [Row("barcode lookup p50 (find_by_code)", percentile(samples, 50), "ms", None),
            Row("barcode lookup p99 (find_by_code)", percentile(samples, 99), "ms", 1.0),
            Row("  same, CPU time p99", percentile(cpu, 99), "ms", None)]
    for label, queries in SEARCHES.items():
        for query in queries:
            products.search_products(session, query)
        found = [len(products.search_products(session, q)) for q in queries]
        cpu = []
        samples = [t for q in queries
                   for t in timed_ms(lambda q=q: products.search_products(session, q, limit=50), 30, cpu)]
        rows.append(Row(f"name search p99, {label} (top 50; {min(found)}-{max(found)} hits)",
                        percentile(samples, 99), "ms", 10.0))
        rows.append(Row("  same, p50", percentile(samples, 50), "ms", None))
        rows.append(Row("  same, CPU time p99", percentile(cpu, 99), "ms", None))
    return rows


def _raw_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = wal", "synchronous = full", "foreign_keys = 1", f"busy_timeout = {BUSY_TIMEOUT_MS}"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def _raw_sale(conn: sqlite3.Connection, template: dict[str, object], number: int) -> None:
    """The rows one sale writes (journal, postings, sale, lines, tenders, movements, stock), in plain sqlite3."""
    conn.execute("BEGIN IMMEDIATE")
    seq, prev = conn.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
    seq += 1
    payload = template["payload"]
    assert isinstance(payload, str)
    digest = hashlib.sha256(f"{prev}\n{seq}\n{payload}".encode()).hexdigest()
    postings = template["postings"]
    lines = template["lines"]
    tenders = template["tenders"]
    assert isinstance(postings, list) and isinstance(lines, list) and isinstance(tenders, list)
    conn.executemany("INSERT INTO postings (seq, leg, account, amount) VALUES (?, ?, ?, ?)",
                     [(seq, leg, account, amount) for leg, (account, amount) in enumerate(postings)])
    conn.execute(
        "INSERT INTO journal (seq, event_id, at, day, store, terminal, user, kind, payload, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, f"raw-{seq}", template["at"], template["day"], "bench", "R1", "cashier", "sale.completed", payload,
         prev, digest),
    )
    conn.execute(
        "INSERT INTO sales (seq, terminal, number, at, day, username, item_count, subtotal, discount_total,"
        " tax_total, total, rounding, change, cost_total) VALUES (?, 'R1', ?, ?, ?, 'cashier', ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, number, template["at"], template["day"], *template["sale"]),  # type: ignore[misc]
    )
    conn.executemany(f"INSERT INTO sale_lines VALUES (?{', ?' * 20})", [(seq, *line[1:]) for line in lines])
    conn.executemany("INSERT INTO sale_tenders (sale_seq, n, method, amount) VALUES (?, ?, ?, ?)",
                     [(seq, n, method, amount) for n, (method, amount) in enumerate(tenders)])
    conn.executemany(
        "INSERT INTO stock_movements (seq, n, product_id, quantity, unit_cost, reason) VALUES (?, ?, ?, ?, ?, 'sale')",
        [(seq, n, line[2], -line[6], line[17]) for n, line in enumerate(lines)],
    )
    conn.executemany("UPDATE stock SET on_hand = on_hand + ? WHERE product_id = ?",
                     [(-line[6], line[2]) for line in lines])
    conn.execute("COMMIT")


def bench_sales(store: Path, rng: random.Random, count: int) -> list[Row]:
    scratch = DATA / "sale-bench.db"
    for stale in DATA.glob("sale-bench.db*"):
        stale.unlink()
    shutil.copyfile(store, scratch)
    session = open_session(Settings(), scratch, username="cashier")
    till = Session(session.ledger, session.settings, "cashier", "B1")
    conn = till.ledger.conn
    top = conn.execute("SELECT MAX(product_id) FROM products").fetchone()[0]
    raw = _raw_connection(scratch)
    service_ms: list[float] = []
    raw_ms: list[float] = []
    service_cpu: list[float] = []
    raw_cpu: list[float] = []
    try:
        for n in range(1, count + 1):
            cart = Cart()
            while len(cart.lines) < 5:
                row = conn.execute(
                    "SELECT b.code FROM barcodes b JOIN products p USING (product_id)"
                    " WHERE p.product_id = ? AND p.unit = 'each' AND b.multiplier = 1000 LIMIT 1",
                    (rng.randrange(1, top + 1),),
                ).fetchone()
                if row:
                    cart = cart.add(products.resolve_scan(till, row[0]))
            total = price_cart(cart, till.tax_policy).total
            tenders = [Tender("card", total // 2), Tender("cash", total - total // 2 + 5_000)]
            start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
            sale = sales.complete_sale(till, cart, tenders)
            service_ms.append((time.perf_counter_ns() - start) / 1e6)
            service_cpu.append((time.thread_time_ns() - start_cpu) / 1e6)
            entry = conn.execute("SELECT at, day, payload FROM journal WHERE seq = ?", (sale.seq,)).fetchone()
            template = {
                "at": entry[0], "day": entry[1], "payload": entry[2],
                "postings": conn.execute("SELECT account, amount FROM postings WHERE seq = ? ORDER BY leg",
                                         (sale.seq,)).fetchall(),
                "sale": conn.execute("SELECT item_count, subtotal, discount_total, tax_total, total, rounding, change,"
                                     " cost_total FROM sales WHERE seq = ?", (sale.seq,)).fetchone(),
                "lines": conn.execute("SELECT * FROM sale_lines WHERE sale_seq = ? ORDER BY line_no",
                                      (sale.seq,)).fetchall(),
                "tenders": conn.execute("SELECT method, amount FROM sale_tenders WHERE sale_seq = ? ORDER BY n",
                                        (sale.seq,)).fetchall(),
            }
            start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
            _raw_sale(raw, template, n)
            raw_ms.append((time.perf_counter_ns() - start) / 1e6)
            raw_cpu.append((time.thread_time_ns() - start_cpu) / 1e6)
    finally:
        raw.close()
        session.close()
        for stale in DATA.glob("sale-bench.db*"):
            stale.unlink()
    service, floor = statistics.median(service_ms), statistics.median(raw_ms)
    return [
        Row("sale commit p50, complete_sale (5 lines, 2 tenders)", service, "ms", 2.0),
        Row("sale commit p99, complete_sale", percentile(service_ms, 99), "ms", None),
        Row("same rows, raw sqlite3 transaction p50", floor, "ms", None),
        Row("service / raw ratio (p50)", service / floor, "x", 3.0),
        Row("  CPU time p50: complete_sale", statistics.median(service_cpu), "ms", None),
        Row("  CPU time p50: raw sqlite3", statistics.median(raw_cpu), "ms", None),
    ]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_verify(store: Path, baseline: Path | None) -> list[Row]:
    """`verify_ledger` on the whole store: wall time, CPU of this process (every thread) and of the worker
    processes it starts. With ``baseline`` (a checkout of pos_tui to compare against), the same store is
    verified by that code first, in a process of its own, so both figures come from one run."""
    rows = []
    if baseline is not None:
        start, children = time.perf_counter(), _children_cpu()
        # Run from the baseline folder: `python -c` puts the working directory first on sys.path.
        done = subprocess.run(
            [sys.executable, "-c", _BASELINE_VERIFY, str(store.resolve())], cwd=baseline,
            env=os.environ | {"PYTHONPATH": str(baseline.resolve())}, capture_output=True, text=True, check=False,
        )
        before, before_cpu = time.perf_counter() - start, _children_cpu() - children
        verdict = done.stdout.strip() or done.stderr.strip()[-300:]
        rows += [Row(f"baseline: pos db verify from {baseline.name} ({verdict})", before, "s", None),
                 Row("  same, CPU time of its processes", before_cpu, "s", None)]
    session = open_session(Settings(), store, read_only=True)
    load = os.getloadavg()[0]
    try:
        start, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
        report = verify_ledger(session.ledger)
        seconds, cpu, children = time.perf_counter() - start, time.process_time() - cpu, _children_cpu() - children
    finally:
        session.close()
    if not report.ok:
        print("verify found problems: " + "; ".join(str(p) for p in report.problems), file=sys.stderr)
    rows += [Row(f"pos db verify ({report.entries:,} entries, {'ok' if report.ok else 'FAILED'})", seconds, "s", 30.0),
             Row("  same, CPU time of this process (all threads)", cpu, "s", None),
             Row("  same, CPU time of its worker processes", children, "s", None),
             Row(f"  load average, 1 min, before verify ({os.cpu_count()} CPUs)", load, "", None),
             Row("  load average, 1 min, after verify", os.getloadavg()[0], "", None)]
    if baseline is not None:
        rows.append(Row("  baseline / this wall time", before / seconds, "x", None))
        rows.append(Row("  baseline / this CPU time (all processes)", before_cpu / (cpu + children), "x", None))
    return rows


_BASELINE_VERIFY = """
import sys
from pathlib import Path
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.verify import verify_ledger
import pos_tui
if not Path(pos_tui.__file__).resolve().is_relative_to(Path.cwd().resolve()):
    sys.exit(f"the baseline run imported {pos_tui.__file__}, not the baseline's pos_tui")
ledger = open_ledger(Path(sys.argv[1]), read_only=True)
report = verify_ledger(ledger)
print(f"{report.entries:,} entries, " + ("ok" if report.ok else "FAILED: " + str(report.problems[0])))
"""


def describe(store: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        counts = {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                  for table in ("products", "barcodes", "sales", "sale_lines", "returns", "journal", "postings")}
    finally:
        conn.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sales-per-day", type=int, default=DEFAULT_SALES_PER_DAY)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sale-samples", type=int, default=400)
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    parser.add_argument("--verify-baseline", type=Path, metavar="DIR",
                        help="A checkout of pos_tui (the folder holding pos_tui/ and db/) whose verify runs on the"
                             " same store first, for a before/after in one run.")
    parser.add_argument("--only-verify", action="store_true", help="Skip the lookup, search and sale figures.")
    args = parser.parse_args()

    store, demo = ensure_store(args.skus, args.days, args.sales_per_day, args.seed)
    rng = random.Random(2024)
    counts = describe(store)
    rows = []
    if not args.only_verify:
        session = open_session(Settings(), store, read_only=True)
        try:
            rows = bench_lookups(session, rng)
        finally:
            session.close()
        rows += bench_sales(store, rng, args.sale_samples)
    rows += bench_verify(store, args.verify_baseline)
    rows.append(Row(f"pos demo --skus {args.skus} --days {args.days}, wall", demo["demo_seconds"], "s", 300.0))
    rows.append(Row("pos demo, CPU time of the process", demo.get("demo_cpu_seconds", 0.0), "s", None))
    size = sum(p.stat().st_size for p in store.parent.glob(store.name + "*") if p.suffix != ".json")
    rows.append(Row("database size", size / 2**20, "MiB", None))

    print(f"store: {', '.join(f'{k} {v:,}' for k, v in counts.items())}")
    print(f"{'measure':<62} {'value':>10}  {'target':>9}  verdict")
    for row in rows:
        target = f"<= {row.target:g}" if row.target is not None else ""
        print(f"{row.what:<62} {row.value:>7.3f} {row.unit:<3} {target:>9}  {row.verdict}")
    if args.json:
        args.json.write_text(json.dumps({"counts": counts, "rows": [r.__dict__ | {"verdict": r.verdict} for r in rows],
                                         "cpus": os.cpu_count()}, indent=2))


if __name__ == "__main__":
    main()
