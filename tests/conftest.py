"""Shared fixtures: a real store database in tmp_path, verified after every test that uses it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from pos_tui.config import Settings
from pos_tui.domain.barcode import gtin_check_digit
from pos_tui.domain.events import BarcodeSpec, ProductDetails
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.verify import verify_ledger
from pos_tui.services.catalog import products
from pos_tui.services.session import Session
from pos_tui.services.store import init_store

# Hypothesis's per-example deadline (200 ms) is a wall-clock assertion: on two shared cores under the
# neighbours' load an example of plain arithmetic can miss it, so no property test has one.
hypothesis_settings.register_profile("pos_tui", deadline=None)
hypothesis_settings.load_profile("pos_tui")


def ean13(body12: str) -> str:
    return body12 + str(gtin_check_digit(body12))


# A small shop: piece items, a 6-pack barcode, a weighed item (in-store prefix 21), variants.
SAMPLE_PRODUCTS = (
    ProductDetails("TEA-200", "Tapal Danedar Tea 200g", "Tea", "Tapal", "each", 45000, 38000, "std", 10000,
                   barcodes=(BarcodeSpec(ean13("400638133393")), BarcodeSpec("1" + ean13("400638133393")[:-1] + "8",
                                                                                 6000))),
    ProductDetails("MILK-1L", "Olpers Milk 1L", "Dairy", "Engro", "each", 28000, 24000, "reduced", 20000,
                   barcodes=(BarcodeSpec(ean13("501234567890")),)),
    ProductDetails("RICE-KG", "Basmati Rice", "Rice", "Guard", "kg", 32000, 25000, "exempt", 5000,
                   barcodes=(BarcodeSpec("2112345"),)),
    ProductDetails("TS-S", "T-Shirt", "Clothing", "Local", "each", 150000, 90000, "std", 0, group="T-Shirt",
                   variant="S", barcodes=(BarcodeSpec(ean13("590123400011")),)),
    ProductDetails("TS-M", "T-Shirt", "Clothing", "Local", "each", 150000, 90000, "std", 0, group="T-Shirt",
                   variant="M", barcodes=(BarcodeSpec(ean13("590123400028")),)),
)
TEA, MILK, RICE, TSHIRT_S, TSHIRT_M = 1, 2, 3, 4, 5
TEA_BARCODE = ean13("400638133393")
MILK_BARCODE = ean13("501234567890")


def make_store(
    path: Path, settings: Settings | None = None, *, stock: bool = True, opened_at: datetime | None = None
) -> Session:
    """The sample store, opened now or at ``opened_at`` (for a story that trades in the past: the
    journal's time only moves forward from the store's opening)."""
    session = init_store(settings or Settings(), path, admin="admin", admin_pin="456789", at=opened_at)
    products.add_products(session, SAMPLE_PRODUCTS)
    if stock:
        products.receive_stock(
            session,
            [(TEA, 100_000, 37_000), (MILK, 50_000, 24_000), (RICE, 40_000, 25_000), (TSHIRT_S, 10_000, 90_000),
             (TSHIRT_M, 10_000, 90_000)],
            reference="PO-1",
            vendor="Opening stock",
        )
    return session


def assert_verifies(path: Path) -> None:
    ledger = open_ledger(path, read_only=True)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    assert report.ok, "pos db verify failed: " + "; ".join(str(p) for p in report.problems)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture
def store(store_path: Path) -> Iterator[Session]:
    """A stocked sample store; `pos db verify` must pass on it when the test ends."""
    session = make_store(store_path)
    yield session
    session.close()
    assert_verifies(store_path)
