"""The floor at the till: a waiter opens a table from the floor, adds lines with a portion and modifiers
by digit keys, sends them; another waiter's change shows on the floor without a key pressed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from pos_tui.config import TerminalSettings
from pos_tui.services.restaurant import floor, orders
from pos_tui.services.session import Session, open_session
from pos_tui.services.staff import users
from pos_tui.tui.screens.table_order import OrderPanel
from tests.conftest import assert_verifies, make_store
from tests.support.restaurant import add_menu, restaurant_settings
from tests.tui.conftest import make_app, wait_for


def restaurant_store(path: Path, spool: Path) -> Session:
    settings = restaurant_settings(spool)
    settings = settings.model_copy(update={"terminal": TerminalSettings(id="T1", mode="restaurant")})
    session = make_store(path, settings)
    add_menu(session)
    users.add_user(session, "asma", "1234", role="cashier")
    users.add_user(session, "bilal", "1234", role="cashier")
    return session


@pytest.fixture
def dining_room(tmp_path: Path) -> Iterator[Session]:
    session = restaurant_store(tmp_path / "store.db", tmp_path / "spool")
    yield session
    session.close()
    assert_verifies(tmp_path / "store.db")


async def log_in_to_floor(pilot: Pilot[None], user: str = "asma", pin: str = "1234") -> None:
    screen = pilot.app.screen
    screen.query_one("#user", Input).value = user
    screen.query_one("#pin", Input).value = pin
    screen.query_one("#pin", Input).focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: pilot.app.current_mode == "floor")
    await wait_for(pilot, lambda: pilot.app.screen.query("#table-1"))


def order_shown(pilot: Pilot[None], table: int) -> bool:
    """The floor shows ``table``'s order in its panel, read."""
    panel = pilot.app.screen.query_one("#order", OrderPanel)
    return bool(panel.display) and panel.table == table and panel.order is not None


async def test_a_scan_with_no_table_open_says_to_open_one(dining_room: Session, tmp_path: Path) -> None:
    app = make_app(dining_room, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_to_floor(pilot)
        pilot.app.screen.query_one("#order-scan", Input).focus()
        await pilot.press(*"KHEER", "enter")
        await wait_for(pilot, lambda: "No table is open" in str(pilot.app.screen.query_one("#status").content))
    assert floor.open_tables(dining_room) == []


async def open_table_five(pilot: Pilot[None]) -> None:
    jump = pilot.app.screen.query_one("#floor-jump", Input)
    jump.focus()
    await pilot.press("5", "enter")
    await wait_for(pilot, lambda: pilot.app.screen.covers_for == 5)  # type: ignore[attr-defined]
    assert "Covers at table 5" in jump.placeholder
    await pilot.press("3", "enter")
    await wait_for(pilot, lambda: order_shown(pilot, 5))


async def add(pilot: Pilot[None], code: str, *keys: str) -> None:
    pilot.app.screen.query_one("#order-scan", Input).value = code
    await pilot.press("enter")
    if keys:
        await wait_for(pilot, lambda: pilot.app.screen.query("#portion-body"))
        await pilot.press(*keys, "enter")


async def test_a_waiter_opens_a_table_adds_a_large_pizza_with_cheese_and_sends(dining_room: Session,
                                                                               tmp_path: Path) -> None:
    app = make_app(dining_room, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_to_floor(pilot)
        await open_table_five(pilot)
        await add(pilot, "KHEER")
        await add(pilot, "PZ-S", "1", "1")  # portion 1 = Large (by name), modifier 1 = extra cheese
        lines = pilot.app.screen.query_one("#order-lines", DataTable)
        await wait_for(pilot, lambda: lines.row_count == 2)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Sent: ticket 1 to kitchen" in str(pilot.app.screen.query_one("#status").content))
    order = floor.order_on(dining_room, 5)
    assert order is not None and order.covers == 3 and order.waiter == "asma"
    made = orders.order_lines(dining_room, order.order_no)
    assert [(ln.name, [m.name for m in ln.modifiers], ln.sent) for ln in made] == [
        ("Kheer", [], True), ("Pizza (Large)", ["extra cheese"], True)]


async def test_another_waiters_table_shows_on_the_floor_without_a_key(dining_room: Session, tmp_path: Path) -> None:
    app = make_app(dining_room, tmp_path)
    other = open_session(dining_room.settings, tmp_path / "store.db", username="bilal")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_to_floor(pilot)
            tile = pilot.app.screen.query_one("#table-7")
            assert tile.has_class("-available")
            floor.open_table(other, 7, covers=2)
            await wait_for(pilot, lambda: tile.has_class("-occupied"))
            orders.add_line(other, 7, "SOUP")
            from pos_tui.services.restaurant import bills

            bills.prebill(other, 7)
            await wait_for(pilot, lambda: tile.has_class("-billing"))
    finally:
        other.close()


async def test_moving_to_an_occupied_table_asks_to_merge_and_follows_the_order(dining_room: Session,
                                                                              tmp_path: Path) -> None:
    waiter = dining_room.as_user("asma")
    floor.open_table(waiter, 3, covers=2)
    orders.add_line(waiter, 3, "KHEER")
    floor.open_table(waiter, 4, covers=1)
    app = make_app(dining_room, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_to_floor(pilot)
        pilot.app.screen.query_one("#floor-jump", Input).value = "3"
        await pilot.press("enter")
        await wait_for(pilot, lambda: order_shown(pilot, 3))
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: pilot.app.screen.query("#f-to"))
        pilot.app.screen.query_one("#f-to", Input).value = "4"
        pilot.app.screen.query_one("#f-covers", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: pilot.app.screen.query("#confirm-note"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "merged to table 4" in str(pilot.app.screen.query_one("#status").content))
    merged = floor.order_on(dining_room, 4)
    assert merged is not None and merged.covers == 3 and floor.order_on(dining_room, 3) is None


async def test_a_bill_split_in_two_is_paid_part_by_part_with_a_tip_and_frees_the_table(dining_room: Session,
                                                                                      tmp_path: Path) -> None:
    from pos_tui.tui.dialogs.tender import TenderDialog

    waiter = dining_room.as_user("asma")
    floor.open_table(waiter, 6, covers=2)
    orders.add_line(waiter, 6, "KHEER")
    orders.add_line(waiter, 6, "LASSI")  # 350 + 250 = Rs 600.00
    app = make_app(dining_room, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_to_floor(pilot)
        pilot.app.screen.query_one("#floor-jump", Input).value = "6"
        await pilot.press("enter")
        await wait_for(pilot, lambda: order_shown(pilot, 6))
        await wait_for(pilot, lambda: pilot.app.screen.query_one("#order-lines", DataTable).row_count == 2)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: pilot.app.screen.query("#split-input"))
        pilot.app.screen.query_one("#split-input", Input).value = "2"
        await pilot.press("enter")
        status = lambda: str(pilot.app.screen.query_one("#status").content)  # noqa: E731
        await wait_for(pilot, lambda: "part 1 is Rs 300.00" in status())
        for tip in ("50", "0"):
            await pilot.press("f12")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, TenderDialog))
            assert pilot.app.screen.total == 30000  # type: ignore[attr-defined]
            pilot.app.screen.query_one("#amount", Input).value = "500"
            await pilot.press("enter")
            await wait_for(pilot, lambda: pilot.app.screen.query("#f-tip"))
            pilot.app.screen.query_one("#f-tip", Input).value = tip
            await pilot.press("enter")
            await wait_for(pilot, lambda: "Sale T1-" in status())
        await wait_for(pilot, lambda: "The table is free." in status())
        assert "change Rs 200.00" in status()
    assert floor.order_on(dining_room, 6) is None
    tips = dining_room.ledger.conn.execute("SELECT SUM(amount) FROM postings WHERE account = 'liabilities:tips'")
    assert tips.fetchone()[0] == -5000


async def test_the_ticket_log_on_the_floor_reprints_a_ticket(dining_room: Session, tmp_path: Path) -> None:
    from pos_tui.services.restaurant import kitchen

    waiter = dining_room.as_user("asma")
    floor.open_table(waiter, 2, covers=2)
    orders.add_line(waiter, 2, "KHEER")
    orders.add_line(waiter, 2, "COLA")
    kitchen.send(waiter, 2)
    app = make_app(dining_room, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_to_floor(pilot)
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "ChooseDialog")
        await pilot.press("enter")  # the newest first: ticket 2, the kitchen's
        await wait_for(pilot, lambda: "Ticket 2 prints again at kitchen" in str(
            pilot.app.screen.query_one("#status").content))
    reprints = dining_room.ledger.conn.execute("SELECT ticket_no, reprints FROM kitchen_tickets ORDER BY ticket_no")
    assert reprints.fetchall() == [(1, 0), (2, 1)]


async def test_a_z_with_a_table_open_asks_and_the_forced_z_names_it(dining_room: Session, tmp_path: Path) -> None:
    from textual.widgets import Static

    from pos_tui.tui.dialogs.cash_report import ReportDialog

    floor.open_table(dining_room.as_user("asma"), 8, covers=3)
    app = make_app(dining_room, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_to_floor(pilot, "admin", "456789")
        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "CashScreen")
        await pilot.press("z")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReportDialog))
        text = lambda: str(pilot.app.screen.query_one("#report-text", Static).content)  # noqa: E731
        assert "1 table is still open: table 8 (3 covers, asma)" in text()
        await pilot.press("p")  # close the day anyway: the Z lists the table
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReportDialog) and "Z REPORT 1" in text())
        assert "Tables still open" in text() and "Table 8" in text()


async def test_voiding_a_sent_line_asks_a_supervisor_and_makes_a_void_ticket(dining_room: Session,
                                                                            tmp_path: Path) -> None:
    from pos_tui.services.restaurant import kitchen
    from pos_tui.tui.dialogs.approval import ApprovalDialog

    users.add_user(dining_room, "sara", "234567", role="supervisor")
    waiter = dining_room.as_user("asma")
    floor.open_table(waiter, 2, covers=2)
    kheer = orders.add_line(waiter, 2, "KHEER")
    kitchen.send(waiter, 2)
    app = make_app(dining_room, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_to_floor(pilot)
        pilot.app.screen.query_one("#floor-jump", Input).value = "2"
        await pilot.press("enter")
        await wait_for(pilot, lambda: order_shown(pilot, 2))
        await wait_for(pilot, lambda: pilot.app.screen.query_one("#order-lines", DataTable).row_count == 1)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ApprovalDialog))
        pilot.app.screen.query_one("#approver", Input).value = "sara"
        pilot.app.screen.query_one("#approver-pin", Input).value = "234567"
        pilot.app.screen.query_one("#approval-reason", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "VOID ticket 2 to its station" in str(
            pilot.app.screen.query_one("#status").content))
    [void] = [t for t in kitchen.ticket_log(dining_room) if t.kind == "void"]
    assert void.number == 2 and [line.line_no for line in void.lines] == [kheer.line_no]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["beside-the-grid", "in-its-place"])
async def test_the_covers_are_asked_in_the_floor_field_and_bad_covers_change_nothing(
        dining_room: Session, tmp_path: Path, size: tuple[int, int]) -> None:
    from pos_tui.tui.widgets.footer import TillFooter

    app = make_app(dining_room, tmp_path)
    wide = size[0] >= 120
    async with app.run_test(size=size) as pilot:
        await log_in_to_floor(pilot)
        screen = pilot.app.screen
        jump = screen.query_one("#floor-jump", Input)
        footer = screen.query_one(TillFooter)
        footer_keys = lambda: [description for _key, description, _enabled, _press in footer.keys]  # noqa: E731
        await wait_for(pilot, lambda: "Refresh" in footer_keys())
        assert "Refresh" in footer.render().plain
        await pilot.press("7", "enter")
        await wait_for(pilot, lambda: screen.covers_for == 7)  # type: ignore[attr-defined]
        await pilot.press("0", "enter")  # nobody sits at a table of no guests: asked again, nothing written
        await wait_for(pilot, lambda: "'0' is not a number of guests" in str(screen.query_one("#status").content))
        assert screen.covers_for == 7 and floor.order_on(dining_room, 7) is None  # type: ignore[attr-defined]
        await pilot.press("escape")  # another table after all
        assert screen.covers_for is None and "Table number" in jump.placeholder  # type: ignore[attr-defined]
        await pilot.press("7", "enter")
        await wait_for(pilot, lambda: screen.covers_for == 7)  # type: ignore[attr-defined]
        await pilot.press("enter")  # blank: two guests
        await wait_for(pilot, lambda: order_shown(pilot, 7))
        # A wide till keeps the floor in view beside the order (its tile turns occupied); a narrow one
        # shows the order in the grid's place.
        assert screen.query_one("#floor-tables").display is wide
        if wide:
            await wait_for(pilot, lambda: screen.query_one("#table-7").has_class("-occupied"))
        await wait_for(pilot, lambda: "Send" in footer_keys())  # the order's keys, on the same line
        await pilot.press("escape")
        await wait_for(pilot, lambda: jump.has_focus and screen.query_one("#floor-tables").display)
        assert screen.query_one("#order").display is wide and not screen.showing_order  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: screen.query_one("#table-7").has_class("-occupied"))
        await wait_for(pilot, lambda: "Send" not in footer_keys())
    order = floor.order_on(dining_room, 7)
    assert order is not None and order.covers == 2


async def test_a_click_on_a_key_of_the_footer_presses_it(dining_room: Session, tmp_path: Path) -> None:
    from pos_tui.tui.widgets.footer import TillFooter

    app = make_app(dining_room, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_to_floor(pilot)
        footer = pilot.app.screen.query_one(TillFooter)
        await wait_for(pilot, lambda: any(key == "ctrl+k" for _s, _e, key in footer.spans))
        start = next(start for start, _end, key in footer.spans if key == "ctrl+k")
        await pilot.click(TillFooter, offset=(start + 1, 0))
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "ChooseDialog"
                       or "No kitchen tickets yet." in str(pilot.app.screen.query_one("#status").content))
