"""F4 Reports screen benchmark: from choosing a report to its table on screen, on the reports
benchmark store (bench_reports.py builds it: a year of trading, ~1,000,000 sales), against the
service call alone measured in the same run.

    python benchmarks/bench_reports_tui.py                          # the store bench_reports.py uses
    python benchmarks/bench_reports_tui.py --sales-per-day 300      # its quick-look store
    python benchmarks/bench_reports_tui.py --reports sales-by-day,sales-by-item --runs 3

For each report and range (this month, this year up to the store's last day) it times, in the real
app under Textual's headless driver at 120x40 on a read-only seat:
  service  `reports.run_report` with the screen's row limit, in this thread (the baseline);
  shown    ReportsScreen.choose_report -> the worker -> the table filled (the ReportShown message);
  painted  shown, then the app idle again (the frame with the table rendered);
with the process CPU time over the painted span (workers run in threads). p50 of --runs runs after
one warm-up; "added" is painted - service (what the screen adds to the query), "ratio" painted / service.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench_reports import DATA, ensure_store  # the same store the reports benchmark measures

from pos_tui.config import Settings
from pos_tui.services.reports import registry
from pos_tui.services.session import Session, open_session
from pos_tui.tui.app import PosApp
from pos_tui.tui.screens.reports import ROW_LIMIT, ReportShown, ReportsScreen
from pos_tui.tui.theme import ThemeMemory


def service_ms(session: Session, name: str, query: registry.ReportQuery, runs: int) -> float:
    registry.run_report(session, name, query)
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        registry.run_report(session, name, query)
        times.append((time.perf_counter_ns() - start) / 1e6)
    return statistics.median(times)


async def screen_runs(session: Session, names: list[str], runs: int, size: tuple[int, int]) -> dict[tuple[str, str],
                                                                                                    list[tuple[float,
                                                                                                               float,
                                                                                                               float,
                                                                                                               int]]]:
    """(shown ms, painted ms, CPU ms, rows) per run, keyed by (report, range)."""
    from textual.widgets import Input, Select

    shown = asyncio.Event()
    last_rows = [0]

    def hook(message: object) -> None:
        if isinstance(message, ReportShown):
            last_rows[0] = message.rows
            shown.set()

    results: dict[tuple[str, str], list[tuple[float, float, float, int]]] = {}
    with tempfile.TemporaryDirectory() as state:
        app = PosApp(session, theme_memory=ThemeMemory(Path(state), key="bench"))
        async with app.run_test(size=size, message_hook=hook) as pilot:
            app.screen.query_one("#user", Input).value = "admin"
            app.screen.query_one("#pin", Input).value = "456789"
            app.screen.query_one("#pin", Input).focus()
            await pilot.press("enter")
            while app.current_mode != "reports":  # a read-only seat lands on the reports
                await pilot.pause(0.05)
            try:
                await asyncio.wait_for(shown.wait(), 120)
            except TimeoutError:
                raise SystemExit(f"No report came: {app.screen.query_one('#status').content}") from None
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReportsScreen)
            for range_name in ("month", "year"):
                if screen.range_name != range_name:
                    shown.clear()
                    screen.query_one("#rp-range", Select).value = range_name
                    await asyncio.wait_for(shown.wait(), 120)
                    await pilot.pause()
                for name in names:
                    samples = []
                    for run in range(runs + 1):
                        shown.clear()
                        start, cpu = time.perf_counter_ns(), time.process_time_ns()
                        screen.choose_report(name)
                        await asyncio.wait_for(shown.wait(), 120)
                        at_shown = time.perf_counter_ns()
                        await pilot.pause()
                        painted, cpu_used = time.perf_counter_ns(), time.process_time_ns() - cpu
                        if run:  # the first is the warm-up (page cache, first measure of the columns)
                            samples.append(((at_shown - start) / 1e6, (painted - start) / 1e6, cpu_used / 1e6,
                                            last_rows[0]))
                    results[(name, range_name)] = samples
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skus", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sales-per-day", type=int, default=2_740)
    parser.add_argument("--lines-per-sale", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reports", default="", help="Comma-separated names (default: every report).")
    parser.add_argument("--size", default="120x40", help="Terminal size, e.g. 80x24.")
    args = parser.parse_args()
    names = [n for n in args.reports.split(",") if n] or registry.report_names()
    width, height = (int(v) for v in args.size.split("x"))
    sizes = (args.skus, args.days, args.sales_per_day, args.lines_per_sale, args.seed)
    if not (DATA / ("reports-" + "-".join(map(str, sizes)) + ".json")).exists():
        # ensure_store would (re)build it, and delete a half-built one another run is still writing.
        raise SystemExit("The store is missing or still being built: run bench_reports.py --build-only with the"
                         " same sizes first.")
    path, built = ensure_store(*sizes)
    session = open_session(Settings(), path, read_only=True)
    try:
        (last,) = session.ledger.conn.execute("SELECT MAX(day) FROM sales").fetchone()
        zone = ZoneInfo(session.ledger.store_info().timezone)
        noon = datetime.combine(date.fromisoformat(last), datetime.min.time().replace(hour=12), zone)
        session.clock = lambda: noon.astimezone(UTC)  # "this month" and "this year" end on the store's last day
        print(f"store: {path.name}, {int(built['sales']):,} sales up to {last}; {args.runs} runs after a warm-up;"
              f" terminal {width}x{height}")
        started = time.perf_counter()
        measured = asyncio.run(screen_runs(session, names, args.runs, (width, height)))
        print(f"{'report':<24}{'range':>6}{'service':>9}{'shown':>8}{'painted':>9}{'added':>7}{'ratio':>7}"
              f"{'cpu ms':>8}{'rows':>6}")
        today = date.fromisoformat(last)
        worst = 0.0
        for (name, range_name), samples in measured.items():
            first = today.replace(day=1) if range_name == "month" else today.replace(month=1, day=1)
            base = service_ms(session, name, registry.ReportQuery(first.isoformat(), last, limit=ROW_LIMIT), args.runs)
            shown = statistics.median(s[0] for s in samples)
            painted = statistics.median(s[1] for s in samples)
            cpu = statistics.median(s[2] for s in samples)
            worst = max(worst, painted)
            print(f"{name:<24}{range_name:>6}{base:9.1f}{shown:8.1f}{painted:9.1f}{painted - base:7.0f}"
                  f"{painted / base:7.1f}{cpu:8.1f}{samples[-1][3]:6d}")
        print(f"slowest report to the painted table: {worst:.0f} ms (p50);"
              f" whole run {time.perf_counter() - started:.0f} s")
    finally:
        session.close()


if __name__ == "__main__":
    main()
