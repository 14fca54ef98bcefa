"""F4 on a restaurant: a manager picks the floor's reports from the same picker as the shop's; a shop
without a floor does not see them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from pos_tui.config import TerminalSettings
from pos_tui.domain.tender import Tender
from pos_tui.services.restaurant import bills, floor, orders
from pos_tui.services.session import Session
from pos_tui.services.staff import users
from pos_tui.tui.screens.reports import ReportShown
from tests.conftest import assert_verifies, make_store
from tests.support.restaurant import add_menu, restaurant_settings
from tests.tui.conftest import log_in, make_app, wait_for
from tests.tui.test_reports_screen import choose


@pytest.fixture
def dining_room(tmp_path: Path) -> Iterator[Session]:
    settings = restaurant_settings(tmp_path / "spool")
    settings = settings.model_copy(update={"terminal": TerminalSettings(id="T1", mode="restaurant")})
    session = make_store(tmp_path / "store.db", settings)
    add_menu(session)
    users.add_user(session, "asma", "1234", role="cashier")
    users.add_user(session, "mona", "345678", role="manager")
    waiter = session.as_user("asma")
    floor.open_table(waiter, 5, covers=3)
    orders.add_line(waiter, 5, "PZ-L")
    bills.pay(waiter, 5, [Tender("cash", 140000)], tip=2000)
    yield session
    session.close()
    assert_verifies(tmp_path / "store.db")


def report_choices(pilot: Pilot[None]) -> list[str]:
    return [str(value) for _, value in pilot.app.screen.query_one("#rp-report", Select)._options]


async def test_a_manager_reads_sales_by_table_with_covers_and_tips_in_f4(dining_room: Session,
                                                                         tmp_path: Path) -> None:
    messages: list[object] = []
    app = make_app(dining_room, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        screen = pilot.app.screen
        screen.query_one("#user", Input).value = "mona"
        screen.query_one("#pin", Input).value = "345678"
        screen.query_one("#pin", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: pilot.app.current_mode == "floor")
        await pilot.press("f4")
        await wait_for(pilot, lambda: pilot.app.current_mode == "reports"
                       and pilot.app.screen.query_one("#report-table", DataTable).row_count > 0)
        assert {"restaurant-by-table", "restaurant-covers", "kitchen-tickets"} <= set(report_choices(pilot))
        await choose(pilot, "#rp-report", "restaurant-by-table")
        await wait_for(pilot, lambda: any(isinstance(m, ReportShown) and m.name == "restaurant-by-table"
                                          for m in messages))
        grid = pilot.app.screen.query_one("#report-table", DataTable)
        cells = [str(cell) for cell in grid.get_row_at(0)]
        assert cells[:3] == ["5", "1", "3"] and "1,400.00" in cells and "466.66" in cells and "20.00" in cells


async def test_a_shop_without_a_floor_offers_no_floor_reports(tmp_path: Path) -> None:
    shop = make_store(tmp_path / "store.db")
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("f4")
        await wait_for(pilot, lambda: pilot.app.current_mode == "reports")
        choices = report_choices(pilot)
        assert "sales-by-day" in choices and not any(name.startswith(("restaurant-", "kitchen-")) for name in choices)
    shop.close()
