"""A till in its own process: opens its own session on a store file and sells, one sale at a time.

    python seller.py DB TERMINAL COUNT [--policy allow|warn|block] [--barcode CODE] [--quantity N]
        [--chatty] [--wait]

COUNT sales (0: forever). Prints "ready" once the session is open, "sold N" after each sale when
--chatty is given, and at the end one JSON line: {"sold": [...numbers], "refused": [...sentences],
"errors": [...]}.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pos_tui.config import PricingSettings, Settings, TerminalSettings
from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import PosError, RuleViolation
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import open_session


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("terminal")
    parser.add_argument("count", type=int)
    parser.add_argument("--policy", default="warn")
    parser.add_argument("--barcode", action="append", default=[])
    parser.add_argument("--quantity", type=int, default=1)
    parser.add_argument("--chatty", action="store_true")
    parser.add_argument("--wait", action="store_true", help='print "loaded", then wait for a line on stdin')
    args = parser.parse_args()
    if args.wait:  # start-up (imports) can overlap with the test's own work until it says go
        print("loaded", flush=True)
        sys.stdin.readline()

    settings = Settings(terminal=TerminalSettings(id=args.terminal),
                        pricing=PricingSettings(negative_stock=args.policy))
    session = open_session(settings, args.db, username="admin")
    lines = [products.resolve_scan(session, f"{args.quantity}*{code}") for code in args.barcode]
    print("ready", flush=True)
    sold: list[int] = []
    refused: list[str] = []
    errors: list[str] = []
    n = 0
    while args.count == 0 or n < args.count:
        # Alternate the lines and the tenders so sales differ: some split, some with change.
        cart = Cart()
        for line in lines[: 1 + n % len(lines)]:
            cart = cart.add(line)
        total = sum(line.quantity * line.unit_price // 1000 for line in cart.lines)
        tenders = [Tender("cash", total + 5_000)] if n % 2 else [Tender("card", total // 2),
                                                                  Tender("cash", total - total // 2)]
        try:
            sale = sales.complete_sale(session, cart, tenders)
        except RuleViolation as error:
            refused.append(str(error))
        except PosError as error:
            errors.append(f"{type(error).__name__}: {error}")
        else:
            sold.append(sale.number)
            if args.chatty:
                print(f"sold {sale.number}", flush=True)
        n += 1
    session.close()
    print(json.dumps({"sold": sold, "refused": refused, "errors": errors}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
