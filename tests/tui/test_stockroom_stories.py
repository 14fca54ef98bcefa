"""Reasons from a list at the till: the stock adjustment and the return offer pos.toml's reasons and
take no other."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from pos_tui.services.reports import export
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.form import FormDialog
from pos_tui.tui.dialogs.receipt import ReceiptDialog
from tests.conftest import TEA_BARCODE
from tests.tui.conftest import log_in, make_app, scan, wait_for


async def test_a_stock_adjustment_takes_only_a_listed_reason_and_posts_to_its_account(
    shop: Session, tmp_path: Path
) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("f2")
        await wait_for(pilot, lambda: bool(getattr(app.screen, "products", None)))
        await pilot.press("f6")  # adjust the first product (tea)
        await wait_for(pilot, lambda: app.screen.query("#f-qty"))
        assert "damaged, expired, theft" in " ".join(str(label.content) for label in app.screen.query("Label"))
        app.screen.query_one("#f-qty", Input).value = "-1"
        app.screen.query_one("#f-reason", Input).value = "broken"
        app.screen.query_one("#f-reason", Input).focus()
        await pilot.press("enter")
        assert isinstance(app.screen, FormDialog)
        assert "pick one of count, damaged" in str(app.screen.query_one("#form-error", Static).content)
        app.screen.query_one("#f-reason", Input).value = "theft"
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormDialog))
        await wait_for(pilot, lambda: "expenses:shrinkage:theft" in export.account_balances(shop))


async def test_a_return_at_the_till_takes_only_a_listed_reason(shop: Session, tmp_path: Path) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, TEA_BARCODE)
        await pilot.press("f12", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        await pilot.press("enter", "ctrl+r", *"T1-1", "enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ReturnDialog")
        await pilot.press("space")
        app.screen.query_one("#reason", Input).value = "meh"
        await pilot.press("f12")
        assert "A return needs a reason: damaged, faulty" in str(app.screen.query_one("#return-error").content)
        app.screen.query_one("#reason", Input).value = "faulty"
        await pilot.press("f12")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ != "ReturnDialog")


async def test_an_item_past_its_date_sells_at_the_till_only_with_a_supervisors_pin(tmp_path: Path) -> None:
    from pos_tui.config import InventorySettings, Settings
    from pos_tui.domain.events import BarcodeSpec, ProductDetails
    from pos_tui.services.catalog import products
    from tests.conftest import assert_verifies, make_store
    from tests.tui.test_staff_stories import CASHIER, CASHIER_PIN, SUPERVISOR, SUPERVISOR_PIN, approve, hire_staff

    session = make_store(tmp_path / "store.db", Settings(inventory=InventorySettings(expired_sale="supervisor")))
    products.add_products(session, [ProductDetails("YOG", "Yoghurt", "Dairy", "Dairy Co", "each", 9000, 6000, "std",
                                                   0, barcodes=(BarcodeSpec("9501101530003"),))])
    hire_staff(session)
    app = make_app(session, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, CASHIER, CASHIER_PIN)
        await scan(pilot, "(01)09501101530003(17)200101(10)OLD")
        await approve(pilot, SUPERVISOR, SUPERVISOR_PIN, reason="customer insists")
        await wait_for(pilot, lambda: len(app.screen.cart.lines) == 1)
        assert [a.approver for a in app.screen.cart.approvals] == [SUPERVISOR]
    session.close()
    assert_verifies(tmp_path / "store.db")


async def test_goods_without_a_barcode_come_from_the_quick_key_grid_in_two_keys(shop: Session, tmp_path: Path) -> None:
    from pos_tui.services.inventory import lifecycle, quick_keys
    from pos_tui.tui.dialogs.quick_keys import QuickKeyDialog

    roll, _ = lifecycle.add_product(shop, lifecycle.details_from_fields(
        shop, {"sku": "ROLL", "name": "Bakery roll", "price": "40", "tax_class": "exempt", "category": "Bakery"}))
    quick_keys.set_quick_key(shop, "ROLL", 1)
    quick_keys.set_quick_key(shop, "RICE-KG", 1)  # loose rice, by weight
    assert [(c.key, c.category, [i.key for i in c.items]) for c in quick_keys.grid(shop)] == [
        ("1", "Bakery", ["1"]), ("2", "Rice", ["1"])]
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, QuickKeyDialog))
        assert "[1] Bakery" in str(app.screen.query_one("#quick-grid", Static).content)
        await pilot.press("1", "1")  # Bakery, then the roll
        await wait_for(pilot, lambda: not isinstance(app.screen, QuickKeyDialog))
        await wait_for(pilot, lambda: len(app.screen.cart.lines) == 1)
        app.screen.query_one("#scan", Input).value = "0.5"  # half a kilo typed first
        await pilot.press("ctrl+g", "2", "escape", "2", "1")  # Esc goes back to the categories
        await wait_for(pilot, lambda: len(app.screen.cart.lines) == 2)
        assert [(line.product_id, line.quantity) for line in app.screen.cart.lines] == [(roll, 1000), (3, 500)]


async def test_the_warehouse_puts_a_product_on_a_quick_key(shop: Session, tmp_path: Path) -> None:
    from pos_tui.services.inventory import quick_keys

    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("f2")
        await wait_for(pilot, lambda: bool(getattr(app.screen, "products", None)))
        await pilot.press("ctrl+g")  # the first product (tea)
        await wait_for(pilot, lambda: app.screen.query("#f-position"))
        app.screen.query_one("#f-position", Input).value = "x"
        await pilot.press("enter")  # refused in the form, which stays open with what was typed
        await wait_for(pilot, lambda: "is not a quick-key position" in str(app.screen.query_one("#form-error").content))
        app.screen.query_one("#f-position", Input).value = "2"
        await pilot.press("enter")
        await wait_for(pilot, lambda: [c.category for c in quick_keys.grid(shop)] == ["Tea"])


async def test_an_open_item_is_a_department_at_a_typed_price(shop: Session, tmp_path: Path) -> None:
    from pos_tui.services.inventory import lifecycle

    dept, _ = lifecycle.add_product(shop, lifecycle.details_from_fields(
        shop, {"sku": "DEPT-GROCERY", "name": "Grocery", "price": "0", "tax_class": "reduced",
               "category": "Departments"}))
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: app.screen.query("#f-department"))
        app.screen.query_one("#f-department", Input).value = "Grocery"
        app.screen.query_one("#f-price", Input).value = "125.50"
        app.screen.query_one("#f-price", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormDialog))
        await wait_for(pilot, lambda: len(app.screen.cart.lines) == 1)
        (line,) = app.screen.cart.lines
        assert (line.product_id, line.unit_price, line.tax_class, line.price_source) == (
            dept, 12_550, "reduced", "open")
