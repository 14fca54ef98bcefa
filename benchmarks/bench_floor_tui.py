"""Opening a table and adding a line at the till, on a floor of 200 tables (issue 20; docs/performance.md).

    python benchmarks/bench_floor_tui.py [--tables 200] [--scans 3] [--open N]

What is timed, on the real app, headless under `run_test` (the same clock as bench_tui.py's scan):
- open, asked: on the floor screen (Ctrl+B), a table's number typed, then Enter; the clock starts when
  Enter enters the app and stops when the frame that shows the covers question has been written.
- open, shown: Enter on the covers (blank: the default 2) until the frame that shows the table's order
  with its order read (one event written: the table opened).
- scan: on the table's order, a keyboard-wedge burst (13 digits ~3 ms apart) and Enter, until the frame
  that shows the new line in the order's list (one event written: the line added).
- anchor, in the same run: one key echoed by the floor's table field, 20 before and one after every
  tenth table, so it sees the same load.
Every table of the floor (or the first --open N) is opened once; p50 and p99 in ms, and CPU ms of this
process per action (the app's worker threads included). Keys are posted as the terminal driver does
and a hook on ``App._display`` stops the clock (the pilot's idle waits would be measured otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench_tui import FrameClock, p99


def settings_for(tables: int) -> object:
    from pos_tui.config import FloorSettings, RestaurantSettings, Settings, TerminalSettings

    per_floor = tables // 4
    return Settings(terminal=TerminalSettings(id="T1", mode="restaurant"), restaurant=RestaurantSettings(floors=[
        FloorSettings(name=f"Floor {f}", tables=list(range(f * 100 + 1, f * 100 + per_floor + 1)))
        for f in range(4)]))


def code_of(n: int) -> str:
    from pos_tui.domain.barcode import gtin_check_digit

    body = f"29{n:010d}"
    return body + str(gtin_check_digit(body))


def build_store(folder: Path, tables: int) -> Path:
    from pos_tui.domain.events import BarcodeSpec, ProductDetails
    from pos_tui.services.catalog import products
    from pos_tui.services.store import init_store

    path = folder / "bench.db"
    session = init_store(settings_for(tables), path, admin="admin", admin_pin="456789")  # type: ignore[arg-type]
    products.add_products(session, [
        ProductDetails(f"M-{n}", f"Dish {n}", f"Cat {n % 8}", "Kitchen", "each", 50_000 + n, 20_000, "std", 0,
                       barcodes=(BarcodeSpec(code_of(n)),))
        for n in range(1, 401)])
    session.close()
    return path


def summary(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples) * 1000, p99(samples) * 1000


async def floor_run(db: Path, tables: int, scans: int, to_open: int) -> dict[str, float]:
    import importlib

    importlib.import_module("pos_tui.tui")  # first, as `pos` does: the cockpit sets Textual's frame rate
    from textual import events
    from textual.widgets import DataTable, Input

    from pos_tui.services.session import open_session
    from pos_tui.services.staff.users import User
    from pos_tui.tui.app import PosApp
    from pos_tui.tui.messages import LoggedIn
    from pos_tui.tui.screens.floor import FloorScreen
    from pos_tui.tui.theme import ThemeMemory

    settings = settings_for(tables)
    session = open_session(settings, db)  # type: ignore[arg-type]
    numbers = [t for f in session.settings.restaurant.floors for t in f.tables]
    clock = FrameClock()
    app = PosApp(session, theme_memory=ThemeMemory(Path(tempfile.mkdtemp()), key="bench"))
    display = app._display

    def timed_display(screen: object, update: object) -> None:
        display(screen, update)  # type: ignore[arg-type]
        clock.frame_written()

    app._display = timed_display  # type: ignore[method-assign]

    def key(char: str, at: float | None = None) -> None:
        event = events.Key({"\r": "enter", "\x1b": "escape"}.get(char, char), char)
        if at is not None:  # a scanner's own pace, whatever the loaded box does to our sleeps
            event.time = at
        app.post_message(event)

    async def timed(shown: object, last_key: str, cpu: list[float], what: str) -> None:
        cpu_before = time.process_time()
        clock.start(shown)  # type: ignore[arg-type]
        key(last_key)
        try:
            await clock.wait(60.0)  # a stall (a full collection on a loaded box) is measured, not a crash
        except TimeoutError:
            raise RuntimeError(f"{what}: not shown; screen {app.screen!r}") from None
        cpu.append(time.process_time() - cpu_before)

    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(LoggedIn(User("admin", "Admin", "admin")))
        while app.current_mode not in ("floor", "bucket"):
            await pilot.pause(0.01)
        if app.current_mode != "floor":
            await app.switch_mode("floor")
        while not (isinstance(app.screen, FloorScreen) and app.screen.plan):
            await pilot.pause(0.01)
        await asyncio.sleep(0.3)
        floor_screen = app.screen
        jump = floor_screen.query_one("#floor-jump", Input)
        panel = floor_screen.order_panel  # type: ignore[attr-defined]
        lines = panel.query_one("#order-lines", DataTable)

        echoes: list[float] = []
        echo_cpu: list[float] = []

        async def echo(char: str) -> None:
            """The anchor: one key echoed in the floor's table field, under the same load as the rest."""
            await timed(lambda: jump.value == char, char, echo_cpu, "echo")
            echoes.append(clock.took.pop())
            jump.value = ""
            await asyncio.sleep(0.3)  # a pause: this key is not the start of a table's number

        for n in range(3):  # warm-up, not counted
            await echo(str(n))
        echoes.clear()
        echo_cpu.clear()
        for n in range(20):
            await echo(str(n % 10))

        asked: list[float] = []
        asked_cpu: list[float] = []
        opened: list[float] = []
        opened_cpu: list[float] = []
        scanned: list[float] = []
        scan_cpu: list[float] = []
        for index, table in enumerate(numbers[: to_open or None]):
            for char in str(table):  # typed by a person
                key(char)
                await asyncio.sleep(0.05)
            await timed(lambda table=table: floor_screen.covers_for == table, "\r", asked_cpu,
                        f"table {table}: covers asked")
            asked.append(clock.took.pop())
            await asyncio.sleep(0.2)  # the waiter reads the question

            def order_shown(table: int = table) -> bool:
                return bool(panel.display) and panel.table == table and panel.order is not None

            await timed(order_shown, "\r", opened_cpu, f"table {table}: order shown")
            opened.append(clock.took.pop())
            await asyncio.sleep(0.2)
            for n in range(scans):
                code = code_of((index * scans + n) % 400 + 1)
                cpu_before = time.process_time()
                began = time.monotonic()
                for position, char in enumerate(code):
                    key(char, began + position * 0.003)
                    await asyncio.sleep(0.003)
                await timed(lambda n=n: lines.row_count == n + 1, "\r", scan_cpu,
                            f"table {table}: scan {n}")
                scan_cpu[-1] = time.process_time() - cpu_before  # the 13 digit keys too, not only Enter
                scanned.append(clock.took.pop())
                await asyncio.sleep(0.05)  # the next dish: a scanner needs a moment between codes
            key("\x1b")
            while floor_screen.showing_order or not jump.has_focus:  # type: ignore[attr-defined]
                await pilot.pause(0.01)
            await asyncio.sleep(0.2)
            if index % 10 == 9:
                await echo(str(index % 10))

    session.close()
    figures: dict[str, float] = {"tables": len(numbers), "opened": len(opened), "scans": len(scanned),
                                 "echoes": len(echoes)}
    for name, samples, cpu in (("echo", echoes, echo_cpu), ("open_asked", asked, asked_cpu),
                               ("open_shown", opened, opened_cpu), ("scan_line", scanned, scan_cpu)):
        figures[f"{name}_p50_ms"], figures[f"{name}_p99_ms"] = summary(samples)
        figures[f"{name}_cpu_ms_each"] = statistics.mean(cpu) * 1000
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=200)
    parser.add_argument("--scans", type=int, default=3, help="lines scanned onto each table")
    parser.add_argument("--open", type=int, default=0, help="how many of the tables to open (0: all)")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        db = build_store(Path(folder), args.tables)
        figures = asyncio.run(floor_run(db, args.tables, args.scans, args.open))
    figures["scan_p99_ratio_to_echo"] = figures["scan_line_p99_ms"] / figures["echo_p99_ms"]
    for name, value in figures.items():
        print(f"{name:28} {value:10.3f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
