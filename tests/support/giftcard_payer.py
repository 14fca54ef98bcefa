"""A till in its own process that pays for one tea with a gift card, at the word "go".

    python giftcard_payer.py DB TERMINAL CARD AMOUNT

Prints "ready" once its session is open and its cart is built, waits for a line on stdin, tries the
sale, and prints one JSON line: {"sold": NUMBER} or {"refused": SENTENCE}.
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


def main() -> int:
    db, terminal, card, amount = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    session = open_session(Settings(terminal=TerminalSettings(id=terminal)), db, username="admin")
    tea = products.resolve_scan(session, sys.argv[5])
    cart = Cart().add(tea)
    rest = tea.unit_price - amount
    tenders = [Tender("gift-card", amount, card=card), *([Tender("card", rest)] if rest else [])]
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        sale = sales.complete_sale(session, cart, tenders)
        print(json.dumps({"sold": sale.number}), flush=True)
    except PosError as error:
        print(json.dumps({"refused": str(error)}), flush=True)
    session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
