"""Every report's columns at 120×40 on a generated shop: a column is either whole on screen or named in the
line under the table ("More columns: ... →"), and ← → bring each one into view whole. Long names are cut
with an ellipsis, never a figure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from pos_tui.config import FloorSettings, RestaurantSettings, Settings
from pos_tui.services.demo.store import build_demo
from pos_tui.services.reports import registry
from pos_tui.services.session import Session, open_session
from pos_tui.tui.screens.reports import WORKER_GROUPS, ReportShown
from pos_tui.tui.widgets.report_table import ReportTable
from tests.tui.conftest import make_app, wait_for

NOW = datetime(2025, 3, 12, 7, 0, tzinfo=UTC)  # noon in Karachi, the day after the shop's last day of trade


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("columns") / "store.db"
    build_demo(Settings(), path, skus=150, days=11, seed=4, sales_per_day=30, last_day=date(2025, 3, 11))
    return path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Session]:
    # A floor in the settings, so F4 offers the restaurant's reports too (a shop's picker leaves them out).
    with_floor = Settings(restaurant=RestaurantSettings(floors=[FloorSettings(name="Main", tables=[1, 2])]))
    session = open_session(with_floor, demo_path, read_only=True)
    session.clock = lambda: NOW
    yield session
    session.close()


def header_lines(table: ReportTable) -> list[str]:
    """The column titles as the table draws them now (one or two lines)."""
    return [table.render_line(y).text for y in range(table.header_height)]


def hint(pilot: Pilot[None]) -> str:
    shown = pilot.app.screen.query_one("#report-columns", Static)
    return str(shown.content) if shown.has_class("-shown") else ""


def settled(table: ReportTable) -> bool:
    """The table has measured every cell it was given (it does so when idle) and laid itself out."""
    return table.row_count >= 1 and table.virtual_size.width == sum(
        column.get_render_width(table) for column in table.ordered_columns)


def check_view(pilot: Pilot[None], table: ReportTable) -> list[str]:
    """Every column is whole (its title drawn in full) or named by the hint; returns those named."""
    left, right = table.out_of_view()
    hidden = left + right
    said = hint(pilot)
    for label in hidden:
        assert label in said, (label, said)
    if not hidden:
        assert said == ""
    drawn = header_lines(table)
    for column in table.ordered_columns:
        label = column.label.plain
        if label.replace("\n", " ") in hidden:
            continue
        for line, part in zip(drawn, label.split("\n"), strict=False):
            assert part in line, (f"{label!r} is cut: {drawn} x={table.scroll_x} size={table.size} "
                                  f"w={[c.get_render_width(table) for c in table.ordered_columns]} "
                                  f"v={table.virtual_size} r={table.scrollable_content_region} f={table.fixed_columns}")
    return hidden


@pytest.mark.parametrize("name", list(registry.REPORTS))
async def test_every_column_of_the_report_is_whole_or_named_and_scrolls_into_view_at_120_by_40(
    name: str, demo: Session, tmp_path: Path
) -> None:
    messages: list[object] = []
    app = make_app(demo, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        login = app.screen  # a manager on a read-only seat lands in the reports
        login.query_one("#user", Input).value = "manager"
        login.query_one("#pin", Input).value = "345678"
        login.query_one("#pin", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_mode == "reports")
        app.screen.query_one("#rp-range", Select).value = "month"
        app.screen.query_one("#rp-report", Select).value = name
        await wait_for(pilot, lambda: any(isinstance(m, ReportShown) and m.name == name and m.query.first ==
                                          "2025-03-01" for m in messages))
        table = app.screen.query_one(ReportTable)
        await wait_for(pilot, lambda: all(w.is_finished for w in app.workers if w.group in WORKER_GROUPS))
        await wait_for(pilot, lambda: settled(table) and (hint(pilot) != "") == any(table.out_of_view()))

        hidden = check_view(pilot, table)
        if table.virtual_size.width <= table.scrollable_content_region.width:
            assert not hidden  # it fits: every column whole, no hint
            return
        assert hidden and "← → scroll" in hint(pilot)
        # Scrolling right brings each column into view whole, the hint following.
        table.focus()
        for _ in range(table.virtual_size.width):
            if not table.out_of_view()[1]:
                break
            await pilot.press("right")
            await pilot.wait_for_animation()
            await wait_for(pilot, lambda: settled(table) and all(
                label in hint(pilot) for side in table.out_of_view() for label in side))
            check_view(pilot, table)
        assert table.out_of_view()[1] == [] and "←" in hint(pilot)
