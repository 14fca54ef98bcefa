"""Replay: after any run of a day's business, the journal alone rebuilds every table exactly.

A seeded random loop drives a real store through sales (split tenders, discounts, overrides, weighed
items), partial returns, voids, deliveries, stock counts, price changes and parked carts, under
several pricing configurations; then ``pos db verify`` must pass and ``rebuild`` must reproduce
every projection row for row.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pos_tui.config import PricingSettings, Settings
from pos_tui.domain.cart import Cart, Discount, price_cart
from pos_tui.domain.errors import RuleViolation
from pos_tui.domain.money import round_to_step
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import Ledger, open_ledger
from pos_tui.ledger.projections import PROJECTION_TABLES
from pos_tui.ledger.replay import rebuild
from pos_tui.ledger.verify import verify_ledger
from pos_tui.services.catalog import products
from pos_tui.services.selling import parking, sales
from pos_tui.services.session import Session

from .conftest import RICE, TEA, TSHIRT_M, TSHIRT_S, make_store

PRODUCTS = (TEA, 2, RICE, TSHIRT_S, TSHIRT_M)

CONFIGS = {
    "inclusive-line-tax": PricingSettings(),
    "exclusive-receipt-tax-5-paisa-cash": PricingSettings(
        prices_include_tax=False, tax_rounding="receipt", cash_rounding_step=5, negative_stock="allow"
    ),
    "half-even-rupee-cash": PricingSettings(rounding="half_even", cash_rounding_step=100),
}


class Day:
    """A random day at the counter, driven by one seeded generator."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session = session
        self.rng = rng
        self.sales: list[str] = []
        self.done: dict[str, int] = {}

    def cart(self) -> Cart:
        rng, cart = self.rng, Cart()
        for _ in range(rng.randint(1, 4)):
            product = products.get_product(self.session, rng.choice(PRODUCTS))
            quantity = rng.randint(1, 5) * 1000 if product.unit == "each" else rng.randint(50, 3000)
            cart = cart.add(products.line_for(product, quantity))
            if rng.random() < 0.2:
                cart = cart.with_price(len(cart.lines) - 1, rng.randint(0, 200_000))
            if rng.random() < 0.2:
                kind = rng.choice(["amount", "percent"])
                value = rng.randint(0, 20_000) if kind == "amount" else rng.randint(0, 5_000)
                cart = cart.with_line_discount(len(cart.lines) - 1, Discount(kind, value))
        if rng.random() < 0.25:
            cart = cart.with_discount(Discount("percent", rng.choice([500, 1000, 2500])))
        return cart

    def tenders(self, total: int) -> list[Tender]:
        rng, pricing = self.rng, self.session.settings.pricing
        card = rng.randint(0, total) if rng.random() < 0.4 else 0
        wallet = rng.randint(0, total - card) if rng.random() < 0.2 else 0
        rest = total - card - wallet
        tenders = [Tender(m, a) for m, a in (("card", card), ("wallet", wallet)) if a]
        if rest:
            due = round_to_step(rest, pricing.cash_rounding_step, pricing.rounding)
            tenders.append(Tender("cash", max(due, 1) + rng.choice([0, 0, 5_000, 100_000])))
        return tenders

    def sell(self, cart: Cart | None = None) -> None:
        cart = cart or self.cart()
        total = price_cart(cart, self.session.tax_policy).total
        sale = sales.complete_sale(self.session, cart, self.tenders(total))
        self.sales.append(sale.reference)
        self.done["sale"] = self.done.get("sale", 0) + 1

    def give_back(self) -> None:
        if not self.sales:
            return
        reference = self.rng.choice(self.sales)
        terminal, number = sales.parse_sale_reference(reference, "T1")
        rows = self.session.ledger.conn.execute(
            "SELECT line_no, quantity - returned_quantity FROM sale_lines l JOIN sales s ON s.seq = l.sale_seq"
            " WHERE s.terminal = ? AND s.number = ? AND quantity > returned_quantity",
            (terminal, number),
        ).fetchall()
        if not rows:
            return
        line_no, left = self.rng.choice(rows)
        quantity = self.rng.randint(1, left // 1000) * 1000 if left % 1000 == 0 else self.rng.randint(1, left)
        method = self.rng.choice(["cash", "cash", "card"])
        sales.return_items(self.session, reference, [(line_no, quantity)], reason="random return",
                           refund_method=method, restock=self.rng.random() < 0.8)
        self.done["return"] = self.done.get("return", 0) + 1

    def void(self) -> None:
        if not self.sales:
            return
        try:
            sales.void_sale(self.session, self.rng.choice(self.sales), reason="random void")
        except RuleViolation:
            return  # that sale already has returns
        self.done["void"] = self.done.get("void", 0) + 1

    def receive(self) -> None:
        lines = [(pid, self.rng.randint(1, 20) * 1000, self.rng.randint(1_000, 100_000))
                 for pid in self.rng.sample(PRODUCTS, self.rng.randint(1, 3))]
        products.receive_stock(self.session, lines, reference=f"PO-{self.rng.randint(1, 999)}", vendor="Random")
        self.done["receive"] = self.done.get("receive", 0) + 1

    def adjust(self) -> None:
        quantity = self.rng.choice([-1, 1]) * self.rng.randint(1, 3000)
        products.adjust_stock(self.session, RICE if quantity % 1000 else self.rng.choice(PRODUCTS), quantity, "count")
        self.done["adjust"] = self.done.get("adjust", 0) + 1

    def reprice(self) -> None:
        products.change_price(self.session, self.rng.choice(PRODUCTS), self.rng.randint(1_000, 300_000), "promo")
        self.done["price"] = self.done.get("price", 0) + 1

    def park_and_resume(self) -> None:
        parked = parking.list_parked(self.session)
        if parked and self.rng.random() < 0.6:
            chosen = self.rng.choice(parked)
            discard = self.rng.random() < 0.3
            cart = parking.resume_cart(self.session, chosen.cart_id, discard=discard)
            if not discard:
                self.sell(cart)
            self.done["resume"] = self.done.get("resume", 0) + 1
        else:
            parking.park_cart(self.session, self.cart(), self.rng.choice(["", "Mr Khan", "blue bag"]))
            self.done["park"] = self.done.get("park", 0) + 1

    def step(self) -> None:
        action = self.rng.choices(
            [self.sell, self.give_back, self.void, self.receive, self.adjust, self.reprice, self.park_and_resume],
            weights=[10, 4, 1, 2, 2, 1, 2],
        )[0]
        action()


def _projection_rows(ledger: Ledger) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: ledger.conn.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall()
        for table, key in PROJECTION_TABLES.items()
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_a_random_day_replays_into_exactly_the_same_tables(tmp_path: Path, config: str, seed: int) -> None:
    path = tmp_path / "store.db"
    session = make_store(path, Settings(pricing=CONFIGS[config]))
    day = Day(session, random.Random(f"{config}-{seed}"))
    for _ in range(60):
        day.step()
    session.close()
    assert day.done.get("sale", 0) >= 10 and day.done.get("return", 0) >= 2, day.done

    live = open_ledger(path, read_only=True)
    try:
        report = verify_ledger(live)
        assert report.ok, "; ".join(str(p) for p in report.problems)
        rebuilt = rebuild(live, tmp_path / "rebuilt.db")
        try:
            assert rebuilt.head() == live.head()
            expected, actual = _projection_rows(live), _projection_rows(rebuilt)
            for table in PROJECTION_TABLES:
                assert actual[table] == expected[table], f"{table} differs after rebuild"
            assert sum(len(rows) for rows in expected.values()) > 100
        finally:
            rebuilt.close()
    finally:
        live.close()


def test_rebuilt_store_is_a_working_store_that_keeps_selling(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    session = make_store(path)
    day = Day(session, random.Random(7))
    for _ in range(15):
        day.sell()
    live = session.ledger
    rebuilt = rebuild(live, tmp_path / "rebuilt.db")
    rebuilt.close()
    session.close()
    again = Session(open_ledger(tmp_path / "rebuilt.db"), Settings(), "admin")
    try:
        Day(again, random.Random(8)).sell()
        assert again.ledger.conn.execute("SELECT MAX(number) FROM sales").fetchone()[0] == 16
        assert products.search_products(again, "tapal")[0].product_id == TEA  # the search index came back too
        assert verify_ledger(again.ledger).ok
    finally:
        again.close()


@pytest.mark.parametrize("folder", ["shop #2", "what?", "100% halal", "dükkan"])
def test_a_store_in_a_folder_with_url_characters_verifies_and_leaves_no_stray_files(
    tmp_path: Path, folder: str
) -> None:
    path = tmp_path / folder / "store.db"
    session = make_store(path)
    try:
        report = verify_ledger(session.ledger)
        assert report.ok, report.problems
    finally:
        session.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]
