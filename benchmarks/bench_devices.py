"""Device figures: a scan through evdev into the cart, and a 30-line receipt laid out and rendered.

    .venv/bin/python benchmarks/bench_devices.py [--scans 1000] [--no-docs]

(a) Scan -> line in cart: real ``struct input_event`` records are written into a pipe that stands in
for the scanner's event node (``InputDevice.__new__``: no ioctls); evdev's own reader, the key
decoder and ``EvdevScanner`` deliver the scan on the scanner thread, which hands it to the main
thread (as the TUI does), where ``catalog.resolve_scan`` looks it up and ``Cart.add`` adds it.
Timed from the write of the first key record to the cart holding the line. The store is the
largest demo store in benchmarks/data (1,000,000 SKUs when present), else a generated 100,000-SKU one.

(b) Receipt: ``layout_receipt`` + ``EscPosRenderer.render`` of a recorded 30-line cash sale (and, for
reference, with ``receipt_data`` reading it from the database first).

Targets (issue "Real counter hardware"): (a) p99 <= 20 ms, (b) <= 20 ms. Appends a "Devices" section
to docs/performance.md unless --no-docs.
"""

from __future__ import annotations

import argparse
import os
import platform
import queue
import random
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the tests' real input_event helpers

from pos_tui.config import Settings  # noqa: E402
from pos_tui.devices.backoff import Backoff  # noqa: E402
from pos_tui.devices.escpos_render import EscPosRenderer, PrinterSettings  # noqa: E402
from pos_tui.devices.evdev_scanner import EvdevScanner, EvdevScannerConfig  # noqa: E402
from pos_tui.devices.receipt import ReceiptLayout, layout_receipt  # noqa: E402
from pos_tui.devices.scan_source import Scan, ScannerState  # noqa: E402
from pos_tui.domain.cart import Cart, price_cart  # noqa: E402
from pos_tui.domain.tender import Tender  # noqa: E402
from pos_tui.services.catalog import products  # noqa: E402
from pos_tui.services.selling import sales  # noqa: E402
from pos_tui.services.selling.receipts import receipt_data  # noqa: E402
from pos_tui.services.session import Session, open_session  # noqa: E402
from tests.devices.input_events import pipe_input_device, typed  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
GENERATED = ROOT / "var" / "bench" / "devices-100k.db"
GENERATED_SKUS = 100_000
TARGET_MS = 20.0
CART_SIZE = 30  # a new cart after this many lines, like a till


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def product_count(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM products").fetchone()[0])
    except sqlite3.Error:
        return 0


def find_store() -> Path:
    stores = sorted(((product_count(path), path) for path in DATA.glob("*.db")), reverse=True)
    if stores and stores[0][0] >= 1_000_000:
        return stores[0][1]
    if product_count(GENERATED) < GENERATED_SKUS:
        from pos_tui.services.demo.store import build_demo

        print(f"Generating a {GENERATED_SKUS:,}-SKU store (once) ...", flush=True)
        GENERATED.parent.mkdir(parents=True, exist_ok=True)
        GENERATED.unlink(missing_ok=True)
        build_demo(Settings(), GENERATED, skus=GENERATED_SKUS, days=1, seed=1, sales_per_day=0)
    return GENERATED


def scan_codes(session: Session, count: int) -> list[str]:
    """Codes a scanner would send for random products: plain GTINs of piece items."""
    conn = session.ledger.conn
    highest = conn.execute("SELECT MAX(product_id) FROM products").fetchone()[0]
    rng = random.Random(7)
    codes: list[str] = []
    while len(codes) < count:
        row = conn.execute(
            "SELECT b.code FROM barcodes b JOIN products p USING (product_id)"
            " WHERE b.product_id = ? AND b.multiplier = 1000 AND p.unit = 'each' AND length(b.code) >= 8",
            (rng.randint(1, highest),),
        ).fetchone()
        if row is not None:
            codes.append(row[0])
    return codes


def bench_scans(session: Session, scans: int) -> list[float]:
    device, write_end = pipe_input_device()
    arrived: queue.Queue[Scan] = queue.Queue()
    scanner = EvdevScanner(
        EvdevScannerConfig(device="bench", backoff=Backoff(0.01, 0.05)), arrived.put, name="bench",
        open_device=lambda: device,
    )
    scanner.start()
    deadline = time.monotonic() + 5
    while scanner.state is not ScannerState.CONNECTED:
        if time.monotonic() > deadline:
            raise SystemExit("the scanner did not start")
        time.sleep(0.005)
    codes = scan_codes(session, scans + 50)
    timings: list[float] = []
    cart = Cart()
    try:
        for n, code in enumerate(codes):
            records = typed(code, start=1_700_000_000.0 + n)
            started = time.perf_counter()
            os.write(write_end, records)
            scan = arrived.get(timeout=5)
            cart = cart.add(products.resolve_scan(session, scan.code))
            elapsed = time.perf_counter() - started
            if scan.code != code or not cart.lines:
                raise SystemExit(f"scanned {code} but got {scan.code}")
            if n >= 50:  # the first ones warm the page cache
                timings.append(elapsed * 1000)
            if len(cart.lines) >= CART_SIZE:
                cart = Cart()
    finally:
        scanner.stop()
        os.close(write_end)
    return timings


def thirty_line_sale(session: Session) -> str:
    cart = Cart()
    for code in scan_codes(session, CART_SIZE):
        cart = cart.add(products.resolve_scan(session, code))
    total = price_cart(cart, session.tax_policy).total
    return sales.complete_sale(session, cart, [Tender("cash", total + 10_000)]).reference


def bench_receipt(session: Session, repeats: int) -> tuple[list[float], list[float], list[float], int]:
    reference = thirty_line_sale(session)
    renderer = EscPosRenderer(PrinterSettings("TM-T88III"))
    layout = ReceiptLayout(columns=renderer.columns)
    money = session.currency

    def fmt(minor: int) -> str:
        return money.format(minor, symbol=False)

    data = receipt_data(session, reference)
    assert len(data.lines) == CART_SIZE, len(data.lines)
    layout_render: list[float] = []
    cpu: list[float] = []
    whole: list[float] = []
    size = 0
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.thread_time()
        size = len(renderer.render(layout_receipt(data, fmt, layout)))
        layout_render.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        started = time.perf_counter()
        renderer.render(layout_receipt(receipt_data(session, reference), fmt, layout))
        whole.append((time.perf_counter() - started) * 1000)
    return layout_render[5:], cpu[5:], whole[5:], size


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (f"{model}, {os.cpu_count()} CPUs, Linux {platform.release()}, Python {platform.python_version()}; "
            f"load average {load} while running")


def row(name: str, samples: list[float], target: float | None = None) -> tuple[str, str, str, str, str, str]:
    """A table row; rows without a target are there to explain the others."""
    p99 = percentile(samples, 0.99)
    met = "" if target is None else ("yes" if p99 <= target else "NO")
    return (name, f"{len(samples)}", f"{statistics.median(samples):.2f}", f"{p99:.2f}",
            "" if target is None else f"≤ {target:g}", met)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=1000)
    parser.add_argument("--receipts", type=int, default=205)
    parser.add_argument("--no-docs", action="store_true", help="do not append to docs/performance.md")
    args = parser.parse_args(argv)
    store = find_store()
    skus = product_count(store)
    session = open_session(Settings(), store, username="cashier")
    try:
        scans = bench_scans(session, args.scans)
        layout_render, cpu, whole, size = bench_receipt(session, args.receipts)
    finally:
        session.close()
    rows = [
        ("Measure", "n", "p50 ms", "p99 ms", "target", "met"),
        row(f"Scan -> line in cart (evdev pipe, {skus:,} SKUs)", scans, TARGET_MS),
        row(f"Receipt layout + ESC/POS render, {CART_SIZE} lines ({size:,} B)", layout_render, TARGET_MS),
        row("  same, CPU time of the rendering thread", cpu),
        row("  same, with receipt_data from the database", whole),
    ]
    table = format_table(rows)
    print(table)
    if not args.no_docs:
        append_docs(table)
    return 0 if all(r[-1] in ("yes", "") for r in rows[1:]) else 1


def format_table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def append_docs(table: str, docs: Path = ROOT / "docs" / "performance.md") -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"\n## Devices ({stamp})\n\n"
        f"Machine: {machine()}. Run: `.venv/bin/python benchmarks/bench_devices.py`.\n\n"
        "Scan: real input_event records through a pipe into evdev's reader, EvdevScanner on its thread,\n"
        "handed to the main thread, `catalog.resolve_scan`, `Cart.add`. Receipt: a recorded 30-line cash\n"
        "sale, TM-T88III profile, 42 columns. Wall-clock times; on a shared, loaded machine the p99 tail\n"
        "is the scheduler (the CPU-time row shows the work itself).\n\n"
        f"{table}\n"
    )
    if not docs.exists():
        docs.write_text("# Performance\n" + section)
        return
    with docs.open("a") as file:
        file.write(section)


if __name__ == "__main__":
    sys.exit(main())
