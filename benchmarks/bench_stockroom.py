"""The stock room's figures (issue 19): receiving a 1,000-line purchase order by scan, and a stocktake
of 20,000 products counted and posted.

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
        session = init_store(Settings(), Path(folder) / "bench.db", admin="admin", admin_pin="4567")
        details = [ProductDetails(f"SKU-{n}", f"Product {n}", f"Cat {n % 40}", f"Vendor {n % 7}", "each", 10_000,
                                  7_000, "std", 0, barcodes=(BarcodeSpec(code_of(n)),))
                   for n in range(1, args.products + 1)]
        ids = products.add_products(session, details)
        products.receive_stock(session, [(pid, 50_000, 7_000) for pid in ids], reference="opening")

        lines = [(f"SKU-{n}", 1000, 7_100) for n in range(1, args.lines + 1)]
        number = orders.create_order(session, "Vendor 1", lines)
        scans = [code_of(n) for n in range(1, args.lines + 1)]
        receive = cpu(lambda: orders.receive(session, number, scans))

        taken = stocktakes.start(session)
        all_scans = [code_of(n) for n in range(1, args.products + 1)]
        count = cpu(lambda: [stocktakes.count(session, taken, all_scans[n:n + 1000], quantity=49_000)
                             for n in range(0, len(all_scans), 1000)])
        post = cpu(lambda: stocktakes.post(session, taken))

        baseline = cpu(lambda: [products.adjust_stock(session, pid, -1000, "count") for pid in ids[:args.lines]])
        session.close()
    print(f"receive a {args.lines}-line PO by scan, one event:  {receive:6.2f} s CPU  (target 1 s)")
    print(f"count {args.products} products, 1,000 scans an event: {count:6.2f} s CPU")
    print(f"post the stocktake, one event of {args.products} lines: {post:6.2f} s CPU")
    print(f"baseline: {args.lines} stock adjustments, one event each: {baseline:6.2f} s CPU")


if __name__ == "__main__":
    main()
