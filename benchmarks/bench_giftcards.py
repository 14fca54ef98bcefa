"""What a gift card adds to a sale's commit, in CPU time (see docs/performance.md, "Gift cards").

    python benchmarks/bench_giftcards.py [--sales 300] [--cards 2000]

On a fresh sample store with ``--cards`` cards already sold (so the balance lookups are not on an
empty table), each timed the same number of times, interleaved so load hits them alike:
  baseline   a sale of one tea paid in cash, through ``sales.complete_sale``;
  redeem     the same sale paid with a gift card (its balance summed from its moves, inside the sale's
             transaction);
  sell       the same sale with a gift card sold on top (a new Luhn number, checked unused).
Also: one card's balance (``cards.balance``) once it has 200 moves, and the outbox's queueing of a
receipt (one INSERT after the sale). Figures are the median CPU ms of a call, with the ratio to the
baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pos_tui.config import Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.events import BarcodeSpec, ProductDetails
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.giftcards import cards
from pos_tui.services.messaging import outbox
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.services.store import init_store

TEA = ProductDetails("TEA-200", "Tea 200g", "Tea", "Tapal", "each", 45000, 38000, "std", 0,
                     barcodes=(BarcodeSpec("4006381333931"),))


def cpu_ms(fn: Callable[[], object]) -> float:
    started = time.process_time_ns()
    fn()
    return (time.process_time_ns() - started) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sales", type=int, default=300)
    parser.add_argument("--cards", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        session: Session = init_store(Settings(), Path(directory) / "store.db", admin="admin", admin_pin="456789")
        products.add_products(session, [TEA])
        products.receive_stock(session, [(1, 10_000_000, 37_000)], reference="PO-1", vendor="bench")
        tea = products.resolve_scan(session, "4006381333931")
        for _ in range(args.cards):
            sales.complete_sale(session, cards.add_to_cart(session, Cart(), None, 100_000), [Tender("cash", 100_000)])
        spender = cards.add_to_cart(session, Cart(), None, 45_000 * (args.sales + 210))
        sales.complete_sale(session, spender, [Tender("cash", spender.gift_cards[0].amount)])
        card = spender.gift_cards[0].number

        samples: dict[str, list[float]] = {"baseline": [], "redeem": [], "sell": []}
        for _ in range(args.sales):
            samples["baseline"].append(cpu_ms(lambda: sales.complete_sale(session, Cart().add(tea),
                                                                          [Tender("cash", 45_000)])))
            samples["redeem"].append(cpu_ms(lambda: sales.complete_sale(
                session, Cart().add(tea), [Tender("gift-card", 45_000, card=card)])))
            samples["sell"].append(cpu_ms(lambda: sales.complete_sale(
                session, cards.add_to_cart(session, Cart().add(tea), None, 10_000), [Tender("cash", 55_000)])))
        balance = [cpu_ms(lambda: cards.balance(session, card)) for _ in range(50)]
        reference = sales.complete_sale(session, Cart().add(tea), [Tender("cash", 45_000)]).reference
        queue = [cpu_ms(lambda: outbox.queue_receipt(session, reference, "email", "a@example.org")) for _ in range(50)]
        session.close()

    base = statistics.median(samples["baseline"])
    print(f"load average {os.getloadavg()[0]:.2f}; {args.cards} cards sold before; {args.sales} sales of each kind")
    print(f"{'step':<40} {'median CPU ms':>14} {'x baseline':>11}")
    rows = [("sale paid in cash (baseline)", base),
            ("sale paid with a gift card", statistics.median(samples["redeem"])),
            ("sale that also sells a gift card", statistics.median(samples["sell"])),
            (f"a card's balance ({args.sales + 1} moves)", statistics.median(balance)),
            ("queue a receipt in the outbox", statistics.median(queue))]
    for name, value in rows:
        print(f"{name:<40} {value:>14.2f} {value / base:>10.2f}x")


if __name__ == "__main__":
    main()
