"""Returns at the till (issue 14, item 9): Enter walks the return dialog to its last field before it
refunds, the goods go back on the shelf or are written off, a refund slip shows, and a return without
a receipt takes the items scanned into the cart."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, Static

from pos_tui.services.catalog import products
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.form import FormDialog
from pos_tui.tui.dialogs.receipt import ReceiptDialog
from pos_tui.tui.dialogs.returns import ReturnDialog
from tests.conftest import TEA, TEA_BARCODE
from tests.tui.conftest import log_in, make_app, names, scan, wait_for


def returns_in(session: Session) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in session.ledger.conn.execute("SELECT sale_seq IS NULL, reason FROM returns")]


async def sell_three_teas(pilot: object) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    await scan(pilot, f"3*{TEA_BARCODE}")  # type: ignore[arg-type]
    await pilot.press("f12", "enter")  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
    await pilot.press("enter")  # type: ignore[attr-defined]


async def test_enter_in_the_reason_goes_to_refund_by_and_a_written_off_return_shows_its_slip(
    shop: Session, tmp_path: Path
) -> None:
    messages: list[object] = []
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await log_in(pilot)
        await sell_three_teas(pilot)
        await pilot.press("ctrl+r", *"T1-1", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnDialog))
        dialog = app.screen
        await pilot.press("space", "enter")  # all of line 1, then on to the reason
        assert dialog.focused is dialog.query_one("#reason", Input)
        await pilot.press(*"damaged", "enter")
        assert dialog.focused is dialog.query_one("#refund-method", Select)  # not refunded yet
        assert returns_in(shop) == [] and app.screen is dialog
        await pilot.press("enter")
        stock = dialog.query_one("#stock", Select)
        assert dialog.focused is stock
        await pilot.press("down")  # open the list: back on the shelf, or written off
        await wait_for(pilot, lambda: stock.expanded)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: stock.value == "write-off")
        assert returns_in(shop) == []
        await pilot.press("enter")  # Enter on the last field refunds
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        slip = str(app.screen.query_one("#receipt-text", Static).content)
        assert "REFUND" in slip and "Against sale T1-000001" in slip and "written off" in slip
        assert "1,350.00" in slip and "Reason: damaged" in slip
        await pilot.press("enter")
        assert "refund Rs 1,350.00" in str(app.screen.query_one("#status").content)
    assert returns_in(shop) == [(0, "damaged")]
    assert products.get_product(shop, TEA).on_hand == 100_000 - 3000  # written off: not back on the shelf
    assert "ReturnCompleted" in names(messages)


async def test_a_return_without_a_receipt_takes_back_the_items_scanned_into_the_cart(
    shop: Session, tmp_path: Path
) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+r", "enter")  # no number and nothing in the cart: the form says what to do
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog)
                       and "scanned into the cart" in str(app.screen.query_one("#form-error", Static).content))
        await pilot.press("escape")
        await scan(pilot, f"2*{TEA_BARCODE}")
        await pilot.press("ctrl+r", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnDialog))
        assert app.screen.focused is app.screen.query_one("#reason", Input)
        await pilot.press(*"changed-mind", "f12")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        slip = str(app.screen.query_one("#receipt-text", Static).content)
        assert "Without a receipt" in slip and "900.00" in slip
        await pilot.press("enter")
        assert app.screen.cart.lines == ()  # type: ignore[attr-defined]
    assert returns_in(shop) == [(1, "changed-mind")]
    assert products.get_product(shop, TEA).on_hand == 100_000 + 2000


async def test_a_sale_number_that_is_not_there_keeps_the_form_with_the_number_typed(
    shop: Session, tmp_path: Path
) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+r", *"T1-42", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog)
                       and "no sale T1-000042" in str(app.screen.query_one("#form-error", Static).content))
        field = app.screen.query_one("#f-value", Input)
        assert field.value == "T1-42"
