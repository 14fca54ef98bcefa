"""Stocktakes at the till: started from the warehouse, counted by scanning (+1 a scan, F6 many) on two
tills at once, the live total and the variance by product and category reviewed, then posted once."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from pos_tui.services.catalog import products
from pos_tui.services.inventory import lifecycle, stocktakes
from pos_tui.services.reports import export
from pos_tui.services.session import Session, open_session
from pos_tui.tui.dialogs.form import FormDialog
from pos_tui.tui.screens.counting import CategoryTable, CountingScreen, VarianceTable
from pos_tui.tui.screens.stocktakes import StocktakesScreen
from tests.conftest import MILK, MILK_BARCODE, TEA, TEA_BARCODE
from tests.test_stockroom_products import head
from tests.tui.conftest import log_in, make_app, wait_for
from tests.tui.test_receiving_stories import TEA_SIX_PACK, fill, scan_in, status


async def open_stocktakes(pilot: Pilot[None]) -> None:
    await log_in(pilot)
    await pilot.press("f2")
    await wait_for(pilot, lambda: bool(getattr(pilot.app.screen, "products", None)))
    await pilot.press("ctrl+k")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, StocktakesScreen))


async def open_count(pilot: Pilot[None]) -> None:
    await open_stocktakes(pilot)
    await wait_for(pilot, lambda: len(getattr(pilot.app.screen, "stocktakes", [])) == 1)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CountingScreen))


def counted(pilot: Pilot[None], sku: str) -> tuple[str, ...] | None:
    table = pilot.app.screen.query_one(VarianceTable)
    return next((row for row in table.rows if row[0] == sku), None)


def form_error(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#form-error").content)


async def test_two_tills_count_at_once_the_screen_shows_the_live_total_and_the_variance_then_posts_it(
    shop: Session, tmp_path: Path
) -> None:
    other_till = open_session(shop.settings, tmp_path / "store.db", username="admin")
    other_till.terminal = "T2"
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stocktakes(pilot)
        await pilot.press("f5")
        await fill(pilot, category="", vendor="", shelf="", shelf_name="")  # all stock
        await wait_for(pilot, lambda: isinstance(app.screen, CountingScreen))
        await scan_in(pilot, TEA_BARCODE)
        await scan_in(pilot, TEA_BARCODE)
        await scan_in(pilot, TEA_SIX_PACK)  # a pack's code counts the pack
        await wait_for(pilot, lambda: (counted(pilot, "TEA-200") or ("",) * 7)[3] == "8")
        stocktakes.count(other_till, 1, [TEA_BARCODE], quantity=80_000)  # the other till, at the same time
        await wait_for(pilot, lambda: (counted(pilot, "TEA-200") or ("",) * 7)[3] == "88")
        assert counted(pilot, "TEA-200")[4:] == ("100", "-12", "-4,440.00")  # type: ignore[index]
        assert "variance at cost" in str(app.screen.query_one("#page-summary").content)

        await pilot.press("f6")  # many at once
        await fill(pilot, code=MILK_BARCODE, qty="50")
        await wait_for(pilot, lambda: counted(pilot, "MILK-1L") is not None)
        assert counted(pilot, "MILK-1L")[3:6] == ("50", "50", "0")  # type: ignore[index]
        await pilot.press("f7")  # by category
        await wait_for(pilot, lambda: app.screen.query_one(CategoryTable).display)
        assert ("Tea", "1", "-12", "-4,440.00") in app.screen.query_one(CategoryTable).rows

        await pilot.press("f12")
        await fill(pilot, reason="count")
        await wait_for(pilot, lambda: "posted: stock moved" in status(pilot))
    other_till.close()
    assert products.get_product(shop, TEA).on_hand == 88_000
    assert products.get_product(shop, MILK).on_hand == 50_000
    assert export.account_balances(shop)["expenses:shrinkage"] == 12 * 37_000


async def test_a_negative_count_is_refused_in_the_form_and_nothing_changes(shop: Session, tmp_path: Path) -> None:
    stocktakes.start(shop)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_count(pilot)
        before = head(tmp_path / "store.db")
        await pilot.press("f6")
        await fill(pilot, code=TEA_BARCODE, qty="-3")
        await wait_for(pilot, lambda: "A count cannot be negative" in form_error(pilot))
        assert isinstance(app.screen, FormDialog)
        assert head(tmp_path / "store.db") == before
    assert stocktakes.review(shop, 1).lines == ()


async def test_a_product_retired_since_the_count_began_is_not_counted(shop: Session, tmp_path: Path) -> None:
    stocktakes.start(shop)
    lifecycle.retire_product(shop, "MILK-1L")
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_count(pilot)
        before = head(tmp_path / "store.db")
        await scan_in(pilot, MILK_BARCODE)
        await wait_for(pilot, lambda: "is retired and cannot be counted" in status(pilot))
        assert head(tmp_path / "store.db") == before
    assert stocktakes.review(shop, 1).lines == ()


async def test_posting_a_stocktake_twice_is_refused_and_nothing_changes(shop: Session, tmp_path: Path) -> None:
    number = stocktakes.start(shop)
    stocktakes.count(shop, number, [TEA_BARCODE], quantity=99_000)
    stocktakes.post(shop, number)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_count(pilot)
        await wait_for(pilot, lambda: "posted (count)" in str(app.screen.query_one("#page-summary").content))
        before = head(tmp_path / "store.db")
        await pilot.press("f12")
        await fill(pilot, reason="count")
        await wait_for(pilot, lambda: "ST-000001 was posted already" in form_error(pilot))
        assert head(tmp_path / "store.db") == before
    assert products.get_product(shop, TEA).on_hand == 99_000


async def test_a_supervisor_posts_a_stocktake_only_with_a_managers_pin(shop: Session, tmp_path: Path) -> None:
    from tests.tui.test_staff_stories import MANAGER, MANAGER_PIN, SUPERVISOR, SUPERVISOR_PIN, approve, hire_staff

    hire_staff(shop)
    number = stocktakes.start(shop)
    stocktakes.count(shop, number, [TEA_BARCODE], quantity=97_000)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, SUPERVISOR, SUPERVISOR_PIN)
        await pilot.press("f2")
        await wait_for(pilot, lambda: bool(getattr(pilot.app.screen, "products", None)))
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: len(getattr(pilot.app.screen, "stocktakes", [])) == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, CountingScreen))
        await pilot.press("f12")
        await fill(pilot, reason="damaged")
        await approve(pilot, MANAGER, MANAGER_PIN, reason="weekly count")
        await wait_for(pilot, lambda: isinstance(app.screen, CountingScreen) and "posted: stock moved" in status(pilot))
    user, approver = shop.ledger.conn.execute(
        "SELECT user, json_extract(payload, '$.approvals[0].approver') FROM journal"
        " WHERE kind = 'stocktake.posted'").fetchone()
    assert (user, approver) == (SUPERVISOR, MANAGER)
    assert products.get_product(shop, TEA).on_hand == 97_000
    assert export.account_balances(shop)["expenses:shrinkage:damaged"] == 3 * 37_000
