"""Receiving a 1,000-line purchase order by scan at the till (issue 19; see docs/performance.md).

    python benchmarks/bench_receiving_tui.py [--lines 1000]

What is timed, and from where to where (the same clock as bench_tui.py's scan at the counter):
- scan: a keyboard-wedge burst (13 digits ~3 ms apart) goes into the receiving screen as key events;
  the clock starts when Enter enters the app and stops when the frame that shows the line's new
  scanned quantity, with the cursor on it and scrolled into view, has been written. p50 and p99.
- anchor for the scan, in the same run: one key echoed by the scan field (a character appears), 20
  before the scans and one after every tenth scan, so both see the same load.
- posting the receipt: CPU seconds of this process from F12 to the success sentence on screen (the
  service's one event of 1,000 lines, and the screen redrawn). Anchor in the same run: CPU seconds of
  1,000 plain stock adjustments, one event each (the cost of writing to the journal at all).

The app is the real one, headless, under `run_test`; keys are posted as the terminal driver does and
a hook on ``App._display`` stops the clock (the pilot's idle waits would be measured otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench_tui import FrameClock, p99, row_in_view


def build_store(folder: Path, lines: int) -> Path:
    from pos_tui.config import Settings
    from pos_tui.domain.barcode import gtin_check_digit
    from pos_tui.domain.events import BarcodeSpec, ProductDetails
    from pos_tui.services.catalog import products
    from pos_tui.services.inventory import orders
    from pos_tui.services.store import init_store

    path = folder / "bench.db"
    session = init_store(Settings(), path, admin="admin", admin_pin="456789")
    details = [ProductDetails(f"SKU-{n:05d}", f"Product {n}", f"Cat {n % 40}", "Vendor 1", "each", 10_000, 7_000,
                              "std", 0, barcodes=(BarcodeSpec(code_of(n, gtin_check_digit)),))
               for n in range(1, lines + 1)]
    products.add_products(session, details)
    orders.create_order(session, "Vendor 1", [(f"SKU-{n:05d}", 1000, 7_100) for n in range(1, lines + 1)])
    session.close()
    return path


def code_of(n: int, check: object) -> str:
    body = f"40{n:010d}"
    return body + str(check(body))  # type: ignore[operator]


async def receive(db: Path, lines: int) -> dict[str, float]:
    import importlib

    importlib.import_module("pos_tui.tui")  # first, as `pos` does: the cockpit sets Textual's frame rate
    from textual import events
    from textual.widgets import Input

    from pos_tui.config import Settings
    from pos_tui.domain.barcode import gtin_check_digit
    from pos_tui.services.inventory import orders
    from pos_tui.services.session import open_session
    from pos_tui.services.staff.users import User
    from pos_tui.tui.app import PosApp
    from pos_tui.tui.messages import LoggedIn
    from pos_tui.tui.screens.receiving import ReceivingScreen, ReceivingTable
    from pos_tui.tui.theme import ThemeMemory

    session = open_session(Settings(), db)
    clock = FrameClock()
    app = PosApp(session, theme_memory=ThemeMemory(Path(tempfile.mkdtemp()), key="bench"))
    display = app._display

    def timed_display(screen: object, update: object) -> None:
        display(screen, update)  # type: ignore[arg-type]
        clock.frame_written()

    app._display = timed_display  # type: ignore[method-assign]
    figures: dict[str, float] = {}

    def key(char: str, at: float | None = None) -> None:
        event = events.Key("enter" if char == "\r" else char, char)
        if at is not None:  # a scanner's own pace, whatever the loaded box does to our sleeps
            event.time = at
        app.post_message(event)

    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(LoggedIn(User("admin", "Admin", "admin")))
        while app.current_mode != "bucket":
            await pilot.pause(0.01)
        await app.switch_mode("warehouse")
        app.push_screen(ReceivingScreen(orders.get_order(session, 1)))
        while not isinstance(app.screen, ReceivingScreen):
            await pilot.pause(0.01)
        await asyncio.sleep(0.3)
        screen = app.screen
        field = screen.query_one("#scan", Input)
        table = screen.query_one(ReceivingTable)

        echoes: list[float] = []

        async def echo(char: str) -> None:
            """The anchor: one key echoed in the scan field, measured between scans under the same load."""
            clock.start(lambda: field.value == char)
            key(char)
            await clock.wait()
            echoes.append(clock.took.pop())
            field.value = ""
            await asyncio.sleep(0.3)  # a pause: this key is not the start of the next scan

        for n in range(3):  # warm-up, not counted: the first keys after the screen opened
            await echo(str(n))
        echoes.clear()
        for n in range(20):
            await echo(str(n % 10))

        scan_cpu = 0.0
        for row in range(lines):
            cpu_before = time.process_time()
            code = code_of(row + 1, gtin_check_digit)
            began = time.monotonic()
            for n, char in enumerate(code):
                key(char, began + n * 0.003)
                await asyncio.sleep(0.003)

            def line_shown(row: int = row) -> bool:
                return (table.rows[row][4] == "1" and table.cursor_row == row and row_in_view(table, row))

            clock.start(line_shown)
            key("\r", max(time.monotonic(), began + len(code) * 0.003))
            try:
                await clock.wait()
            except TimeoutError:
                raise RuntimeError(f"row {row} not shown: {screen.query_one('#status').content!r}"
                                   f" {table.rows[row]!r} field {field.value!r}") from None
            scan_cpu += time.process_time() - cpu_before
            await asyncio.sleep(0.02)  # the next carton: a scanner needs a moment between codes
            if row % 10 == 9:
                await echo(str(row % 10))
        figures["echo_p50_ms"] = statistics.median(echoes) * 1000
        figures["echo_p99_ms"] = p99(echoes) * 1000
        figures["echoes"] = len(echoes)
        figures["scan_cpu_ms_each"] = scan_cpu / lines * 1000  # 13 digit keys + Enter, to the frame
        figures["scan_p50_ms"] = statistics.median(clock.took) * 1000
        figures["scan_p99_ms"] = p99(clock.took) * 1000
        figures["scans"] = len(clock.took)

        status = screen.query_one("#status")
        cpu_before = time.process_time()
        await pilot.press("f12")
        while "Received" not in str(status.content):  # type: ignore[attr-defined]
            await asyncio.sleep(0.005)
        figures["post_receipt_cpu_s"] = time.process_time() - cpu_before
        assert orders.get_order(session, 1).status == "received"
    session.close()
    return figures


def adjustments_anchor(db: Path, count: int) -> float:
    from pos_tui.config import Settings
    from pos_tui.services.catalog import products
    from pos_tui.services.session import open_session

    session = open_session(Settings(), db, username="admin")
    try:
        start = time.process_time()
        for product_id in range(1, count + 1):
            products.adjust_stock(session, product_id, -1000, "count")
        return time.process_time() - start
    finally:
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        db = build_store(Path(folder), args.lines)
        figures = asyncio.run(receive(db, args.lines))
        figures["anchor_adjustments_cpu_s"] = adjustments_anchor(db, args.lines)
    figures["scan_p99_ratio_to_echo"] = figures["scan_p99_ms"] / figures["echo_p99_ms"]
    figures["post_ratio_to_anchor"] = figures["post_receipt_cpu_s"] / figures["anchor_adjustments_cpu_s"]
    for name, value in figures.items():
        print(f"{name:28} {value:10.3f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
