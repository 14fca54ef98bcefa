"""A stocktake of a shelf list: a named list of products by barcode or SKU, from a file (CSV or one code
a line) or typed in. The count covers exactly the listed products (one nobody counted is in the variance
as none there); a code no product has is refused by name and nothing starts; a retired product on the
list is left out, and the answer says so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pos_tui.domain.errors import InvalidInput, UnknownBarcode
from pos_tui.domain.inventory_events import StocktakeStarted
from pos_tui.services.catalog import products
from pos_tui.services.inventory import lifecycle, stocktakes
from pos_tui.services.reports import export
from pos_tui.services.session import Session

from .conftest import MILK, MILK_BARCODE, RICE, TEA, TEA_BARCODE, assert_verifies
from .test_stockroom_products import head


def test_the_count_covers_exactly_the_listed_products_and_an_uncounted_one_is_posted_as_none_there(
    store: Session, store_path: Path
) -> None:
    started = stocktakes.start_shelf_list(store, "aisle 3", [TEA_BARCODE, "MILK-1L", "TEA-200"])  # TEA twice
    assert started.note == ""
    taken = stocktakes.get_stocktake(store, started.number)
    assert taken.scope == "shelf list aisle 3" and stocktakes.on_shelf_list(store, taken.number) == 2
    stocktakes.count(store, taken.number, [TEA_BARCODE], quantity=98_000)
    before = head(store_path)
    with pytest.raises(InvalidInput, match=r"Basmati Rice \(RICE-KG\) is not in ST-000001 \(shelf list aisle 3\)"):
        stocktakes.count(store, taken.number, ["2112345"])
    assert head(store_path) == before

    found = stocktakes.review(store, taken.number)
    assert [(line.product_id, line.counted, line.expected, line.quantity, line.uncounted) for line in found.lines] == [
        (MILK, 0, 50_000, -50_000, True), (TEA, 98_000, 100_000, -2000, False)]
    stocktakes.post(store, taken.number)
    assert products.get_product(store, TEA).on_hand == 98_000
    assert products.get_product(store, MILK).on_hand == 0
    assert products.get_product(store, RICE).on_hand == 40_000  # not on the list: untouched
    assert export.account_balances(store)["expenses:shrinkage"] == 2 * 37_000 + 50 * 24_000
    assert stocktakes.review(store, taken.number).lines == found.lines  # the report stays, uncounted marked
    assert_verifies(store_path)


def test_an_unknown_code_is_refused_by_name_and_nothing_starts(store: Session, store_path: Path) -> None:
    before = head(store_path)
    with pytest.raises(UnknownBarcode, match=r"The shelf list 'aisle 3' names 'NOPE-1', which no product has"):
        stocktakes.start_shelf_list(store, "aisle 3", ["TEA-200", "NOPE-1"])
    with pytest.raises(InvalidInput, match="The shelf list has no name"):
        stocktakes.start_shelf_list(store, "  ", ["TEA-200"])
    with pytest.raises(InvalidInput, match="names no product that can be counted"):
        stocktakes.start_shelf_list(store, "empty", [])
    assert head(store_path) == before
    assert stocktakes.list_stocktakes(store) == []


def test_a_retired_product_on_the_list_is_left_out_with_a_sentence(store: Session, store_path: Path) -> None:
    lifecycle.retire_product(store, "MILK-1L")
    started = stocktakes.start_shelf_list(store, "fridge", ["TEA-200", MILK_BARCODE])
    assert started.note.startswith("Left out 1 retired product on the list: Olpers Milk 1L (MILK-1L);")
    assert [line.product_id for line in stocktakes.review(store, started.number).lines] == [TEA]
    before = head(store_path)
    with pytest.raises(InvalidInput, match="every one is retired"):
        stocktakes.start_shelf_list(store, "milk only", ["MILK-1L"])
    with pytest.raises(InvalidInput, match="Nothing was counted in ST-000001"):
        stocktakes.post(store, started.number)  # a list nobody counted is not posted as all gone
    assert head(store_path) == before
    assert_verifies(store_path)


def test_a_stocktake_without_a_shelf_list_hashes_as_it_always_did() -> None:
    assert StocktakeStarted(1, "Tea", "").payload() == {"number": 1, "category": "Tea", "vendor": ""}
    assert StocktakeStarted(2, shelf="aisle 3", products=(1, 2)).payload() == {
        "number": 2, "category": "", "vendor": "", "shelf": "aisle 3", "products": [1, 2]}


def test_a_shelf_list_file_is_read_as_csv_or_a_code_a_line() -> None:
    assert stocktakes.shelf_codes("sku,name\nTEA-200,Tea\n\n# a note\nMILK-1L,\"Milk, 1L\"\n") == ["TEA-200", "MILK-1L"]
    assert stocktakes.shelf_codes("name;barcode\nTea;4006381333931\n") == ["4006381333931"]
    assert stocktakes.shelf_codes("TEA-200\t12\nMILK-1L\t4\n") == ["TEA-200", "MILK-1L"]
    assert stocktakes.shelf_codes("barcode\n4006381333931\n5012345678900\n") == ["4006381333931", "5012345678900"]
    assert stocktakes.typed_codes(" TEA-200, MILK-1L;2112345  ") == ["TEA-200", "MILK-1L", "2112345"]


def test_pos_stocktake_start_shelf_list_from_a_file_and_its_refusals(
    store: Session, store_path: Path, tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "pos_tui.cli.main", "--db", str(store_path), "stocktake"]
    bad = tmp_path / "aisle-2.csv"
    bad.write_text("sku,name\nTEA-200,Tea\nGHOST-9,Ghost\n", encoding="utf-8")
    before = head(store_path)
    for args, sentence in [
        (["--shelf-list", str(bad)], "The shelf list 'aisle-2' names 'GHOST-9', which no product has"),
        (["--shelf-list", str(tmp_path / "none.txt")], "There is no shelf list file"),
        (["--shelf-list", str(bad), "--category", "Tea"], "--category and --vendor do not go with it"),
        (["--name", "aisle 2"], "--name names a shelf list"),
    ]:
        refused = subprocess.run([*command, "start", *args, "--user", "admin"], capture_output=True, text=True)
        assert refused.returncode == 1 and sentence in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
    assert head(store_path) == before

    lifecycle.retire_product(store, "TS-S")
    good = tmp_path / "aisle-1.txt"
    good.write_text(f"{TEA_BARCODE}\nMILK-1L\nTS-S\n", encoding="utf-8")
    started = subprocess.run([*command, "start", "--shelf-list", str(good), "--user", "admin"],
                             capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    assert "ST-000001 started (shelf list aisle-1, 2 products)" in started.stdout
    assert "Left out 1 retired product on the list: T-Shirt (S) (TS-S)" in started.stdout
    counted = subprocess.run([*command, "count", "ST-1", "--scan", TEA_BARCODE, "--qty", "100", "--user", "admin"],
                             capture_output=True, text=True)
    assert counted.returncode == 0, counted.stderr
    reviewed = subprocess.run([*command, "review", "ST-1"], capture_output=True, text=True)
    assert "shelf list aisle-1" in reviewed.stdout
    milk = next(line for line in reviewed.stdout.splitlines() if "MILK-1L" in line)
    assert milk.endswith("not counted: none there")
    named = subprocess.run(
        [*command, "start", "--shelf-list", str(good), "--name", "Aisle 1 (front)", "--user", "admin"],
        capture_output=True, text=True)
    assert "ST-000002 started (shelf list Aisle 1 (front), 2 products)" in named.stdout
    assert_verifies(store_path)
