"""The stock room through the real app: one product's detail, a price change and an adjustment from
there (each a journal event), and a sale that takes an item below its reorder level flagged at once."""

from __future__ import annotations

import io
from pathlib import Path

from textual.widgets import DataTable, Input

from pos_tui.services.catalog import products
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.receipt import ReceiptDialog
from pos_tui.tui.screens.product_detail import ProductDetailScreen
from tests.conftest import MILK, MILK_BARCODE, TEA
from tests.tui.conftest import log_in, make_app, scan, wait_for


async def test_product_detail_shows_every_field_and_changes_price_and_stock_as_events(
    shop: Session, tmp_path: Path
) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("f2")
        await wait_for(pilot, lambda: app.screen.query_one("#products", DataTable).row_count == 5)
        app.screen.query_one("#products", DataTable).focus()
        await pilot.press("enter")  # the first row: the tea
        await wait_for(pilot, lambda: isinstance(app.screen, ProductDetailScreen))
        table = app.screen.query_one("#detail-movements", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)  # the opening stock
        assert str(table.get_row_at(0)[2]) == "received"
        assert app.screen.product.product_id == TEA

        await pilot.press("f7")  # a new price, with a reason
        app.screen.query_one("#f-price", Input).value = "475"
        app.screen.query_one("#f-reason", Input).value = "supplier list"
        app.screen.query_one("#f-reason", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ProductDetailScreen)
                       and app.screen.product.price == 47_500)

        await pilot.press("f6")  # two broken in the store room
        app.screen.query_one("#f-qty", Input).value = "-2"
        app.screen.query_one("#f-reason", Input).value = "damaged"
        app.screen.query_one("#f-reason", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ProductDetailScreen) and table.row_count == 2)
        assert str(table.get_row_at(0)[2]) == "adjusted" and str(table.get_row_at(0)[4]) == "-2"
        assert app.screen.product.on_hand == 98_000

        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "WarehouseScreen" and app.screen.pinned is None
    kinds = [kind for (kind,) in shop.ledger.conn.execute("SELECT kind FROM journal ORDER BY seq DESC LIMIT 2")]
    assert kinds == ["stock.adjusted", "price.changed"]
    assert products.get_product(shop, TEA).price == 47_500


async def test_a_sale_that_takes_an_item_below_reorder_level_is_flagged_in_the_warehouse(
    shop: Session, tmp_path: Path
) -> None:
    milk = products.get_product(shop, MILK)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        sell = (milk.on_hand - milk.reorder_level) // 1000 + 1  # one past the reorder level
        await scan(pilot, f"{sell}*{MILK_BARCODE}")
        await pilot.press("f12", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        await wait_for(pilot, lambda: MILK in app.low_stock_ids)
        assert any("Below reorder level" in str(n.message) for n in app._notifications)
        await pilot.press("enter", "f2")
        await wait_for(pilot, lambda: app.screen.query_one("#products", DataTable).row_count == 5)
        name_cell = app.screen.query_one("#products", DataTable).get_row(str(MILK))[1]
        assert "bold" in str(name_cell.style)


def test_product_detail_margin_leaves_out_the_tax_inside_the_price(shop: Session) -> None:
    from dataclasses import replace

    from rich.console import Console

    from pos_tui.tui.screens.product_detail import fields_table

    def shown(policy: object) -> str:
        console = Console(width=160, record=True, file=io.StringIO())
        console.print(fields_table(products.get_product(shop, TEA), [], shop.currency, policy))  # type: ignore[arg-type]
        return console.export_text()

    # Rs 450.00 with 17% inside is Rs 384.62 to the store; less the Rs 370.00 it cost, Rs 14.62, not Rs 80.00.
    inclusive = shown(shop.tax_policy)
    assert "Margin         Rs 14.62 (3.8%)" in inclusive and "std (17%): Rs 65.38" in inclusive
    exclusive = shown(replace(shop.tax_policy, prices_include_tax=False))
    assert "Margin         Rs 80.00 (17.78%)" in exclusive and "std (17%) " in exclusive
