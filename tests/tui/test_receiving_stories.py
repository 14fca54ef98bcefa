"""Purchase orders at the till: made by hand or from the reorder report, received by scanning the
delivery (each scan one, a pack's code the pack), over and short shown, posted as stock and payable."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from pos_tui.services.catalog import products
from pos_tui.services.inventory import lifecycle, orders
from pos_tui.services.reports import export
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.confirm import ConfirmDialog
from pos_tui.tui.dialogs.form import FormDialog
from pos_tui.tui.screens.orders import OrdersScreen
from pos_tui.tui.screens.receiving import ReceivingScreen, ReceivingTable
from tests.conftest import MILK, MILK_BARCODE, TEA, TEA_BARCODE
from tests.test_stockroom_products import head
from tests.tui.conftest import log_in, make_app, wait_for

TEA_SIX_PACK = "1" + TEA_BARCODE[:-1] + "8"


async def open_orders(pilot: Pilot[None]) -> None:
    await log_in(pilot)
    await pilot.press("f2")
    await wait_for(pilot, lambda: bool(getattr(pilot.app.screen, "products", None)))
    await pilot.press("ctrl+o")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, OrdersScreen))


async def fill(pilot: Pilot[None], **values: str) -> None:
    """Type into the open form's fields and submit from the last one."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormDialog))
    for name, value in values.items():
        pilot.app.screen.query_one(f"#f-{name}", Input).value = value
    pilot.app.screen.query_one(f"#f-{list(values)[-1]}", Input).focus()
    await pilot.press("enter")


async def scan_in(pilot: Pilot[None], code: str) -> None:
    field = pilot.app.screen.query_one("#scan", Input)
    field.value = code
    field.focus()
    await pilot.press("enter")


def row_of(screen: object, sku: str) -> tuple[str, ...]:
    table = screen.query_one(ReceivingTable)  # type: ignore[attr-defined]
    return next(row for row in table.rows if row[0] == sku)


def status(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#status").content)


async def test_an_order_made_at_the_till_is_received_by_scan_with_the_short_line_shown_and_posts_the_payable(
    shop: Session, tmp_path: Path
) -> None:
    tea_before = products.get_product(shop, TEA).on_hand
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_orders(pilot)
        await pilot.press("f5")
        await fill(pilot, vendor="Tapal", lines="TEA-200:12@370 MILK-1L:10")
        await wait_for(pilot, lambda: len(getattr(app.screen, "orders", [])) == 1)
        assert "PO-000001 made" in status(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceivingScreen))
        await scan_in(pilot, TEA_SIX_PACK)  # a pack's code counts the pack
        await scan_in(pilot, TEA_BARCODE)
        await scan_in(pilot, TEA_BARCODE)
        await pilot.press("f6")  # the delivery note says 360, not the 370 ordered: the tea's line has the cursor
        await fill(pilot, cost="360")
        await wait_for(pilot, lambda: row_of(app.screen, "TEA-200")[6] == "360.00 *")
        await scan_in(pilot, f"4*{MILK_BARCODE}")  # four typed before the scan
        await wait_for(pilot, lambda: row_of(app.screen, "MILK-1L")[4] == "4")
        assert row_of(app.screen, "TEA-200")[2:6] == ("12", "0", "8", "short 4")
        assert row_of(app.screen, "MILK-1L")[2:] == ("10", "0", "4", "short 6", "240.00")
        await pilot.press("ctrl+d")  # the last scan taken back: four milk
        await wait_for(pilot, lambda: row_of(app.screen, "MILK-1L")[4] == "")
        await scan_in(pilot, f"10*{MILK_BARCODE}")
        await pilot.press("f12")
        await wait_for(pilot, lambda: "Received" in status(pilot))
        assert "still to come" in status(pilot)
        assert row_of(app.screen, "TEA-200")[2:6] == ("12", "8", "", "short 4")
        assert row_of(app.screen, "MILK-1L")[2:6] == ("10", "10", "", "complete")
    assert products.get_product(shop, TEA).on_hand == tea_before + 8000
    assert orders.get_order(shop, 1).status == "part received"
    balances = export.account_balances(shop)
    assert balances["liabilities:payable:tapal"] == -(8 * 36_000 + 10 * 24_000)  # at the delivered cost


async def test_an_order_from_the_reorder_report_takes_the_vendors_suggestions(shop: Session, tmp_path: Path) -> None:
    products.adjust_stock(shop, TEA, -95_000, "count")  # 5 left, below the reorder level of 10
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_orders(pilot)
        await pilot.press("f6")
        await fill(pilot, vendor="Tapal")
        await wait_for(pilot, lambda: len(getattr(app.screen, "orders", [])) == 1)
    [line] = orders.get_order(shop, 1).lines
    assert line.product_id == TEA and line.ordered > 0


async def test_receiving_more_than_ordered_is_shown_and_refused_and_nothing_changes(
    shop: Session, tmp_path: Path
) -> None:
    orders.create_order(shop, "Engro", [("MILK-1L", 2000, None)])
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_orders(pilot)
        before = head(tmp_path / "store.db")  # after the log-in, which the audit trail records
        await wait_for(pilot, lambda: len(getattr(app.screen, "orders", [])) == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceivingScreen))
        for _ in range(3):
            await scan_in(pilot, MILK_BARCODE)
        await wait_for(pilot, lambda: row_of(app.screen, "MILK-1L")[5] == "OVER 1")
        assert "over the order" in status(pilot)
        await pilot.press("f12")
        await wait_for(pilot, lambda: "would be received against 2 ordered" in status(pilot))
        assert row_of(app.screen, "MILK-1L")[4] == "3"  # the scans are kept: take one back and post again
        await pilot.press("escape")  # leaving asks first: three scans would be forgotten
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceivingScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, OrdersScreen))
    assert head(tmp_path / "store.db") == before
    assert products.get_product(shop, MILK).on_hand == 50_000


async def test_a_retired_product_or_one_not_on_the_order_is_not_counted_in_a_delivery(
    shop: Session, tmp_path: Path
) -> None:
    orders.create_order(shop, "Engro", [("MILK-1L", 2000, None), ("TEA-200", 1000, None)])
    lifecycle.retire_product(shop, "TEA-200")
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_orders(pilot)
        before = head(tmp_path / "store.db")  # after the log-in, which the audit trail records
        await wait_for(pilot, lambda: len(getattr(app.screen, "orders", [])) == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceivingScreen))
        await scan_in(pilot, TEA_BARCODE)
        await wait_for(pilot, lambda: "is retired and cannot be received" in status(pilot))
        await scan_in(pilot, "2112345")  # rice: not on the order
        await wait_for(pilot, lambda: "is not on PO-000001" in status(pilot))
        assert app.screen.receiving.scans == []  # type: ignore[attr-defined]
        await pilot.press("f12")
        await wait_for(pilot, lambda: "Nothing is scanned yet" in status(pilot))
    assert head(tmp_path / "store.db") == before


async def test_a_configured_scanners_codes_go_to_the_delivery_on_screen_not_to_the_cart(
    shop: Session, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from pos_tui.devices.scan_source import Scan
    from pos_tui.tui.messages import ScannerRead

    orders.create_order(shop, "Engro", [("MILK-1L", 5000, None)])
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_orders(pilot)
        await wait_for(pilot, lambda: len(getattr(app.screen, "orders", [])) == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceivingScreen))
        for _ in range(2):  # as the evdev or serial reader posts them
            app.post_message(ScannerRead(Scan(MILK_BARCODE, "scanner-1", datetime.now(UTC))))
        await wait_for(pilot, lambda: row_of(app.screen, "MILK-1L")[4] == "2")


async def test_an_order_for_a_retired_product_is_refused_in_the_form_and_nothing_changes(
    shop: Session, tmp_path: Path
) -> None:
    lifecycle.retire_product(shop, "TS-S")
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_orders(pilot)
        before = head(tmp_path / "store.db")
        await pilot.press("f5")
        await fill(pilot, vendor="Local", lines="TS-M:2 TS-S:2")
        await wait_for(pilot, lambda: "is retired and cannot be ordered" in str(
            app.screen.query_one("#form-error").content))
        assert isinstance(app.screen, FormDialog)
        assert head(tmp_path / "store.db") == before
    assert orders.list_orders(shop) == []
