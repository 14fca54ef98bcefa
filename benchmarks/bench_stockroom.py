"""The stock room's figures (issue 19): receiving a 1,000-line purchase order by scan, and a stocktake
of 20,000 products counted and posted; then the same of a shelf list naming all 20,000, half counted.

    python benchmarks/bench_stockroom.py [--products 20000] [--lines 1000]

CPU seconds of this process (the box may be shared: wall time would measure the neighbours), beside
the same-run baseline of appending the same number of plain stock adjustments one event each.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pos_tui.config import Settings
from pos_tui.domain.barcode import gtin_check_digit
from pos_tui.domain.events import BarcodeSpec, ProductDetails
from pos_tui.services.catalog import products
from pos_tui.services.inventory import orders, stocktakes
from pos_tui.services.store import init_store


def code_of(n: int) -> str:
    body = f"29{n:010d}"
    return body + str(gtin_check_digit(body))


def cpu(call: object) -> float:
    start = time.process_time()
    call()  # type: ignore[operator]
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        session = init_store(Settings(), Path(folder) / "bench.db", admin="admin", admin_pin="456789")
        details = [ProductDetails(f"SKU-{n}", f"Product {n}", f"Cat {n % 40}", f"Vendor {n % 7}", "each", 10_000,
                                  7_000, "std", 0, barcodes=(BarcodeSpec(code_of(n)),))
                   for n in range(1, args.products + 1)]
        ids = products.add_products(session, details)
        products.receive_stock(session, [(pid, 50_000, 7_000) for pid in ids], reference="opening")

        lines = [(f"SKU-{n}", 1000, 7_100) for n in range(1, args.lines + 1)]
        number = orders.create_order(session, "Vendor 1", lines)
        scans = [code_of(n) for n in range(1, args.lines + 1)]
        receive = cpu(lambda: orders.receive(session, number, scans))

        all_scans = [code_of(n) for n in range(1, args.products + 1)]
        start: list[int] = []
        begin = cpu(lambda: start.append(stocktakes.start(session)))
        taken = start[0]
        count = cpu(lambda: [stocktakes.count(session, taken, all_scans[n:n + 1000], quantity=49_000)
                             for n in range(0, len(all_scans), 1000)])
        post = cpu(lambda: stocktakes.post(session, taken))

        # A shelf list of every product (the codes as a file would give them), half of it counted: each scan
        # is checked against the list; the review adds the 10,000 listed and not counted as none there.
        listed: list[int] = []
        shelf_begin = cpu(lambda: listed.append(stocktakes.start_shelf_list(session, "all", all_scans).number))
        half = all_scans[: len(all_scans) // 2]
        shelf_count = cpu(lambda: [stocktakes.count(session, listed[0], half[n:n + 1000], quantity=49_000)
                                   for n in range(0, len(half), 1000)])
        shelf_post = cpu(lambda: stocktakes.post(session, listed[0]))

        baseline = cpu(lambda: [products.adjust_stock(session, pid, -1000, "count") for pid in ids[:args.lines]])
        session.close()
    print(f"receive a {args.lines}-line PO by scan, one event:  {receive:6.2f} s CPU  (target 1 s)")
    print(f"count {args.products} products, 1,000 scans an event: {count:6.2f} s CPU")
    print(f"post the stocktake, one event of {args.products} lines: {post:6.2f} s CPU")
    print(f"start: all stock {begin:6.2f} s CPU; a shelf list of {args.products} codes {shelf_begin:6.2f} s CPU")
    print(f"count {len(half)} of the shelf list, 1,000 scans an event: {shelf_count:6.2f} s CPU"
          f"  (all stock, {args.products}: {count:6.2f} s)")
    print(f"post the shelf list, {args.products} lines ({args.products - len(half)} not counted):"
          f" {shelf_post:6.2f} s CPU  (all stock: {post:6.2f} s)")
    print(f"baseline: {args.lines} stock adjustments, one event each: {baseline:6.2f} s CPU")


if __name__ == "__main__":
    main()
