"""A stocktake of a shelf list at the till: the warehouse's stocktakes (Ctrl+K), F5, the list's codes
scanned or typed into the dialog or a file named there; the count covers exactly the listed products,
an unknown code is refused in the dialog by name and nothing starts."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from pos_tui.services.catalog import products
from pos_tui.services.inventory import lifecycle, stocktakes
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.form import FormDialog
from pos_tui.tui.screens.counting import CountingScreen
from tests.conftest import MILK, TEA, TEA_BARCODE, assert_verifies
from tests.test_stockroom_products import head
from tests.tui.conftest import make_app, wait_for
from tests.tui.test_counting_stories import counted, form_error, open_stocktakes
from tests.tui.test_receiving_stories import fill, scan_in, status


async def test_a_typed_shelf_list_is_counted_and_posted_with_the_uncounted_product_as_none_there(
    shop: Session, tmp_path: Path
) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stocktakes(pilot)
        before = head(tmp_path / "store.db")
        await pilot.press("f5")
        await fill(pilot, category="", vendor="", shelf=f"{TEA_BARCODE} GHOST-9", shelf_name="aisle 3")
        await wait_for(pilot, lambda: "names 'GHOST-9', which no product has" in form_error(pilot))
        assert isinstance(app.screen, FormDialog) and head(tmp_path / "store.db") == before  # nothing started
        await fill(pilot, category="", vendor="", shelf=f"{TEA_BARCODE} MILK-1L", shelf_name="aisle 3")
        await wait_for(pilot, lambda: isinstance(app.screen, CountingScreen))
        await wait_for(pilot, lambda: counted(pilot, "MILK-1L") is not None)
        assert counted(pilot, "MILK-1L")[3:6] == ("-", "50", "-50")  # type: ignore[index]
        assert counted(pilot, "RICE-KG") is None  # not on the list
        await scan_in(pilot, "2112345")
        await wait_for(pilot, lambda: "is not in ST-000001 (shelf list aisle 3)" in status(pilot))
        await scan_in(pilot, TEA_BARCODE)
        await wait_for(pilot, lambda: (counted(pilot, "TEA-200") or ("",) * 7)[3] == "1")
        assert "listed not counted yet" in str(app.screen.query_one("#page-summary").content)
        await pilot.press("f12")
        await fill(pilot, reason="count")
        await wait_for(pilot, lambda: "posted: stock moved" in status(pilot))
    assert products.get_product(shop, TEA).on_hand == 1000
    assert products.get_product(shop, MILK).on_hand == 0
    assert_verifies(tmp_path / "store.db")


async def test_a_shelf_list_file_named_in_the_dialog_leaves_out_a_retired_product_and_says_so(
    shop: Session, tmp_path: Path
) -> None:
    lifecycle.retire_product(shop, "MILK-1L")
    shelf_file = tmp_path / "fridge.csv"
    shelf_file.write_text("sku,name\nTEA-200,Tea\nMILK-1L,Milk\n", encoding="utf-8")
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stocktakes(pilot)
        await pilot.press("f5")
        await fill(pilot, category="Tea", vendor="", shelf=str(shelf_file), shelf_name="")
        await wait_for(pilot, lambda: "a category or vendor does not go with it" in form_error(pilot))
        await fill(pilot, category="", vendor="", shelf=str(shelf_file), shelf_name="")
        await wait_for(pilot, lambda: isinstance(app.screen, CountingScreen))
        await wait_for(pilot, lambda: "Left out 1 retired product on the list: Olpers Milk 1L" in status(pilot))
        await wait_for(pilot, lambda: counted(pilot, "TEA-200") is not None)
        assert counted(pilot, "MILK-1L") is None
    (taken,) = stocktakes.list_stocktakes(shop)
    assert taken.scope == "shelf list fridge"
    assert_verifies(tmp_path / "store.db")


async def test_a_scanner_that_types_fills_the_shelf_list_one_code_after_another(shop: Session, tmp_path: Path) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stocktakes(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-shelf", Input).focus()
        for code in (TEA_BARCODE, "MILK-1L"):
            await pilot.press(*code, "enter")  # a keyboard-wedge scanner: the code's keys, then Enter
        assert app.screen.query_one("#f-shelf", Input).value == f"{TEA_BARCODE} MILK-1L "
        assert app.focused is app.screen.query_one("#f-shelf", Input)  # still taking codes
        await pilot.press("enter")  # Enter again: done with the list
        assert app.focused is app.screen.query_one("#f-shelf_name", Input)
        await pilot.press(*"fridge", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CountingScreen))
    (taken,) = stocktakes.list_stocktakes(shop)
    assert taken.scope == "shelf list fridge" and stocktakes.on_shelf_list(shop, taken.number) == 2
