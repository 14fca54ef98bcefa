"""What the supervisor approval and the audit look like, dark and light, at 120×40 and 80×24.

Update the baselines after a deliberate change with ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from pos_tui.tui.dialogs.approval import ApprovalDialog
from tests.conftest import TEA_BARCODE
from tests.tui.conftest import log_in, make_app, scan, wait_for
from tests.tui.test_snapshots import steady, store_with_a_day_of_trade
from tests.tui.test_staff_stories import CASHIER, CASHIER_PIN, hire_staff


async def show_approval(pilot: Pilot[None]) -> None:
    await log_in(pilot, CASHIER, CASHIER_PIN)
    await scan(pilot, TEA_BARCODE)
    await pilot.press("ctrl+d")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ApprovalDialog))
    await pilot.press(*"sam", "enter")
    steady(pilot)


SCREENS = {"approval": show_approval}


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("theme", ["midnight", "daylight"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_staff_screen_looks(snap_compare: object, tmp_path: Path, screen: str, theme: str,
                            size: tuple[int, int]) -> None:
    session = store_with_a_day_of_trade(tmp_path / "store.db")
    hire_staff(session)
    app = make_app(session, tmp_path, theme=theme)
    try:
        assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])  # type: ignore[operator]
    finally:
        session.close()
