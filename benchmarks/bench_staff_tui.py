"""The supervisor approval and the audit screen, as a person at the till sees them (docs/performance.md,
"Staff at the till").

    python benchmarks/bench_staff_tui.py                    # a migrated copy of the 20k-SKU, 30-day demo store
    python benchmarks/bench_staff_tui.py --store STORE.db   # any store (it is copied, never changed)

Timed in the real app, headless, with key events posted as the terminal driver does; the clock stops on
the first frame written (``App._display``) that shows the result:
- baseline: Ctrl+D by a supervisor, who may void alone: the line is gone from the cart on screen.
- Ctrl+D by a cashier: the approval dialog is on screen (the role check plus pushing the dialog).
- Enter on the dialog's last field: the supervisor's PIN is checked (scrypt) and the line is gone.
- Ctrl+Y: the audit of the store's last day is on screen, against switching to the warehouse (F2).
Medians of N rounds, with the process's CPU time per round.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_tui import FrameClock

DATA = Path(__file__).parent / "data"
DEFAULT_STORE = DATA / "demo-20000-30-275-1.db"
ROUNDS = 20


async def till(db: Path) -> list[tuple[str, float, float]]:
    from textual import events
    from textual.widgets import DataTable, Input

    from pos_tui.config import Settings
    from pos_tui.services.session import open_session
    from pos_tui.services.staff.users import User
    from pos_tui.tui.app import PosApp
    from pos_tui.tui.dialogs.approval import ApprovalDialog
    from pos_tui.tui.messages import LoggedIn
    from pos_tui.tui.theme import ThemeMemory

    session = open_session(Settings(), db)
    code = session.ledger.conn.execute(
        "SELECT code FROM barcodes WHERE length(code) = 13 AND code NOT LIKE '2%' ORDER BY code LIMIT 1"
    ).fetchone()[0]
    last_day = session.ledger.conn.execute("SELECT MAX(day) FROM journal").fetchone()[0]
    noon = datetime.fromisoformat(f"{last_day}T07:00:00+00:00")  # the store's last day, so "today" has events
    session.clock = lambda: noon
    clock = FrameClock()
    app = PosApp(session, theme_memory=ThemeMemory(Path(tempfile.mkdtemp()), key="bench"))
    app.idle_lock_s = 0
    display = app._display

    def timed_display(screen: object, update: object) -> None:
        display(screen, update)  # type: ignore[arg-type]
        clock.frame_written()

    app._display = timed_display  # type: ignore[method-assign]

    def key(name: str, char: str | None = None) -> None:
        app.post_message(events.Key(name, char))

    async def log_in(username: str, role: str) -> None:
        app.post_message(LoggedIn(User(username, username.title(), role)))
        while app.current_mode != "bucket" or app.user is None or app.user.username != username:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)

    async def one_line() -> None:
        bucket = app.screen
        bucket.query_one("#scan", Input).value = code
        key("enter", "\r")
        while len(bucket.cart.lines) != 1:  # type: ignore[attr-defined]
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)

    rows: list[tuple[str, float, float]] = []

    def figure(name: str, took: list[float], cpu: list[float]) -> None:
        rows.append((name, statistics.median(took) * 1000, statistics.median(cpu) * 1000))

    async with app.run_test(size=(120, 40)):
        await log_in("supervisor", "supervisor")
        took, cpu = [], []
        for _ in range(ROUNDS):
            await one_line()
            bucket = app.screen
            began = time.process_time()
            clock.start(lambda b=bucket: not b.cart.lines)  # type: ignore[attr-defined]
            key("ctrl+d")
            await clock.wait()
            cpu.append(time.process_time() - began)
        figure("baseline: Ctrl+D, supervisor voids alone", clock.took, cpu)
        clock.took = []

        app.action_lock()
        await log_in("cashier", "cashier")
        asked, asked_cpu, approved, approved_cpu = [], [], [], []
        for _ in range(ROUNDS):
            await one_line()
            bucket = app.screen
            began = time.process_time()
            clock.start(lambda: isinstance(app.screen, ApprovalDialog))
            key("ctrl+d")
            await clock.wait()
            asked_cpu.append(time.process_time() - began)
            asked.append(clock.took.pop())
            dialog = app.screen
            dialog.query_one("#approver", Input).value = "supervisor"
            dialog.query_one("#approver-pin", Input).value = "2345"
            dialog.query_one("#approval-reason", Input).value = "bench"
            dialog.query_one("#approval-reason", Input).focus()
            await asyncio.sleep(0.05)
            began = time.process_time()
            clock.start(lambda b=bucket: app.screen is b and not b.cart.lines)  # type: ignore[attr-defined]
            key("enter", "\r")
            await clock.wait()
            approved_cpu.append(time.process_time() - began)
            approved.append(clock.took.pop())
        figure("Ctrl+D, cashier: approval dialog shown", asked, asked_cpu)
        figure("Enter: supervisor PIN checked, line gone", approved, approved_cpu)

        app.action_lock()
        await log_in("manager", "manager")
        for name, mode, ready in (
            ("baseline: F2, the warehouse's first page", "warehouse",
             lambda: app.screen.query_one("#products", DataTable).row_count > 0),
            ("Ctrl+Y, the audit of the last day shown", "audit",
             lambda: app.screen.query_one("#audit-events", DataTable).row_count > 0),
        ):
            took, cpu = [], []
            for _ in range(ROUNDS):
                app.switch_mode("bucket")
                await asyncio.sleep(0.1)
                await app.remove_mode(mode)
                app.add_mode(mode, type(app).MODES[mode])
                began = time.process_time()
                clock.start(lambda mode=mode, ready=ready: app.current_mode == mode and ready())
                key("f2" if mode == "warehouse" else "ctrl+y")
                await clock.wait()
                cpu.append(time.process_time() - began)
                took.append(clock.took.pop())
            figure(name, took, cpu)
        events_found = len(app.screen.events)  # type: ignore[attr-defined]
    session.close()
    print(f"the audit of {last_day} lists {events_found} events")
    return rows


def main() -> None:
    from pos_tui.ledger.database import open_ledger

    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-staff-tui-") as tmp:
        copy = Path(tmp) / "store.db"
        shutil.copy(args.store, copy)
        open_ledger(copy, migrate=True).close()
        rows = asyncio.run(till(copy))
    print(f"{'step':<46} {'median ms':>10} {'CPU ms':>8}")
    for name, wall, cpu in rows:
        print(f"{name:<46} {wall:>10.1f} {cpu:>8.1f}")
    print(f"ratios: dialog shown / supervisor's own void = {rows[1][1] / rows[0][1]:.1f};"
          f" approved void / own void = {rows[2][1] / rows[0][1]:.1f};"
          f" audit / warehouse = {rows[4][1] / rows[3][1]:.1f}")


if __name__ == "__main__":
    main()
