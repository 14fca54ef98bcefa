"""The restaurant's figures (issue 20): opening a table and adding a line against the till's scan
target, and what the floor view's poll costs with 200 tables.

    python benchmarks/bench_restaurant.py [--tables 200] [--runs 200]

CPU seconds of this process (the box may be shared: wall time would measure the neighbours), each beside
a same-run baseline: a scan resolved into a cart line (the scan target), and a one-line retail sale.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pos_tui.config import FloorSettings, RestaurantSettings, Settings
from pos_tui.domain.barcode import gtin_check_digit
from pos_tui.domain.cart import Cart
from pos_tui.domain.events import BarcodeSpec, ProductDetails
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.restaurant import floor, kitchen, orders
from pos_tui.services.selling import sales
from pos_tui.services.store import init_store


def code_of(n: int) -> str:
    body = f"29{n:010d}"
    return body + str(gtin_check_digit(body))


def cpu_ms(call: object) -> float:
    start = time.process_time()
    call()  # type: ignore[operator]
    return (time.process_time() - start) * 1000


def median(samples: list[float]) -> str:
    return f"{statistics.median(samples):.3f} ms (p90 {sorted(samples)[int(len(samples) * 0.9)]:.3f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=200)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    per_floor = args.tables // 4
    settings = Settings(restaurant=RestaurantSettings(floors=[
        FloorSettings(name=f"Floor {f}", tables=list(range(f * 1000 + 1, f * 1000 + per_floor + 1)))
        for f in range(4)]))
    tables = [t for f in settings.restaurant.floors for t in f.tables]
    with tempfile.TemporaryDirectory() as folder:
        session = init_store(settings, Path(folder) / "bench.db", admin="admin", admin_pin="456789")
        ids = products.add_products(session, [
            ProductDetails(f"M-{n}", f"Dish {n}", f"Cat {n % 8}", "Kitchen", "each", 50_000 + n, 20_000, "std", 0,
                           barcodes=(BarcodeSpec(code_of(n)),))
            for n in range(1, 401)])
        products.receive_stock(session, [(pid, 1_000_000, 20_000) for pid in ids], reference="opening")

        scan = [cpu_ms(lambda n=n: Cart().add(products.resolve_scan(session, code_of(n % 400 + 1))))
                for n in range(args.runs)]
        sale = [cpu_ms(lambda n=n: sales.complete_sale(
            session, Cart().add(products.resolve_scan(session, code_of(n % 400 + 1))), [Tender("cash", 200_000)]))
            for n in range(args.runs)]
        opened = [cpu_ms(lambda t=t: floor.open_table(session, t, 4)) for t in tables[: args.runs]]
        added = [cpu_ms(lambda t=t, n=n: orders.add_line(session, t, code_of(n % 400 + 1)))
                 for n, t in enumerate(tables[: args.runs])]
        sent = [cpu_ms(lambda t=t: kitchen.send(session, t)) for t in tables[: args.runs]]
        poll = [cpu_ms(lambda: floor.last_change(session)) for _ in range(args.runs)]
        plan = [cpu_ms(lambda: floor.floor_plan(session)) for _ in range(args.runs)]

        print(f"{args.tables} tables, {min(args.runs, len(tables))} of them open; CPU per call, median (p90):")
        print(f"  baseline: a scan into a cart line        {median(scan)}")
        print(f"  baseline: a one-line retail sale         {median(sale)}")
        print(f"  open a table (one event)                 {median(opened)}")
        print(f"  add a line to it (one event)             {median(added)}")
        print(f"  send it to the kitchen (one event)       {median(sent)}")
        print(f"  floor poll: last change seq              {median(poll)}")
        print(f"  floor plan, {args.tables} tables{'':<16}{median(plan)}")


if __name__ == "__main__":
    main()
