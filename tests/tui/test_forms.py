"""The rule for every form (issue 14, item 9): Enter moves to the next field and submits only from the
last; a form the till refuses stays open with what was typed; keys typed into a field stay there."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from pos_tui.services.cash import shifts
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.cash_move import CashMoveDialog
from pos_tui.tui.dialogs.form import FormDialog
from pos_tui.tui.screens.cash import CashScreen
from tests.tui.conftest import log_in, make_app, wait_for


def on_top(pilot: Pilot[None], kind: type) -> bool:
    return isinstance(pilot.app.screen, kind)


def focused_id(pilot: Pilot[None]) -> str:
    focused = pilot.app.screen.focused
    return "" if focused is None else str(focused.id)


def journal_kinds(session: Session) -> list[str]:
    return [row[0] for row in session.ledger.conn.execute("SELECT kind FROM journal ORDER BY seq")]


async def test_a_paid_out_walks_amount_category_and_note_and_a_refusal_keeps_what_was_typed(
    shop: Session, tmp_path: Path
) -> None:
    shifts.open_shift(shop, float_amount=100_000)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: on_top(pilot, CashScreen))
        await pilot.press("u")
        await wait_for(pilot, lambda: on_top(pilot, CashMoveDialog))
        dialog = pilot.app.screen
        await pilot.press(*"250", "enter")
        assert focused_id(pilot) == "move-category"  # Enter on the amount goes to the category...
        await pilot.press("enter")
        assert focused_id(pilot) == "move-note"  # ...and on the category to the note: nothing is sent yet
        before = journal_kinds(shop)
        await pilot.press("enter")  # no note: the till refuses, the dialog stays with the amount
        await wait_for(pilot, lambda: "needs a note" in str(dialog.query_one("#move-error", Static).content))
        assert pilot.app.screen is dialog
        assert dialog.query_one("#move-amount", Input).value == "250"
        assert journal_kinds(shop) == before
        await pilot.press(*"window cleaning")  # the note's i and n stay in the note
        assert pilot.app.screen is dialog
        assert dialog.query_one("#move-note", Input).value == "window cleaning"
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_top(pilot, CashScreen))
        assert "Paid out Rs 250.00" in str(pilot.app.screen.query_one("#status", Static).content)
    assert journal_kinds(shop)[len(before):] == ["cash.paid_out"]


async def test_a_paid_out_category_list_still_opens_with_the_down_arrow(shop: Session, tmp_path: Path) -> None:
    shifts.open_shift(shop, float_amount=100_000)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: on_top(pilot, CashScreen))
        await pilot.press("u")
        await wait_for(pilot, lambda: on_top(pilot, CashMoveDialog))
        dialog = pilot.app.screen
        await pilot.press(*"40", "enter", "down")
        category = dialog.query_one("#move-category", Select)
        await wait_for(pilot, lambda: category.expanded)
        await pilot.press("down", "enter")  # Enter in the open list picks a category, and sends nothing
        await wait_for(pilot, lambda: not category.expanded)
        assert pilot.app.screen is dialog and category.value == category._options[1][1]


async def test_a_refused_form_keeps_its_text_and_letters_typed_next_stay_in_it(shop: Session, tmp_path: Path) -> None:
    """The no-sale reason: refused when empty; typing on must not open the cash screen's dialogs."""
    shifts.open_shift(shop, float_amount=100_000)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: on_top(pilot, CashScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: on_top(pilot, FormDialog))
        dialog = pilot.app.screen
        await pilot.press("enter")
        await wait_for(pilot, lambda: "needs" in str(dialog.query_one("#form-error", Static).content))
        await pilot.press(*"coins in", "enter")
        await wait_for(pilot, lambda: on_top(pilot, CashScreen))
    assert journal_kinds(shop)[-1] == "drawer.opened"


async def test_a_quantity_with_a_comma_is_refused_in_the_form_and_the_corrected_one_goes_in(
    shop: Session, tmp_path: Path
) -> None:
    from tests.conftest import TEA_BARCODE
    from tests.tui.conftest import scan

    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, TEA_BARCODE)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: on_top(pilot, FormDialog))
        dialog = pilot.app.screen
        await pilot.press(*"1,5", "enter")
        await wait_for(pilot, lambda: "comma" in str(dialog.query_one("#form-error", Static).content))
        assert pilot.app.screen is dialog and dialog.query_one("#f-value", Input).value == "1,5"
        await pilot.press("backspace", "backspace", "backspace", "3", "enter")
        await wait_for(pilot, lambda: not on_top(pilot, FormDialog))
        assert pilot.app.screen.cart.lines[0].quantity == 3000  # type: ignore[attr-defined]


async def test_a_stock_adjustment_without_a_reason_keeps_the_quantity_typed(shop: Session, tmp_path: Path) -> None:
    from textual.widgets import DataTable

    from pos_tui.services.catalog import products
    from tests.conftest import TEA

    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("f2")
        await wait_for(pilot, lambda: pilot.app.screen.query("#products")
                       and pilot.app.screen.query_one("#products", DataTable).row_count == 5)
        await pilot.press("f6")
        await wait_for(pilot, lambda: on_top(pilot, FormDialog))
        dialog = pilot.app.screen
        await pilot.press(*"-2", "enter", "enter")  # Enter on the quantity goes to the reason; there, it sends
        await wait_for(pilot, lambda: "pick one of" in str(dialog.query_one("#form-error", Static).content))
        assert dialog.query_one("#f-qty", Input).value == "-2"
        await pilot.press(*"damaged", "enter")
        await wait_for(pilot, lambda: not on_top(pilot, FormDialog))
    assert products.get_product(shop, TEA).on_hand == 100_000 - 2000
