"""Staff and trust on a demo store (see docs/performance.md, "Staff and trust").

    python benchmarks/bench_staff.py                    # a migrated copy of the 20k-SKU, 30-day demo store
    python benchmarks/bench_staff.py --store STORE.db   # any store (it is copied, never changed)

Times, with CPU time: the permission check every guarded action makes (``authz.can``), a login
(scrypt), the audit over the store's whole history, sales per cashier and per hour, commissions.
Baselines measured in the same run: a primary-key lookup of the user's role (for ``can``), and one
indexed COUNT over the same days of journal rows (audit) or sales (the employee figures).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pos_tui.config import CommissionRuleSettings, Settings, StaffSettings
from pos_tui.domain.permissions import Action
from pos_tui.ledger.database import open_ledger
from pos_tui.services.session import Session
from pos_tui.services.staff import audit, authz, employees, users

DATA = Path(__file__).parent / "data"
DEFAULT_STORE = DATA / "demo-20000-30-275-1.db"


def repeat(fn: Callable[[], object], times: int) -> tuple[float, float]:
    """(median wall ms, median CPU ms) over ``times`` calls."""
    walls, cpus = [], []
    for _ in range(times):
        wall, cpu = time.perf_counter_ns(), time.process_time_ns()
        fn()
        walls.append((time.perf_counter_ns() - wall) / 1e6)
        cpus.append((time.process_time_ns() - cpu) / 1e6)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-staff-") as tmp:
        copy = Path(tmp) / "store.db"
        shutil.copy(args.store, copy)
        open_ledger(copy, migrate=True).close()
        rules = [CommissionRuleSettings(category=c, percent_bp=200) for c in ("Tea", "Dairy", "Snacks")]
        settings = Settings(staff=StaffSettings(commission=rules))
        session = Session(open_ledger(copy), settings, "cashier")
        conn = session.ledger.conn
        first, last, entries, sales_count = conn.execute(
            "SELECT MIN(day), MAX(day), COUNT(*), (SELECT COUNT(*) FROM sales) FROM journal"
        ).fetchone()
        users.add_user(session.as_user("admin"), "bench", "2580")
        rows = [
            ("baseline: role by primary key", *repeat(lambda: conn.execute(
                "SELECT role FROM users WHERE username = ?", ("cashier",)).fetchone(), 2000)),
            ("authz.can (cashier, void_sale)", *repeat(lambda: authz.can(session, Action.VOID_SALE), 2000)),
            ("users.login (scrypt + journal entry)", *repeat(lambda: users.login(session, "bench", "2580"), 20)),
            ("baseline: COUNT journal rows of the range", *repeat(lambda: conn.execute(
                "SELECT COUNT(*) FROM journal WHERE day BETWEEN ? AND ?", (first, last)).fetchone(), 5)),
            ("audit_events, whole history", *repeat(lambda: audit.audit_events(session, first, last), 5)),
            ("baseline: COUNT, SUM sales of the range", *repeat(lambda: conn.execute(
                "SELECT COUNT(*), SUM(total) FROM sales WHERE day BETWEEN ? AND ?", (first, last)).fetchone(), 5)),
            ("sales_per_cashier", *repeat(lambda: employees.sales_per_cashier(session, first, last), 5)),
            ("sales_per_hour", *repeat(lambda: employees.sales_per_hour(session, first, last), 5)),
            ("commissions", *repeat(lambda: employees.commissions(session, first, last), 5)),
        ]
        found = len(audit.audit_events(session, first, last))
        session.close()
    print(f"store {args.store.name}: {entries} journal entries, {sales_count} sales, {first}..{last};"
          f" the audit finds {found} events")
    print(f"{'step':<44} {'median ms':>10} {'CPU ms':>8}")
    for name, wall, cpu in rows:
        print(f"{name:<44} {wall:>10.3f} {cpu:>8.3f}")
    print(f"ratios: can / PK lookup = {rows[1][1] / rows[0][1]:.1f}; audit / COUNT journal ="
          f" {rows[4][1] / rows[3][1]:.1f}; per cashier / COUNT sales = {rows[6][1] / rows[5][1]:.1f};"
          f" commissions / COUNT sales = {rows[8][1] / rows[5][1]:.1f}")


if __name__ == "__main__":
    main()
