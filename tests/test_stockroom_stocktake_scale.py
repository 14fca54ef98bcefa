"""A stocktake of 20,000 products while two tills sell: every variance equals counted − (on hand at
count start − sold since), for every product, whatever the order of the counts and the sales.

Each example copies one store of 20,000 products (built once), counts every product from both tills
(batches of 1,000, with the quantity key), and interleaves sales and recounts on both tills before
and after. "Count start" is a product's first count; "sold since" is what the tills sold of it between
its first and its latest count (a sale after the latest count is not the counter's business: posting
moves stock by the variance, so it stays sold). The model keeps its own on-hand, never the store's.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_tui.config import Settings
from pos_tui.domain.barcode import gtin_check_digit
from pos_tui.domain.cart import Cart
from pos_tui.domain.events import BarcodeSpec, ProductDetails
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.inventory import stocktakes
from pos_tui.services.selling import sales
from pos_tui.services.session import Session, open_session

from .conftest import assert_verifies, make_store

PRODUCTS = 20_000
OPENING = 60_000  # thousandths on hand of each before the count
FIRST_ID = 6  # after the sample store's five
BATCH = 1_000


def code_of(n: int) -> str:
    body = f"40{n:010d}"
    return body + str(gtin_check_digit(body))


def shelf_count(product_id: int) -> int:
    """What the first count finds of a product: none, short, exact or over the opening stock (six
    quantities, so a batch is six events of the quantity key)."""
    return (product_id * 7919 % 6) * 15_000


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "store.db"
    session = make_store(path)
    details = [ProductDetails(f"BIG-{n}", f"Product {n}", f"Cat {n % 40}", f"Vendor {n % 7}", "each", 10_000, 7_000,
                              "std", 0, barcodes=(BarcodeSpec(code_of(n)),)) for n in range(PRODUCTS)]
    ids = products.add_products(session, details)
    assert ids[0] == FIRST_ID and len(ids) == PRODUCTS
    products.receive_stock(session, [(pid, OPENING, 7_000) for pid in ids], reference="opening")
    session.close()
    return path


def sell(till: Session, product_id: int, quantity: int) -> None:
    line = products.resolve_scan(till, f"{quantity}*{code_of(product_id - FIRST_ID)}")
    sales.complete_sale(till, Cart().add(line), [Tender("cash", 10_000_000)])


def till(path: Path, terminal: str) -> Session:
    session = open_session(Settings(), path, username="admin")
    session.terminal = terminal
    return session


def count_batch(counter: Session, number: int, batch: list[int]) -> None:
    """A counter's batch: each product's shelf count with the quantity key, one event per quantity."""
    by_quantity: dict[int, list[int]] = {}
    for pid in batch:
        by_quantity.setdefault(shelf_count(pid), []).append(pid)
    for quantity, pids in by_quantity.items():
        stocktakes.count(counter, number, [code_of(pid - FIRST_ID) for pid in pids], quantity=quantity)


product_id = st.integers(FIRST_ID, FIRST_ID + PRODUCTS - 1)
# ("sell" | "count", till 0 or 1, product, quantity in units)
step = st.tuples(st.sampled_from(["sell", "count"]), st.integers(0, 1), product_id, st.integers(0, 4))


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(before=st.lists(st.tuples(st.integers(0, 1), product_id, st.integers(1, 4)), max_size=8),
       after=st.lists(step, min_size=1, max_size=16))
def test_every_variance_of_a_20000_product_count_is_counted_less_on_hand_at_start_less_sold_since(
    big_store: Path, before: list[tuple[int, int, int]], after: list[tuple[str, int, int, int]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.db"
        shutil.copy(big_store, path)
        tills = [till(path, "T1"), till(path, "T2")]
        try:
            on_hand = dict.fromkeys(range(FIRST_ID, FIRST_ID + PRODUCTS), OPENING)
            start: dict[int, int] = {}
            counted: dict[int, int] = {}
            sold_since: dict[int, int] = {}
            sold_pending: dict[int, int] = {}

            def sold(pid: int, quantity: int, seller: Session) -> None:
                sell(seller, pid, quantity)
                on_hand[pid] -= quantity * 1000
                if pid in start:
                    sold_pending[pid] = sold_pending.get(pid, 0) + quantity * 1000

            def count(pids: list[int], quantities: list[int], counter: Session) -> None:
                for pid, quantity in zip(pids, quantities, strict=True):
                    start.setdefault(pid, on_hand[pid])
                    sold_since[pid] = sold_since.get(pid, 0) + sold_pending.pop(pid, 0)
                    counted[pid] = counted.get(pid, 0) + quantity
                for pid, quantity in zip(pids, quantities, strict=True):
                    stocktakes.count(counter, number, [code_of(pid - FIRST_ID)], quantity=quantity)

            for seller, pid, quantity in before:  # sold before the count began
                sold(pid, quantity, tills[seller])
            number = stocktakes.start(tills[0])
            every = list(range(FIRST_ID, FIRST_ID + PRODUCTS))
            for n, first in enumerate(range(0, PRODUCTS, BATCH)):  # both tills count, a batch an event
                batch = every[first:first + BATCH]
                for pid in batch:
                    start.setdefault(pid, on_hand[pid])
                    counted[pid] = counted.get(pid, 0) + shelf_count(pid)
                count_batch(tills[n % 2], number, batch)
            for action, which, pid, quantity in after:  # the shop keeps selling; counters recount
                if action == "sell" and quantity:
                    sold(pid, quantity, tills[which])
                elif action == "count":
                    count([pid], [quantity * 1000], tills[which])

            found = {line.product_id: line for line in stocktakes.review(tills[1], number).lines}
            assert len(found) == PRODUCTS
            for pid, line in found.items():
                expected = counted[pid] - (start[pid] - sold_since.get(pid, 0))
                assert line.quantity == expected, (pid, line)
            stocktakes.post(tills[1], number)
            for pid in {pid for _, _, pid, _ in after} | {pid for _, pid, _ in before}:
                assert products.get_product(tills[0], pid).on_hand == on_hand[pid] + found[pid].quantity
        finally:
            for session in tills:
                session.close()
        assert_verifies(path)

