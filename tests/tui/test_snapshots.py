"""What each screen looks like, dark and light, at 120×40 and 80×24 (SVG baselines in __snapshots__).

Update the baselines after a deliberate change with ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from tests.conftest import MILK, MILK_BARCODE, RICE, TEA, TEA_BARCODE, TSHIRT_M, TSHIRT_S, make_store
from tests.tui.conftest import log_in, make_app, scan, wait_for

NOON = datetime(2025, 3, 1, 7, 0, tzinfo=UTC)  # 12:00 in Karachi
OPENING_STOCK = [(TEA, 100_000, 37_000), (MILK, 50_000, 24_000), (RICE, 40_000, 25_000), (TSHIRT_S, 10_000, 90_000),
                 (TSHIRT_M, 10_000, 90_000)]


def steady(pilot: Pilot[None]) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    pilot.app.clear_notifications()


async def show_login(pilot: Pilot[None]) -> None:
    await pilot.pause()
    steady(pilot)


async def show_bucket(pilot: Pilot[None]) -> None:
    await log_in(pilot)
    await scan(pilot, f"2*{TEA_BARCODE}")
    await scan(pilot, MILK_BARCODE)
    await wait_for(pilot, lambda: "No printer" in str(pilot.app.screen.query_one("#devices").content))
    steady(pilot)


async def show_warehouse(pilot: Pilot[None]) -> None:
    await log_in(pilot)
    await pilot.press("f2")
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#products", DataTable).row_count == 5)
    await wait_for(pilot, lambda: "…" not in str(pilot.app.screen.query_one("#tile-low").content))
    steady(pilot)


async def show_daybook(pilot: Pilot[None]) -> None:
    await log_in(pilot)
    await pilot.press("f3")
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#movements", DataTable).row_count == 2)
    await wait_for(pilot, lambda: "…" not in str(pilot.app.screen.query_one("#tile-cash").content))
    steady(pilot)


async def show_product(pilot: Pilot[None]) -> None:
    await show_warehouse(pilot)
    pilot.app.screen.query_one("#products", DataTable).focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: pilot.app.screen.query("#detail-movements"))
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#detail-movements", DataTable).row_count == 2)
    steady(pilot)


SCREENS = {"login": show_login, "bucket": show_bucket, "warehouse": show_warehouse, "daybook": show_daybook,
           "product": show_product}


def store_with_a_day_of_trade(path: Path) -> Session:
    session = make_store(path, stock=False)
    session.clock = lambda: NOON  # the opening stock too: the product screen lists its time
    products.receive_stock(session, OPENING_STOCK, reference="PO-1", vendor="Opening stock")
    cart = Cart().add(products.resolve_scan(session, f"3*{TEA_BARCODE}"))
    sales.complete_sale(session, cart, [Tender("card", 35_000), Tender("cash", 100_000)])
    return session


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("theme", ["midnight", "daylight"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_looks(snap_compare: object, tmp_path: Path, screen: str, theme: str, size: tuple[int, int]) -> None:
    session = store_with_a_day_of_trade(tmp_path / "store.db")
    app = make_app(session, tmp_path, theme=theme)
    try:
        assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])  # type: ignore[operator]
    finally:
        session.close()
