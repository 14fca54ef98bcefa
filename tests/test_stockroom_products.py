"""The stock room's products: added, edited, retired and restored from the shell, with every field of
the catalogue CSV and an in-store barcode for a product that has none."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pos_tui.domain.barcode import validate_gtin
from pos_tui.domain.errors import InvalidInput
from pos_tui.ledger.database import open_ledger
from pos_tui.services.catalog import products
from pos_tui.services.inventory import lifecycle
from pos_tui.services.session import Session

from .conftest import TEA, TEA_BARCODE, assert_verifies


def pos(store_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pos_tui.cli.main", *args, "--db", str(store_path)],
                          capture_output=True, text=True)


def head(store_path: Path) -> int:
    ledger = open_ledger(store_path, read_only=True)
    try:
        return ledger.head().seq
    finally:
        ledger.close()


def test_a_product_added_from_the_shell_with_every_csv_field_and_edited(store: Session, store_path: Path) -> None:
    added = pos(store_path, "product", "add", "CHIPS-S", "--name", "Lays Chips", "--barcode", "5012345678917",
                "--barcode", "15012345678914*12", "--category", "Snacks", "--vendor", "PepsiCo", "--price", "50",
                "--cost", "38.50", "--tax-class", "std", "--unit", "each", "--reorder-level", "24", "--group", "Lays",
                "--variant", "Salted", "--user", "admin")
    assert added.returncode == 0, added.stderr
    chips = products.show_product(store, "CHIPS-S")
    assert (chips.name, chips.category, chips.vendor, chips.price, chips.cost, chips.tax_class, chips.reorder_level,
            chips.group, chips.variant) == ("Lays Chips", "Snacks", "PepsiCo", 5000, 3850, "std", 24_000, "Lays",
                                            "Salted")
    assert products.product_barcodes(store, chips.product_id) == [("15012345678914", 12_000), ("5012345678917", 1000)]

    edited = pos(store_path, "product", "edit", "CHIPS-S", "--price", "55", "--vendor", "Pepsi", "--user", "admin")
    assert edited.returncode == 0, edited.stderr
    chips = products.show_product(store, "5012345678917")
    assert (chips.price, chips.vendor, chips.cost) == (5500, "Pepsi", 3850)
    assert_verifies(store_path)


def test_a_product_without_a_barcode_gets_an_in_store_code_with_a_valid_check_digit(store: Session) -> None:
    details = lifecycle.details_from_fields(store, {"sku": "ROLL", "name": "Bakery Roll", "price": "40",
                                                    "tax_class": "exempt"})
    product_id, code = lifecycle.add_product(store, details)
    assert code.startswith("04") and len(code) == 13 and validate_gtin(code) == code
    assert products.resolve_scan(store, code).product_id == product_id


def test_bad_product_fields_are_refused_in_one_sentence_and_nothing_changes(store: Session, store_path: Path) -> None:
    before = head(store_path)
    bad = pos(store_path, "product", "add", "X1", "--name", "Thing", "--price", "-3", "--tax-class", "zz",
              "--user", "admin")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "price: '-3' is negative" in bad.stderr and "tax_class: 'zz' is not one of" in bad.stderr
    taken = pos(store_path, "product", "add", "TEA-200", "--name", "Tea again", "--price", "3", "--tax-class", "std",
                "--user", "admin")
    assert taken.returncode == 1 and "the SKU is already product 1's" in taken.stderr
    stolen = pos(store_path, "product", "edit", "MILK-1L", "--barcode", TEA_BARCODE, "--user", "admin")
    assert stolen.returncode == 1 and f"barcode {TEA_BARCODE} is already TEA-200's" in stolen.stderr
    assert head(store_path) == before


def test_a_retired_product_cannot_be_sold_or_received_but_keeps_its_history(store: Session) -> None:
    lifecycle.retire_product(store, "TEA-200")
    with pytest.raises(InvalidInput, match="is retired and cannot be sold"):
        products.resolve_scan(store, TEA_BARCODE)
    with pytest.raises(InvalidInput, match="is retired and cannot be received"):
        products.receive_stock(store, [(TEA, 1000, 100)])
    with pytest.raises(InvalidInput, match="already retired"):
        lifecycle.retire_product(store, "TEA-200")
    tea = products.get_product(store, TEA)
    assert tea.retired and tea.on_hand == 100_000  # still in stock and in the catalogue
    lifecycle.restore_product(store, TEA_BARCODE)
    assert products.resolve_scan(store, TEA_BARCODE).product_id == TEA


def test_an_open_item_needs_a_department_a_price_and_a_role_that_may(tmp_path: Path) -> None:
    from pos_tui.config import RoleSettings, Settings, StaffSettings
    from pos_tui.domain.cart import Cart
    from pos_tui.domain.errors import InvalidAmount
    from pos_tui.domain.permissions import PermissionRequired
    from pos_tui.domain.tender import Tender
    from pos_tui.services.inventory import open_items
    from pos_tui.services.selling import sales
    from pos_tui.services.staff.users import add_user

    from .conftest import make_store

    settings = Settings(staff=StaffSettings(roles={"trainee": RoleSettings(extends="cashier",
                                                                             without=["open_item"])}))
    store = make_store(tmp_path / "store.db", settings)
    lifecycle.add_product(store, lifecycle.details_from_fields(
        store, {"sku": "DEPT-VEG", "name": "Vegetables", "price": "0", "tax_class": "exempt",
                "category": "Departments"}))
    line = open_items.open_item_line(store, "vegetables", 8000)
    sold = sales.complete_sale(store, Cart().add(line), [Tender("cash", 8000)])
    assert sold.priced.total == 8000 and sold.warnings == ()  # a department holds no stock to warn about
    with pytest.raises(InvalidInput, match="'fish' is not a department \\(departments: Vegetables\\)"):
        open_items.open_item_line(store, "fish", 8000)
    with pytest.raises(InvalidAmount, match="price above zero"):
        open_items.open_item_line(store, "DEPT-VEG", 0)
    add_user(store, "tim", "1212", role="trainee")
    with pytest.raises(PermissionRequired, match="tim may not ring up an open item"):
        open_items.open_item_line(store.as_user("tim"), "DEPT-VEG", 8000)
    store.close()
    assert_verifies(tmp_path / "store.db")
