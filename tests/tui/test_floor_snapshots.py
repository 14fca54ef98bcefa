"""What the floor, a table's order and the split dialog look like, dark and light, at 120×40 and 80×24.

Update the baselines after a deliberate change with ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from pos_tui.services.restaurant import bills, floor, kitchen, orders
from pos_tui.services.session import Session
from tests.tui.conftest import make_app, wait_for
from tests.tui.test_floor_stories import log_in_to_floor, order_shown, restaurant_store
from tests.tui.test_snapshots import steady

NOON = datetime(2053, 3, 1, 7, 0, tzinfo=UTC)


def evening(path: Path) -> Session:
    session = restaurant_store(path, path.parent / "spool")
    for minutes, act in [
        (5, lambda s: floor.open_table(s, 2, covers=4)),
        (6, lambda s: orders.add_line(s, 2, "PZ-L", modifiers=["extra cheese"], seat=1)),
        (7, lambda s: orders.add_line(s, 2, "SOUP", seat=2, note="no salt")),
        (8, lambda s: orders.add_line(s, 2, "COLA", quantity=2000)),
        (9, lambda s: orders.add_line(s, 2, "KHEER", course=2, seat=3)),
        (12, lambda s: kitchen.send(s, 2)),
        (13, lambda s: floor.open_table(s, 5, covers=2)),
        (14, lambda s: orders.add_line(s, 5, "LASSI")),
        (15, lambda s: bills.prebill(s, 5)),
        (16, lambda s: floor.open_table(s, 104, covers=6)),
    ]:
        session.clock = lambda minutes=minutes: NOON + timedelta(minutes=minutes)
        act(session.as_user("asma"))
    session.clock = lambda: NOON + timedelta(minutes=40)
    return session


async def show_floor(pilot: Pilot[None]) -> None:
    await log_in_to_floor(pilot)
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#table-5").has_class("-billing"))
    steady(pilot)


async def show_order(pilot: Pilot[None]) -> None:
    await show_floor(pilot)
    pilot.app.screen.query_one("#floor-jump", Input).value = "2"
    await pilot.press("enter")
    await wait_for(pilot, lambda: order_shown(pilot, 2))
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#order-lines", DataTable).row_count == 4)
    steady(pilot)


async def show_split(pilot: Pilot[None]) -> None:
    await show_order(pilot)
    await pilot.press("ctrl+l")
    await wait_for(pilot, lambda: pilot.app.screen.query("#split-input"))
    pilot.app.screen.query_one("#split-input", Input).value = "3"
    await pilot.pause()
    steady(pilot)


SCREENS = {"floor": show_floor, "order": show_order, "split": show_split}


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("theme", ["midnight", "daylight"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_floor_looks(snap_compare: object, tmp_path: Path, screen: str, theme: str, size: tuple[int, int]) -> None:
    session = evening(tmp_path / "store.db")
    app = make_app(session, tmp_path, theme=theme)
    try:
        assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])  # type: ignore[operator]
    finally:
        session.close()
