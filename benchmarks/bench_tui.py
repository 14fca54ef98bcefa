"""Figures of the cockpit on a big store (see docs/performance.md).

    python benchmarks/bench_tui.py STORE.db            # all figures
    python benchmarks/bench_tui.py STORE.db --startup  # (internal) one cold start, prints seconds

Measures: cold start to the login screen (median of 5 fresh processes), Enter on a scanned code ->
line on screen (p99 of 200 scans), a keystroke in search -> results on screen (p99 of 100), and RSS
after a 50-line sale.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

START = time.perf_counter()


def startup_once(db: Path) -> None:
    from pos_tui.config import Settings
    from pos_tui.services.session import open_session
    from pos_tui.tui.app import PosApp

    session = open_session(Settings(), db)
    app = PosApp(session)

    def ready() -> None:
        print(f"{time.perf_counter() - START:.4f}")
        app.exit()

    app.call_after_refresh(lambda: app.call_after_refresh(ready))
    app.run(headless=True)


def cold_starts(db: Path, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, str(db), "--startup"], capture_output=True, text=True,
                             check=True).stdout
        inner = float(out.strip().splitlines()[-1])
        times.append(time.perf_counter() - began)
        del inner
    return statistics.median(times)


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def counter(db: Path) -> dict[str, float]:
    from textual.widgets import DataTable, Input

    from pos_tui.config import Settings
    from pos_tui.services.session import open_session
    from pos_tui.tui.app import PosApp
    from pos_tui.tui.messages import BarcodeScanned, SearchResults
    from pos_tui.tui.theme import ThemeMemory

    session = open_session(Settings(), db)
    codes = [code for (code,) in session.ledger.conn.execute(
        "SELECT code FROM barcodes WHERE length(code) = 13 AND code NOT LIKE '2%' ORDER BY code LIMIT 50")]
    app = PosApp(session, theme_memory=ThemeMemory(Path("/tmp"), key="bench"))
    results: dict[str, float] = {}
    seen: dict[str, float] = {}

    def hook(message: object) -> None:
        if isinstance(message, SearchResults):
            seen[message.query] = time.perf_counter()

    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        users = session.ledger.conn.execute("SELECT username FROM users ORDER BY username").fetchall()
        del users
        from pos_tui.services.users import User

        app.post_message(__import__("pos_tui.tui.messages", fromlist=["LoggedIn"]).LoggedIn(
            User("admin", "Admin", "admin")))
        while app.current_mode != "bucket":
            await pilot.pause(0.01)
        await pilot.pause(0.2)
        screen = app.screen
        table = screen.query_one("#cart", DataTable)
        scans = []
        for i in range(200):
            code = codes[i % len(codes)]
            began = time.perf_counter()
            screen.post_message(BarcodeScanned(code))
            await pilot.pause()
            scans.append(time.perf_counter() - began)
            assert table.row_count >= 1
            if i == 49:
                results["rss_mb_after_50_lines"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results["scan_p99_ms"] = p99(scans) * 1000
        results["scan_median_ms"] = statistics.median(scans) * 1000

        field = screen.query_one("#scan", Input)
        words = ["b", "ba", "bas", "basm", "ri", "ric", "rice", "t", "te", "tea"] * 10
        latencies = []
        for word in words:
            began = time.perf_counter()
            field.value = word
            while word not in seen:  # the worker's answer for this very query
                await pilot.pause(0.001)
            await pilot.pause()
            latencies.append(time.perf_counter() - began)
            seen.clear()
        results["search_p99_ms"] = p99(latencies) * 1000
        results["search_median_ms"] = statistics.median(latencies) * 1000
    session.close()
    return results


def main() -> None:
    db = Path(sys.argv[1])
    if "--startup" in sys.argv:
        startup_once(db)
        return
    figures = {"cold_start_median_s": cold_starts(db)}
    figures.update(asyncio.run(counter(db)))
    for name, value in figures.items():
        print(f"{name:28} {value:10.2f}")


if __name__ == "__main__":
    main()
