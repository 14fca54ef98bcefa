"""Cash control on a store with over 1,000,000 journal entries (see docs/performance.md, "Cash control").

    python benchmarks/bench_cash.py                    # a migrated copy of the 1M-SKU demo store
    python benchmarks/bench_cash.py --store STORE.db   # any store (it is copied, never changed)

Steps, each timed with its CPU time: copy and migrate the store; close the shifts the migration
started and take the first Z (a year of history in one Z); a busy day of 2,000 sales on two tills
through ``sales.complete_sale`` with shifts, paid-outs, drops, returns and no-sales; the X report
of that day (repeated), its Z, and the daybook's first page and month totals around it.
Baseline, measured in the same run: one sale committed through ``complete_sale`` (median).
"""

from __future__ import annotations

import argparse
import contextlib
import random
import shutil
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

from pos_tui.config import Settings
from pos_tui.domain.cart import Cart, price_cart
from pos_tui.domain.errors import PosError
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import open_ledger
from pos_tui.services.cash import day_reports, daybook, moves, shifts
from pos_tui.services.cash.daybook import DayRange, MovementFilter
from pos_tui.services.catalog import products as catalog
from pos_tui.services.selling import sales
from pos_tui.services.session import Session, open_session

DATA = Path(__file__).parent / "data"
DEFAULT_STORE = DATA / "demo-1000000-365-275-1.db"
BUSY_SALES = 2000


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall ms, CPU ms) of one call."""
    wall, cpu = time.perf_counter_ns(), time.process_time_ns()
    fn()
    return (time.perf_counter_ns() - wall) / 1e6, (time.process_time_ns() - cpu) / 1e6


def repeat(fn: Callable[[], object], times: int) -> tuple[float, float, float]:
    """(median wall ms, worst wall ms, median CPU ms) over ``times`` calls."""
    samples = [timed(fn) for _ in range(times)]
    walls = [w for w, _ in samples]
    return statistics.median(walls), max(walls), statistics.median(c for _, c in samples)


def _basket(session: Session, rng: random.Random, products: int) -> Cart:
    cart = Cart()
    for _ in range(rng.choice((1, 2, 3, 4, 5, 6))):
        product = catalog.get_product(session, 1 + int((products - 1) * rng.random() ** 2.5))
        cart = cart.add(catalog.line_for(product, 1000 if product.unit == "each" else 500))
    return cart


def busy_day(tills: list[Session], rng: random.Random, products: int) -> list[float]:
    """2,000 sales over two tills with the cash moves of a busy day; returns each sale's wall ms."""
    sale_ms: list[float] = []
    references: list[str] = []
    for till in tills:
        shifts.open_shift(till, float_amount=2_000_000)
    for n in range(BUSY_SALES):
        till = tills[n % len(tills)]
        cart = _basket(till, rng, products)
        total = price_cart(cart, till.tax_policy).total
        tenders = [Tender("card", total)] if rng.random() < 0.4 else [Tender("cash", -(-total // 100_000) * 100_000)]
        started = time.perf_counter_ns()
        try:
            done = sales.complete_sale(till, cart, tenders)
        except PosError:
            continue
        sale_ms.append((time.perf_counter_ns() - started) / 1e6)
        references.append(done.reference)
        if n % 100 == 99:
            moves.drop(till, min(500_000, shifts.drawer_expected(till)), "busy day drop")
        if n % 97 == 0:
            moves.paid_out(till, rng.randint(1, 20) * 1000, "supplies", "busy day")
        if n % 200 == 0:
            moves.no_sale(till, "change for a note")
        if n % 67 == 0 and len(references) > 5:
            with contextlib.suppress(PosError):  # the line was already returned, or weighed less: skip it
                sales.return_items(till, references[-5], [(1, 500)], reason="busy day return")
    for till in tills:
        shifts.close_shift(till, counted=shifts.drawer_expected(till) - 500)
    return sale_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    parser.add_argument("--keep", action="store_true", help="Keep the working copy for another look.")
    args = parser.parse_args()
    work = args.store.with_name(f"{args.store.stem}.cash-bench.db")
    work.unlink(missing_ok=True)
    rows: list[tuple[str, str, float, float, float]] = []  # figure, target, median ms, worst ms, CPU ms

    began = time.perf_counter()
    shutil.copyfile(args.store, work)
    copied = time.perf_counter() - began
    wall, cpu = timed(lambda: open_ledger(work, migrate=True).close())
    print(f"copied in {copied:.1f} s; migrated to the current schema in {wall / 1000:.1f} s (CPU {cpu / 1000:.1f} s)")

    settings = Settings()
    admin = open_session(settings, work, username="admin")
    conn = admin.ledger.conn
    entries = admin.ledger.head().seq
    products = conn.execute("SELECT MAX(product_id) FROM products").fetchone()[0]
    last_day = date.fromisoformat(conn.execute("SELECT MAX(day) FROM journal").fetchone()[0])
    zone = ZoneInfo(admin.ledger.store_info().timezone)
    busy = last_day + timedelta(days=2)
    admin.clock = lambda: datetime.combine(last_day + timedelta(days=1), clock_time(23, 0), zone)

    for shift in shifts.open_shifts(admin):
        wall, cpu = timed(lambda shift=shift: shifts.close_shift(admin, counted=0, shift_id=shift.shift_id))
        rows.append((f"close the migrated year-long shift {shift.shift_id}", "-", wall, wall, cpu))
    wall, cpu = timed(lambda: day_reports.z_report(admin))
    rows.append(("first Z: the whole year in one", "-", wall, wall, cpu))

    noon = datetime.combine(busy, clock_time(12, 0), zone)
    tills = [Session(admin.ledger, settings, "admin", terminal, lambda: noon) for terminal in ("T1", "T2")]
    admin.clock = tills[0].clock
    before = admin.ledger.head().seq
    sale_ms = busy_day(tills, random.Random(1), products)
    baseline = statistics.median(sale_ms)
    print(f"store: {entries:,} journal entries; busy day {busy}: {len(sale_ms)} sales, "
          f"{admin.ledger.head().seq - before} entries")
    rows.append(("one sale, complete_sale (baseline)", "-", baseline, max(sale_ms), 0.0))

    x_median, x_worst, x_cpu = repeat(lambda: day_reports.x_report(admin), 20)
    rows.append((f"X report of the busy day ({len(sale_ms)} sales)", "200", x_median, x_worst, x_cpu))
    wall, cpu = timed(lambda: day_reports.z_report(admin))
    rows.append((f"Z report of the busy day ({len(sale_ms)} sales)", "200", wall, wall, cpu))

    month = DayRange(busy.replace(day=1).isoformat(), busy.isoformat())
    year = DayRange((busy - timedelta(days=365)).isoformat(), busy.isoformat())
    for label, days, where in (
        ("daybook first page, busy day", DayRange(busy.isoformat(), busy.isoformat()), MovementFilter()),
        ("daybook first page, a year", year, MovementFilter()),
        ("daybook first page, a year, paid-outs", year, MovementFilter(kind="cash.paid_out")),
        ("daybook first page, a year, one shift", year, MovementFilter(shift="T1-S0002")),
    ):
        median, worst, cpu = repeat(lambda days=days, where=where: daybook.movements(admin, days, where), 20)
        rows.append((label, "5", median, worst, cpu))
    median, worst, cpu = repeat(lambda: (daybook.totals(admin, month), daybook.sums(admin, month)), 10)
    rows.append(("daybook totals, the busy day's month", "50", median, worst, cpu))
    admin.close()

    print(f"\n{'figure':<48} {'target ms':>9} {'median ms':>10} {'worst ms':>9} {'CPU ms':>8} {'x sale':>7}")
    for figure, target, median, worst, cpu in rows:
        print(f"{figure:<48} {target:>9} {median:>10.2f} {worst:>9.2f} {cpu:>8.2f} {median / baseline:>7.1f}")
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
