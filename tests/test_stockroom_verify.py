"""`pos db verify` covers the stock room: a store with every new event verifies, a replay reproduces the
new tables, and a hand edit of any of their rows is named."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from pos_tui.domain.cart import Cart
from pos_tui.domain.events import BarcodeSpec, ProductDetails
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.verify import verify_ledger
from pos_tui.services.catalog import products
from pos_tui.services.inventory import lifecycle, orders, quick_keys, stocktakes
from pos_tui.services.selling import sales
from pos_tui.services.session import Session

from .conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store


@pytest.fixture(scope="module")
def stockroom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store that has been through every stock-room event."""
    path = tmp_path_factory.mktemp("stockroom") / "store.db"
    session: Session = make_store(path)
    products.add_products(session, [ProductDetails("YOG", "Yoghurt", "Dairy", "Dairy Co", "each", 9000, 6000, "std",
                                                   0, barcodes=(BarcodeSpec("9501101530003"),))])
    lifecycle.add_product(session, lifecycle.details_from_fields(
        session, {"sku": "ROLL", "name": "Roll", "price": "40", "tax_class": "exempt"}))
    quick_keys.set_quick_key(session, "ROLL", 1)
    lifecycle.retire_product(session, "ROLL")
    lifecycle.restore_product(session, "ROLL")
    lifecycle.retire_product(session, "ROLL")
    number = orders.create_order(session, "Tapal", [("TEA-200", 12_000, 40_000)])
    orders.add_line(session, number, "YOG", 6000, 6500)
    orders.receive(session, number, [f"6*{TEA_BARCODE}", "9501101530003"])
    products.adjust_stock(session, 2, -1000, "theft")
    taken = stocktakes.start(session)
    stocktakes.count(session, taken, [TEA_BARCODE, MILK_BARCODE], quantity=40_000)
    sales.complete_sale(session, Cart().add(products.resolve_scan(session, "(01)09501101530003(17)301231(10)L7")),
                        [Tender("cash", 10_000)])
    stocktakes.count(session, taken, [TEA_BARCODE])
    stocktakes.post(session, taken, reason="damaged")
    stocktakes.start(session, category="Tea")
    shelf = stocktakes.start_shelf_list(session, "aisle 3", ["TEA-200", "9501101530003", "ROLL"]).number
    stocktakes.count(session, shelf, [TEA_BARCODE])
    stocktakes.post(session, shelf)  # the yoghurt, listed and not counted, is posted as none there
    session.close()
    return path


def test_a_store_through_every_stock_room_event_verifies(stockroom: Path) -> None:
    assert_verifies(stockroom)
    with closing(sqlite3.connect(stockroom)) as conn:
        kinds = {kind for (kind,) in conn.execute("SELECT DISTINCT kind FROM journal")}
    assert {"product.retired", "product.restored", "product.quick_key_set", "purchase_order.created",
            "purchase_order.line_added", "purchase_order.received", "stocktake.started", "stocktake.counted",
            "stocktake.posted"} <= kinds


@pytest.mark.parametrize(("table", "edit"), [
    ("products", "UPDATE products SET retired = 0 WHERE sku = 'ROLL'"),
    ("purchase_orders", "UPDATE purchase_orders SET vendor = 'Nestle'"),
    ("purchase_order_lines", "UPDATE purchase_order_lines SET received = received + 1000 WHERE product_id = 1"),
    ("stocktakes", "UPDATE stocktakes SET posted_seq = 0 WHERE number = 1"),
    ("stocktake_counts", "UPDATE stocktake_counts SET counted = counted + 1000 WHERE product_id = 1"),
    ("stocktake_variances", "DELETE FROM stocktake_variances WHERE product_id = 2"),
    ("stocktakes", "UPDATE stocktakes SET shelf = 'aisle 4' WHERE number = 3"),
    ("stocktake_shelf", "DELETE FROM stocktake_shelf WHERE product_id = 1"),
    ("sold_batches", "UPDATE sold_batches SET lot = 'L8'"),
    ("quick_keys", "UPDATE quick_keys SET position = 2"),
])
def test_a_stock_room_row_edited_by_hand_is_named(stockroom: Path, tmp_path: Path, table: str, edit: str) -> None:
    copy = tmp_path / "edited.db"
    shutil.copyfile(stockroom, copy)
    with closing(sqlite3.connect(copy)) as conn, conn:
        conn.execute(edit)
    ledger = open_ledger(copy, read_only=True)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    assert [problem.message.split(" row ")[0] for problem in report.problems] == [table]
