"""What F4 Reports looks like, dark and light, at 120×40 and 80×24: sales by day for this month
(12 March 2025, a fixed clock) with the tiles, the trend against last year and the table.

Update the baselines after a deliberate change with ``pytest tests/tui/test_reports_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from tests.tui.conftest import log_in, make_app, wait_for
from tests.tui.test_reports_screen import trading_store


async def show_reports(pilot: Pilot[None]) -> None:
    await log_in(pilot)
    await pilot.press("f4")
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#report-table", DataTable).row_count == 13)
    await wait_for(pilot, lambda: "…" not in str(pilot.app.screen.query_one("#tile-rp-returns").content))
    await wait_for(pilot, lambda: "rows" in str(pilot.app.screen.query_one("#status").content))
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("theme", ["midnight", "daylight"])
def test_reports_look(snap_compare: object, tmp_path: Path, theme: str, size: tuple[int, int]) -> None:
    session = trading_store(tmp_path / "store.db")
    app = make_app(session, tmp_path, theme=theme)
    try:
        assert snap_compare(app, terminal_size=size, run_before=show_reports)  # type: ignore[operator]
    finally:
        session.close()
