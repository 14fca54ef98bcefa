"""The cart on screen shows every line, whichever way the line came in (issue 14, item 10)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from pos_tui.services.session import Session
from pos_tui.tui.widgets.cart_table import CartTable
from pos_tui.tui.widgets.results_table import ResultsTable
from tests.conftest import MILK_BARCODE, TEA_BARCODE, ean13
from tests.tui.conftest import log_in, make_app, scan, wait_for


def cart_on_screen(app: App[None]) -> list[str]:
    """The item names the cart table draws, top to bottom (what the cashier sees)."""
    table = app.screen.query_one(CartTable)
    assert table.display, "the cart is hidden"
    drawn = [table.render_line(y).text for y in range(1, table.content_size.height)]
    return [text.split()[1] for text in drawn if text.strip()]


def cursor_line(app: App[None]) -> int:
    return app.screen.query_one(CartTable).cursor_row


async def test_an_item_taken_from_search_results_shows_beside_the_lines_before_it(
    shop: Session, tmp_path: Path
) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, TEA_BARCODE)
        await scan(pilot, MILK_BARCODE)
        assert cart_on_screen(app) == ["Tapal", "Olpers"]
        await pilot.press(*"basm")  # search as you type: Basmati Rice, sold by weight
        await wait_for(pilot, lambda: app.screen.query_one(ResultsTable).row_count == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "FormDialog")
        await pilot.press(*"0.5", "enter")
        await wait_for(pilot, lambda: len(app.screen.cart.lines) == 3)  # type: ignore[attr-defined]
        assert cart_on_screen(app) == ["Tapal", "Olpers", "Basmati"]
        assert cursor_line(app) == 2
        await pilot.press(*"tapal")  # an item sold by the piece goes straight in
        await wait_for(pilot, lambda: app.screen.query_one(ResultsTable).row_count == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.cart.lines[0].quantity == 2000)  # type: ignore[attr-defined]
        assert cart_on_screen(app) == ["Tapal", "Olpers", "Basmati"]
        assert cursor_line(app) == 0
        await scan(pilot, MILK_BARCODE)
        await scan(pilot, "3*" + TEA_BARCODE)
        assert cart_on_screen(app) == ["Tapal", "Olpers", "Basmati"]
        await pilot.press(*"milk", "enter")
        await wait_for(pilot, lambda: app.screen.cart.lines[1].quantity == 3000)  # type: ignore[attr-defined]
        assert cart_on_screen(app) == ["Tapal", "Olpers", "Basmati"]


async def test_a_cart_longer_than_the_screen_keeps_the_newest_line_in_sight_after_a_search(
    shop: Session, tmp_path: Path
) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await scan(pilot, TEA_BARCODE)
        for grams in range(101, 131):  # thirty bags of rice weighed at the counter: thirty lines
            await scan(pilot, ean13(f"2112345{grams:05d}"))
        shown = cart_on_screen(app)
        assert shown[-1] == "Basmati" and "Tapal" not in shown  # the newest line, at the bottom
        assert cursor_line(app) == 30
        await pilot.press(*"tapal")
        await wait_for(pilot, lambda: app.screen.query_one(ResultsTable).row_count == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.cart.lines[0].quantity == 2000)  # type: ignore[attr-defined]
        assert cart_on_screen(app)[0] == "Tapal" and cursor_line(app) == 0  # the changed line, at the top
        await pilot.press(*"basm")
        await wait_for(pilot, lambda: app.screen.query_one(ResultsTable).row_count == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "FormDialog")
        await pilot.press(*"0.2", "enter")
        await wait_for(pilot, lambda: len(app.screen.cart.lines) == 32)  # type: ignore[attr-defined]
        table = app.screen.query_one(CartTable)
        assert cursor_line(app) == 31 and table.top + table.visible_rows() == 32  # the newest, at the bottom
