"""Figures of the daybook on a store with over 1,000,000 journal entries (see docs/performance.md).

    python benchmarks/bench_daybook.py                       # the 1M-SKU demo store, migrated copy
    python benchmarks/bench_daybook.py --store STORE.db      # any store (a migrated copy is made if needed)

Measures, each with its CPU time: the first page (100 rows) of random date ranges (1 day to a whole
year, including the day the million-product catalogue was loaded), with and without filters; and
the totals of each month (tiles + the range's in/out sums). Baseline, measured in the same run: the
daybook as it was before its projection (a walk over the journal's day index joined to the postings,
grouped per entry and account), on the same ranges.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from pos_tui.config import Settings
from pos_tui.ledger.database import SCHEMA_VERSION, open_ledger, stored_schema_version
from pos_tui.services.cash import daybook
from pos_tui.services.cash.daybook import DayRange, MovementFilter
from pos_tui.services.session import Session, open_session

DATA = Path(__file__).parent / "data"
DEFAULT_STORE = DATA / "demo-1000000-365-275-1.db"


def migrated_copy(store: Path) -> Path:
    """The store itself when its schema is current, else a migrated copy beside it (kept for next time)."""
    if stored_schema_version(store) == SCHEMA_VERSION:
        return store
    copy = store.with_name(f"{store.stem}.schema{SCHEMA_VERSION}.db")
    if not copy.exists() or stored_schema_version(copy) != SCHEMA_VERSION:
        copy.unlink(missing_ok=True)
        shutil.copyfile(store, copy)
        began = time.perf_counter()
        open_ledger(copy, migrate=True).close()
        print(f"migrated a copy to schema {SCHEMA_VERSION} in {time.perf_counter() - began:.1f} s: {copy.name}")
    return copy


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall ms, CPU ms) of one call."""
    wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
    fn()
    return (time.perf_counter_ns() - wall) / 1e6, (time.thread_time_ns() - cpu) / 1e6


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def old_first_page(session: Session, days: DayRange) -> list[tuple[object, ...]]:
    """The daybook's page query before db/0005 (commit a088740), kept here as the baseline."""
    patterns = [m.account.replace("{terminal}", "%") for m in session.tender_methods.values()]
    accounts = " OR ".join("p.account LIKE ?" for _ in patterns)
    return session.ledger.conn.execute(
        "SELECT j.seq, p.account, j.at, j.kind, j.user, SUM(p.amount), s.terminal, s.number, r.terminal, r.number"
        " FROM journal j JOIN postings p ON p.seq = j.seq"
        " LEFT JOIN sales s ON s.seq = j.seq LEFT JOIN returns r ON r.seq = j.seq"
        f" WHERE j.day BETWEEN ? AND ? AND (j.seq, p.account) > (0, '') AND ({accounts})"
        " GROUP BY j.seq, p.account ORDER BY j.seq, p.account LIMIT 100",
        (days.first, days.last, *patterns),
    ).fetchall()


def old_month_totals(session: Session, days: DayRange) -> None:
    """The expenses and per-account sums as the old totals read them (the sales/returns parts are unchanged)."""
    conn = session.ledger.conn
    patterns = [m.account.replace("{terminal}", "%") for m in session.tender_methods.values()]
    conn.execute(
        "SELECT COALESCE(SUM(p.amount), 0) FROM journal j JOIN postings p ON p.seq = j.seq"
        " WHERE j.day BETWEEN ? AND ? AND p.account LIKE 'expenses:%' AND p.account != 'expenses:cogs'",
        (days.first, days.last),
    ).fetchone()
    conn.execute(
        "SELECT p.account, SUM(p.amount) FROM journal j JOIN postings p ON p.seq = j.seq"
        " WHERE j.day BETWEEN ? AND ? AND (" + " OR ".join("p.account LIKE ?" for _ in patterns) + ")"
        " GROUP BY p.account",
        (days.first, days.last, *patterns),
    ).fetchall()


def row(name: str, samples: list[tuple[float, float]], target: str, baseline: list[tuple[float, float]] | None) -> str:
    walls = [w for w, _ in samples]
    cpus = [c for _, c in samples]
    ratio = ""
    if baseline:
        ratio = f"{statistics.median(w for w, _ in baseline) / max(statistics.median(walls), 1e-6):,.0f}x"
    return (f"| {name} | {len(samples)} | {statistics.median(walls):.2f} | {p99(walls):.2f} | {max(walls):.2f}"
            f" | {statistics.median(cpus):.2f} | {p99(cpus):.2f} | {ratio} | {target} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    parser.add_argument("--ranges", type=int, default=200, help="random date ranges for the first-page figure")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    store = migrated_copy(args.store)
    session = open_session(Settings(), store, read_only=True)
    conn = session.ledger.conn
    entries, first_day, last_day = conn.execute("SELECT MAX(seq), MIN(day), MAX(day) FROM journal").fetchone()
    movements = conn.execute("SELECT COUNT(*) FROM money_movements").fetchone()[0]
    print(f"store {store.name}: {entries:,} journal entries, {movements:,} money movements, {first_day} .. {last_day}")

    rng = random.Random(args.seed)
    start, end = date.fromisoformat(first_day), date.fromisoformat(last_day)
    span = (end - start).days
    ranges = [DayRange(first_day, first_day), DayRange(first_day, last_day)]
    while len(ranges) < args.ranges:
        length = rng.choice([1, 1, 7, 31, 92, 365])
        first = start + timedelta(days=rng.randrange(span + 1))
        ranges.append(DayRange(first.isoformat(), min(first + timedelta(days=length - 1), end).isoformat()))

    cashier = conn.execute("SELECT user FROM money_movements GROUP BY user ORDER BY COUNT(*) LIMIT 1").fetchone()[0]
    filters = {
        "no filter": MovementFilter(),
        "kind = return": MovementFilter(kind="sale.returned"),
        "method = wallet": MovementFilter(method="wallet"),
        f"cashier = {cashier} (fewest rows)": MovementFilter(cashier=cashier),
        "text = a sale number": MovementFilter(text="T1-000042"),
        "text = 'milk' (in the entries)": MovementFilter(text="milk"),
    }
    lines = ["| Figure | n | median ms | p99 ms | max ms | CPU median ms | CPU p99 ms | baseline/this | Target |",
             "|---|---|---|---|---|---|---|---|---|"]
    for day in ranges[:3]:  # warm the OS cache over the same pages for both methods
        daybook.movements(session, day)
        old_first_page(session, day)
    baseline = [timed(lambda d=d: old_first_page(session, d)) for d in ranges[:50]]
    lines.append(row("first page, baseline (journal walk), 50 of the ranges", baseline, "", None))
    for name, where in filters.items():
        samples = [timed(lambda d=d, w=where: daybook.movements(session, d, w)) for d in ranges]
        target = "≤ 5 ms" if name == "no filter" else ""
        lines.append(row(f"first page, {name}", samples, target, baseline if name == "no filter" else None))

    months = []
    month = date(start.year, start.month, 1)
    while month <= end:
        following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        months.append(DayRange(month.isoformat(), (following - timedelta(days=1)).isoformat()))
        month = following
    old = [timed(lambda m=m: old_month_totals(session, m)) for m in months]
    lines.append(row("month totals, baseline (journal walk, money sums only)", old, "", None))
    totals = [timed(lambda m=m: (daybook.totals(session, m), daybook.sums(session, m))) for m in months]
    lines.append(row("month totals (tiles + in/out sums)", totals, "≤ 50 ms", old))
    year = DayRange(first_day, last_day)
    lines.append(row("whole-range totals (tiles + in/out sums)",
                     [timed(lambda: (daybook.totals(session, year), daybook.sums(session, year))) for _ in range(5)],
                     "", None))
    session.close()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
