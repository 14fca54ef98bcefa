"""A catalogue is most of a journal, so verify replays product.added entries straight from the
journal inside SQLite, with the same statements a till uses to record one. Whatever a shop types
into a product's name or code comes back out of both paths exactly."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from pos_tui.domain.events import BarcodeSpec, ProductDetails
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.verify import verify_ledger
from pos_tui.services.catalog import products

from .conftest import ean13, make_store

AWKWARD = (
    ProductDetails('SKU "7"', 'Ayşe\'s "Best" Tea \\ 200g 🍵', "Tea", "Tapal\tCo", "each", 45000, 38000, "std", 0,
                   barcodes=(BarcodeSpec(ean13("400638133400")), BarcodeSpec(ean13("400638133401"), 12000))),
    ProductDetails("MILK-½", "Milk\nnew line", "Dairy / Fresh", "", "kg", 1, 0, "reduced", 2**40,
                   group="Milk", variant="½ L", barcodes=()),
)


def test_awkward_product_names_and_codes_are_recorded_and_replayed_exactly(store_path: Path) -> None:
    session = make_store(store_path, stock=False)
    added = products.add_products(session, AWKWARD)
    session.close()

    with closing(sqlite3.connect(store_path)) as conn:
        rows = conn.execute(
            "SELECT sku, name, category, vendor, unit, price, cost, reorder_level, grp, variant FROM products"
            " WHERE sku IN (?, ?) ORDER BY sku", ('SKU "7"', "MILK-½")
        ).fetchall()
        barcodes = conn.execute("SELECT code, multiplier FROM barcodes b JOIN products p USING (product_id)"
                                " WHERE p.sku = ? ORDER BY code", ('SKU "7"',)).fetchall()
    assert len(added) == 2
    assert rows == [
        ("MILK-½", "Milk\nnew line", "Dairy / Fresh", "", "kg", 1, 0, 2**40, "Milk", "½ L"),
        ('SKU "7"', 'Ayşe\'s "Best" Tea \\ 200g 🍵', "Tea", "Tapal\tCo", "each", 45000, 38000, 0, "", ""),
    ]
    assert barcodes == [(ean13("400638133400"), 1000), (ean13("400638133401"), 12000)]

    ledger = open_ledger(store_path, read_only=True)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    assert report.ok, report.problems
