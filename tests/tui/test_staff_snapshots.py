"""What the supervisor approval and the audit look like, dark and light, at 120×40 and 80×24.

Update the baselines after a deliberate change with ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import PosError
from pos_tui.domain.permissions import Action
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.services.staff import authz
from pos_tui.services.staff.users import login
from pos_tui.tui.dialogs.approval import ApprovalDialog
from tests.conftest import TEA_BARCODE
from tests.tui.conftest import ADMIN, ADMIN_PIN, log_in, make_app, scan, wait_for
from tests.tui.test_snapshots import steady, store_with_a_day_of_trade
from tests.tui.test_staff_stories import CASHIER, CASHIER_PIN, SUPERVISOR, SUPERVISOR_PIN, hire_staff


async def show_approval(pilot: Pilot[None]) -> None:
    await log_in(pilot, CASHIER, CASHIER_PIN)
    await scan(pilot, TEA_BARCODE)
    await pilot.press("ctrl+d")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ApprovalDialog))
    await pilot.press(*"sam", "enter")
    steady(pilot)


async def show_audit(pilot: Pilot[None]) -> None:
    await log_in(pilot, ADMIN, ADMIN_PIN)
    await pilot.press("ctrl+y")
    await wait_for(pilot, lambda: pilot.app.current_mode == "audit")
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#audit-events", DataTable).row_count >= 6)
    steady(pilot)


SCREENS = {"approval": show_approval, "audit": show_audit}


def a_day_with_an_override_and_a_wrong_pin(session: Session) -> None:
    """Cara sells tea at a supervisor-approved price after one wrong PIN at the login."""
    with contextlib.suppress(PosError):
        login(session, CASHIER, "0000")
    cara = session.as_user(CASHIER)
    approval = authz.approve(cara, SUPERVISOR, SUPERVISOR_PIN, Action.PRICE_OVERRIDE, "dented tin")
    cart = Cart().add(products.resolve_scan(cara, TEA_BARCODE)).with_price(0, 40_000).with_approval(approval)
    sales.complete_sale(cara, cart, [Tender("cash", 40_000)])


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("theme", ["midnight", "daylight"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_staff_screen_looks(snap_compare: object, tmp_path: Path, screen: str, theme: str,
                            size: tuple[int, int]) -> None:
    session = store_with_a_day_of_trade(tmp_path / "store.db")
    hire_staff(session)
    a_day_with_an_override_and_a_wrong_pin(session)
    app = make_app(session, tmp_path, theme=theme)
    try:
        assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])  # type: ignore[operator]
    finally:
        session.close()
