"""A till in its own process that spends a customer's points on one sale when told to go.

    python redeemer.py DB TERMINAL CUSTOMER_ID METHOD AMOUNT

Prints "ready" once its session and cart are ready, waits for a line on stdin, tries the sale (METHOD
for AMOUNT, the rest in cash), and prints one JSON line: {"sold": N} or {"refused": sentence}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pos_tui.config import Settings, TerminalSettings
from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import PosError
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import open_session

MILK_BARCODE = "5012345678900"


def main() -> int:
    db, terminal, customer, method, amount = sys.argv[1:6]
    session = open_session(Settings(terminal=TerminalSettings(id=terminal)), Path(db), username="admin")
    cart = Cart().add(products.resolve_scan(session, MILK_BARCODE))
    total = cart.lines[0].unit_price
    tenders = [Tender(method, int(amount))] + ([Tender("cash", total - int(amount))] if total > int(amount) else [])
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        sale = sales.complete_sale(session, cart, tenders, customer_id=int(customer))
    except PosError as error:
        print(json.dumps({"refused": str(error)}), flush=True)
    else:
        print(json.dumps({"sold": sale.number}), flush=True)
    finally:
        session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
