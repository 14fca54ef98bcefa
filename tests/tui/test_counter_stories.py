"""Whole stories at the counter, on a real store, through the real app; the books verify after each."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from pos_tui.services.catalog import products
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.receipt import ReceiptDialog
from pos_tui.tui.dialogs.tender import TenderDialog
from pos_tui.tui.widgets.cart_table import CartTable
from pos_tui.tui.widgets.results_table import ResultsTable
from tests.conftest import RICE, TEA, TEA_BARCODE, ean13
from tests.tui.conftest import log_in, make_app, names, scan, wait_for

RICE_750G = ean13("211234500750")  # in-store weight layout 21 IIIII WWWWW K: item 12345, 750 g


def cart_of(app: object) -> list[tuple[str, int]]:
    bucket = app.screen  # type: ignore[attr-defined]
    return [(line.sku, line.quantity) for line in bucket.cart.lines]


async def test_cash_sale_by_barcode_search_and_weight_with_qty_change_void_and_change(
    shop: Session, tmp_path: Path
) -> None:
    messages: list[object] = []
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await log_in(pilot)
        assert "LoggedIn" in names(messages)

        await scan(pilot, TEA_BARCODE)
        await scan(pilot, RICE_750G)
        await pilot.press("s", "h", "i")  # search as you type: T-Shirt has two variants
        await wait_for(pilot, lambda: app.screen.query_one(ResultsTable).row_count == 2)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ChooseDialog")
        await pilot.press("down", "enter")  # variants in order M, S: the second is S
        await pilot.pause()
        assert cart_of(app) == [("TEA-200", 1000), ("RICE-KG", 750), ("TS-S", 1000)]
        assert names(messages).count("LineAdded") == 3
        assert names(messages).count("BarcodeScanned") == 2

        # 2 Ctrl+N: quantity of the highlighted line (the tea, after moving up twice)
        await pilot.press("up", "up", "2", "ctrl+n")
        assert cart_of(app)[0] == ("TEA-200", 2000)
        await pilot.press("down", "down", "ctrl+d")  # void the T-shirt: asked first, kept on Escape
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("escape")
        assert len(cart_of(app)) == 3
        await pilot.press("ctrl+d", "enter")
        assert cart_of(app) == [("TEA-200", 2000), ("RICE-KG", 750)]
        assert {"LineChanged", "LineVoided"} <= set(names(messages))

        await pilot.press("f12")
        assert isinstance(app.screen, TenderDialog)
        assert app.screen.total == 90_000 + 24_000
        app.screen.query_one("#amount", Input).value = "1500"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        sale = next(m for m in messages if type(m).__name__ == "SaleCompleted").sale  # type: ignore[attr-defined]
        assert sale.change == 150_000 - 114_000
        assert "Change" in str(app.screen.query_one("#receipt-text").content)
        await pilot.press("enter")
        assert cart_of(app) == []
        order = [n for n in names(messages) if n in {"BarcodeScanned", "LineAdded", "SaleCompleted"}]
        assert order[:2] == ["BarcodeScanned", "LineAdded"] and order[-1] == "SaleCompleted"

        # the daybook shows the sale; the warehouse shows less tea
        await pilot.press("f3")
        await wait_for(pilot, lambda: app.screen.query_one("#movements", DataTable).row_count == 1)
        row = app.screen.query_one("#movements", DataTable).get_row_at(0)
        assert row[2] == "T1-000001" and str(row[5]) == "1,140.00"
        await pilot.press("f2")
        await wait_for(pilot, lambda: app.screen.query_one("#products", DataTable).row_count == 5)
        tea_row = app.screen.query_one("#products", DataTable).get_row(str(TEA))
        assert str(tea_row[3]) == "98"
    assert products.get_product(shop, RICE).on_hand == 40_000 - 750


async def test_unknown_code_beeps_shows_the_code_and_adds_nothing(shop: Session, tmp_path: Path) -> None:
    messages: list[object] = []
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await log_in(pilot)
        await scan(pilot, "4006381333948")
        assert cart_of(app) == []
        assert "ScanRejected" in names(messages) and "LineAdded" not in names(messages)
        status = str(app.screen.query_one("#status").content)
        assert "400638133394" in status and "Traceback" not in status
        assert app.screen.query_one("#scan", Input).has_focus


async def test_three_star_prefix_sets_the_quantity(shop: Session, tmp_path: Path) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, f"3*{TEA_BARCODE}")
        await scan(pilot, TEA_BARCODE)
        assert cart_of(app) == [("TEA-200", 4000)]


async def test_leaving_the_bucket_mid_sale_and_coming_back_keeps_the_cart(shop: Session, tmp_path: Path) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await scan(pilot, TEA_BARCODE)
        await pilot.press("f2")
        assert app.current_mode == "warehouse"
        await pilot.press("f3")
        await pilot.press("f1")
        assert app.current_mode == "bucket"
        assert cart_of(app) == [("TEA-200", 1000)]
        assert app.screen.query_one("#scan", Input).has_focus


async def test_park_a_cart_serve_another_and_resume_it(shop: Session, tmp_path: Path) -> None:
    messages: list[object] = []
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await log_in(pilot)
        await scan(pilot, f"2*{TEA_BARCODE}")
        await pilot.press("f8")
        await pilot.press(*"Ali", "enter")
        await wait_for(pilot, lambda: "CartParked" in names(messages))
        assert cart_of(app) == []
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ChooseDialog")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "CartResumed" in names(messages))
        assert cart_of(app) == [("TEA-200", 2000)]


async def test_discounts_and_a_marked_price_override_change_the_total(shop: Session, tmp_path: Path) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, f"2*{TEA_BARCODE}")
        await pilot.press("f5", *"10%", "enter")  # line discount 10% of 900.00
        assert app.screen.priced.discount_total == 9_000
        await pilot.press("f7")
        field = app.screen.query_one("#f-value", Input)
        field.value = "400"
        await pilot.press("enter")
        assert app.screen.cart.lines[0].price_source == "override"
        assert "*" in app.screen.query_one(CartTable).get_row_at(0)[3]
        await pilot.press(*"50", "f6")  # typed first, then F6: a cart discount of 50.00
        assert app.screen.priced.total == 80_000 - 8_000 - 5_000


async def test_a_return_against_the_receipt_refunds_and_restocks(shop: Session, tmp_path: Path) -> None:
    messages: list[object] = []
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await log_in(pilot)
        await scan(pilot, f"3*{TEA_BARCODE}")
        await pilot.press("f12", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        await pilot.press("enter", "ctrl+r")
        await pilot.press(*"T1-1", "enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ReturnDialog")
        await pilot.press("space")  # all of line 1 (focus starts on its quantity)
        app.screen.query_one("#reason", Input).value = "damaged"
        await pilot.press("f12")
        await wait_for(pilot, lambda: "ReturnCompleted" in names(messages))
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))  # the refund slip
        await pilot.press("enter")
        assert products.get_product(shop, TEA).on_hand == 100_000
        assert "refund Rs 1,350.00" in str(app.screen.query_one("#status").content)


async def test_quick_amounts_follow_what_is_still_due_after_a_part_paid(shop: Session, tmp_path: Path) -> None:
    from textual.widgets import Button

    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, f"3*{TEA_BARCODE}")  # Rs 1,350.00
        await pilot.press("f12")
        dialog = app.screen
        assert isinstance(dialog, TenderDialog)

        def quick() -> list[str]:
            return [str(button.label) for button in dialog.query("#quick Button").results(Button)]

        assert quick() == ["1,350.00", "1,400.00", "1,500.00", "2,000.00"]
        await pilot.press("f6")  # card, part of it
        dialog.query_one("#amount", Input).value = "1000"
        await pilot.press("enter")
        await wait_for(pilot, lambda: quick()[0] == "350.00")
        assert quick() == ["350.00", "400.00", "500.00", "1,000.00"]
        await pilot.press("f5")
        await pilot.click("#q40000")  # the customer hands over Rs 400 for the rest
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))


async def test_a_long_receipt_scrolls_without_losing_columns_to_the_scrollbar(shop: Session, tmp_path: Path) -> None:
    receipt = "\n".join(f"{n:>3} Tapal Danedar Tea 200g {'450.00':>15}" for n in range(60))  # 42 columns
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        app.push_screen(ReceiptDialog(receipt, "", title="Duplicate of T1-000001"))
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        text = app.screen.query_one("#receipt-text")
        await wait_for(pilot, lambda: text.size.width > 0)
        assert text.size.width >= 42 and text.size.height == 60  # every line on one row: nothing wraps


async def test_a_long_status_sentence_wraps_at_80_columns_instead_of_being_cut(shop: Session, tmp_path: Path) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await scan(pilot, TEA_BARCODE)
        app.screen.query_one("#scan", Input).value = "1,5"
        await pilot.press("ctrl+n")
        status = app.screen.query_one("#status")
        said = str(status.content)  # type: ignore[attr-defined]
        assert said.startswith("Nothing added — Quantity 1,5 has a comma.") and len(said) > status.size.width
        await wait_for(pilot, lambda: status.size.height >= 2)
        assert status.size.height * status.size.width >= len(said)  # all of it on screen
        await scan(pilot, TEA_BARCODE)
        await wait_for(pilot, lambda: status.size.height == 1)  # a short sentence: one row again


async def test_a_wedge_burst_of_two_scans_adds_two_items(shop: Session, tmp_path: Path) -> None:
    """Codes and Enters arriving faster than handlers run (as a scanner sends them) never run together."""
    from textual import events

    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        for key in [*TEA_BARCODE, "enter", *TEA_BARCODE, "enter"]:
            app.post_message(events.Key(key, "\r" if key == "enter" else key))
        await wait_for(pilot, lambda: cart_of(app) == [("TEA-200", 2000)])


async def test_a_partial_return_takes_back_part_of_a_line_and_refuses_more_than_was_sold(
    shop: Session, tmp_path: Path
) -> None:
    messages: list[object] = []
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await log_in(pilot)
        await scan(pilot, f"3*{TEA_BARCODE}")
        await pilot.press("f12", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        await pilot.press("enter", "ctrl+r", *"T1-1", "enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ReturnDialog")
        await pilot.press("4")  # four of the three teas sold
        app.screen.query_one("#reason", Input).value = "damaged"
        await pilot.press("f12")
        assert "only 3 can come back" in str(app.screen.query_one("#return-error").content)
        await pilot.press("backspace", "1", "f12")  # one of them
        await wait_for(pilot, lambda: "ReturnCompleted" in names(messages))
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))  # the refund slip
        await pilot.press("enter")
        assert products.get_product(shop, TEA).on_hand == 100_000 - 3000 + 1000
        assert "refund Rs 450.00" in str(app.screen.query_one("#status").content)
