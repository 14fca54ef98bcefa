"""What the cash screen and the blind-count close dialog look like, dark and light, at 120×40 and 80×24.

Update the baselines after a deliberate change with ``pytest tests/tui/test_cash_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.services.cash import moves, shifts
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.cash_count import CountDialog
from pos_tui.tui.screens.cash import CashScreen
from tests.conftest import MILK_BARCODE, make_store
from tests.tui.conftest import log_in, make_app, wait_for

NOON = datetime(2025, 3, 1, 7, 0, tzinfo=UTC)  # 12:00 in Karachi


def steady(pilot: Pilot[None]) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    pilot.app.clear_notifications()


async def show_cash(pilot: Pilot[None]) -> None:
    await log_in(pilot)
    await pilot.press("ctrl+w")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CashScreen))
    steady(pilot)


async def show_close_dialog(pilot: Pilot[None]) -> None:
    await show_cash(pilot)
    await pilot.press("c")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CountDialog))
    dialog = pilot.app.screen
    dialog.query_one("#n-100000", Input).value = "2"
    dialog.query_one("#n-5000", Input).value = "1"
    dialog.query_one("#n-5000", Input).focus()
    await pilot.pause()
    steady(pilot)


SCREENS = {"cash": show_cash, "close": show_close_dialog}


def store_with_an_open_shift(path: Path) -> Session:
    session = make_store(path)
    session.clock = lambda: NOON
    shifts.open_shift(session, float_amount=500_000)
    sales.complete_sale(session, Cart().add(products.resolve_scan(session, MILK_BARCODE)), [Tender("cash", 28_000)])
    moves.paid_out(session, 20_000, "cleaning", "mop")
    return session


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("theme", ["midnight", "daylight"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_cash_looks(snap_compare: object, tmp_path: Path, screen: str, theme: str, size: tuple[int, int]) -> None:
    session = store_with_an_open_shift(tmp_path / "store.db")
    app = make_app(session, tmp_path, theme=theme)
    try:
        assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])  # type: ignore[operator]
    finally:
        session.close()
