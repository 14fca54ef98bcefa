"""Transfers from the warehouse (F2, Ctrl+E): a request made at the till, shipped by scanning what is
packed under head office's approval reference; another store's transfer received by scanning what
arrived; the refusals shown in the status line with nothing changed."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from pos_tui.services.catalog import products
from pos_tui.services.inventory import transfers
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.form import FormDialog
from pos_tui.tui.screens.transfers import TransferScanScreen, TransfersScreen, TransferTable
from tests.conftest import MILK, MILK_BARCODE, TEA, TEA_BARCODE, assert_verifies, make_store
from tests.test_stockroom_products import head
from tests.tui.conftest import log_in, make_app, wait_for
from tests.tui.test_receiving_stories import fill, scan_in, status


async def open_transfers(pilot: Pilot[None]) -> None:
    await log_in(pilot)
    await pilot.press("f2")
    await wait_for(pilot, lambda: bool(getattr(pilot.app.screen, "products", None)))
    await pilot.press("ctrl+e")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TransfersScreen))


def scanned_of(screen: object, sku: str) -> tuple[str, ...]:
    table = screen.query_one(TransferTable)  # type: ignore[attr-defined]
    return next(row for row in table.rows if row[0] == sku)


async def test_a_request_is_made_and_shipped_by_scan_under_the_approval_reference(
        shop: Session, tmp_path: Path) -> None:
    other = make_store(tmp_path / "other.db")
    to = other.ledger.store_info().store_id
    other.close()
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_transfers(pilot)
        await pilot.press("f5")
        await fill(pilot, to=to, lines="TEA-200:3 MILK-1L:1")
        await wait_for(pilot, lambda: len(getattr(app.screen, "transfers", [])) == 1)
        assert "requested" in status(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TransferScanScreen))
        for _ in range(3):
            await scan_in(pilot, TEA_BARCODE)
        await wait_for(pilot, lambda: scanned_of(app.screen, "TEA-200")[2:] == ("3", "3"))
        await pilot.press("f12")
        await fill(pilot, approval="")  # no reference: refused in the form, nothing changed
        await wait_for(pilot, lambda: "is not approved" in str(app.screen.query_one("#form-error").content))
        await fill(pilot, approval="AP-1A2B3C")
        await wait_for(pilot, lambda: isinstance(app.screen, TransfersScreen) and "shipped under AP-1A2B3C"
                       in status(pilot))
    [shipped] = transfers.list_transfers(shop)
    assert shipped.state == "shipped"
    assert [(line.sku, line.shipped) for line in shipped.lines] == [("MILK-1L", 0), ("TEA-200", 3_000)]
    assert products.get_product(shop, TEA).on_hand == 97_000
    assert products.get_product(shop, MILK).on_hand == 50_000  # requested, not packed: it stays
    assert_verifies(tmp_path / "store.db")


async def test_another_stores_transfer_is_received_by_scan_and_a_second_receipt_is_refused(
        shop: Session, tmp_path: Path) -> None:
    sender = make_store(tmp_path / "sender.db")
    made = transfers.request(sender, shop.ledger.store_info().store_id, [("TEA-200", 2_000), ("MILK-1L", 1_000)])
    transfers.ship(sender, made.transfer_id, "AP-00FF00")
    sender.close()
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_transfers(pilot)
        await pilot.press("f6")
        await fill(pilot, transfer=made.transfer_id)
        await wait_for(pilot, lambda: isinstance(app.screen, TransferScanScreen))
        await scan_in(pilot, f"2*{TEA_BARCODE}")
        await scan_in(pilot, MILK_BARCODE)
        await pilot.press("ctrl+d")  # the milk came crushed: taken back, counted as 0
        await wait_for(pilot, lambda: scanned_of(app.screen, "MILK-1L")[3] == "0")
        await pilot.press("f12")
        await fill(pilot, reason="damaged")
        await wait_for(pilot, lambda: isinstance(app.screen, TransfersScreen) and "received" in status(pilot))
        before = head(tmp_path / "store.db")
        await pilot.press("f6")
        await fill(pilot, transfer=made.transfer_id)
        await wait_for(pilot, lambda: isinstance(app.screen, TransferScanScreen))
        await scan_in(pilot, TEA_BARCODE)
        await pilot.press("f12")
        await fill(pilot, reason="")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog)
                       and "already received" in str(app.screen.query_one("#form-error").content))
        assert head(tmp_path / "store.db") == before
    got = transfers.get_transfer(shop, made.transfer_id)
    assert (got.state, got.reason) == ("received", "damaged")
    assert [(line.sku, line.received) for line in got.lines] == [("MILK-1L", 0), ("TEA-200", 2_000)]
    assert products.get_product(shop, TEA).on_hand == 102_000
    assert_verifies(tmp_path / "store.db")
