"""The product screen: its quick key set and cleared, and its shelf label printed on the till's printer;
the warehouse's F9: the labels of a whole category."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from pos_tui.services.catalog import products
from pos_tui.services.inventory import quick_keys
from pos_tui.services.selling.printing import ReceiptPrinter
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.form import FormDialog
from pos_tui.tui.screens.product_detail import ProductDetailScreen
from tests.conftest import TEA, TEA_BARCODE
from tests.devices.fake_printer import fake_printer
from tests.test_printing import page_of, settings_of, write_config
from tests.test_shelf_labels import barcode, labels_on, words
from tests.tui.conftest import log_in, make_app, wait_for


async def open_tea(pilot: Pilot[None]) -> None:
    await log_in(pilot)
    await pilot.press("f2")
    await wait_for(pilot, lambda: bool(getattr(pilot.app.screen, "products", None)))
    pilot.app.screen.query_one("#products", DataTable).focus()
    await pilot.press("enter")  # the first row: the tea
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ProductDetailScreen))


async def test_the_product_screen_puts_the_product_on_a_quick_key_and_takes_it_off(
    shop: Session, tmp_path: Path
) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tea(pilot)
        for position in ("3", "0"):
            await pilot.press("ctrl+g")
            await wait_for(pilot, lambda: app.screen.query("#f-position"))
            app.screen.query_one("#f-position", Input).value = position
            await pilot.press("enter")
            await wait_for(pilot, lambda p=position: quick_keys.position_of(shop, TEA) == int(p))
            await wait_for(pilot, lambda: isinstance(app.screen, ProductDetailScreen))
    assert quick_keys.grid(shop) == ()


async def test_the_product_screen_prints_its_shelf_label_through_the_tills_print_queue(
    shop: Session, tmp_path: Path
) -> None:
    with fake_printer() as printer:
        receipts = ReceiptPrinter(settings_of(write_config(tmp_path)), uri=printer.uri)
        receipts.start()
        try:
            app = make_app(shop, tmp_path)
            app.printer = receipts  # type: ignore[attr-defined]
            async with app.run_test(size=(120, 40)) as pilot:
                await open_tea(pilot)
                await pilot.press("f9")
                await wait_for(pilot, lambda: "is queued on" in str(app.screen.query_one("#status").content))
                [printed] = printer.wait_for_jobs(1)
        finally:
            receipts.close()
    [label] = labels_on(page_of(printed))
    assert words(label)[:2] == ["Tapal Danedar Tea 200g", "Rs 450.00"]
    assert barcode(label) == TEA_BARCODE.encode()


async def test_the_warehouse_prints_the_shelf_labels_of_a_whole_category(shop: Session, tmp_path: Path) -> None:
    with fake_printer() as printer:
        receipts = ReceiptPrinter(settings_of(write_config(tmp_path)), uri=printer.uri)
        receipts.start()
        try:
            app = make_app(shop, tmp_path)
            app.printer = receipts  # type: ignore[attr-defined]
            async with app.run_test(size=(120, 40)) as pilot:
                await log_in(pilot)
                await pilot.press("f2")
                await wait_for(pilot, lambda: bool(getattr(pilot.app.screen, "categories", None)))
                pilot.app.screen.query_one("#products", DataTable).focus()
                await pilot.press("f9")
                await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
                assert app.screen.query_one("#f-category", Input).value == "Tea"  # the highlighted product's
                app.screen.query_one("#f-category", Input).value = "Toys"
                await pilot.press("enter")
                await wait_for(pilot, lambda: "pick one of" in str(app.screen.query_one("#form-error").content))
                app.screen.query_one("#f-category", Input).value = "Clothing"
                await pilot.press("enter")
                await wait_for(pilot, lambda: "2 labels of Clothing queued on" in str(
                    app.screen.query_one("#status").content))
                [printed] = printer.wait_for_jobs(1)
        finally:
            receipts.close()
    sizes = [words(label)[:2] for label in labels_on(page_of(printed))]
    assert sizes == [["T-Shirt (M)", "Rs 1,500.00"], ["T-Shirt (S)", "Rs 1,500.00"]]
    assert products.get_product(shop, TEA).on_hand == 100_000  # printing moves nothing


async def test_the_warehouse_says_so_when_no_printer_is_configured(shop: Session, tmp_path: Path) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("f2")
        await wait_for(pilot, lambda: bool(getattr(pilot.app.screen, "categories", None)))
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-category", Input).value = "Tea"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "No printer is configured" in str(app.screen.query_one("#form-error").content))
