"""A till process that sells teas until killed: ``python -m tests.backup.selling_till CONFIG [PACE]``.

Prints "selling" once its session is open, then one line per sale: when it was committed (Unix time,
seconds) and how long the commit took (ms).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from pos_tui.config import load_settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import open_session
from tests.conftest import TEA_BARCODE


def main() -> None:
    settings = load_settings(Path(sys.argv[1]))
    pace = float(sys.argv[2]) if len(sys.argv) > 2 else 0.01
    session = open_session(settings, username="admin")
    item = products.resolve_scan(session, TEA_BARCODE)
    print("selling", flush=True)
    while True:
        started = time.perf_counter()
        sales.complete_sale(session, Cart().add(item), [Tender("cash", 50_000)])
        print(f"{time.time():.6f} {(time.perf_counter() - started) * 1000:.2f}", flush=True)  # float-ok: times
        time.sleep(pace)


if __name__ == "__main__":
    main()
