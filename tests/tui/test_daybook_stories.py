"""The daybook through the real app: filters and the sums of what they pick, paging through a busy
day, and a duplicate receipt to a real TCP printer on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Select, Static

from pos_tui.config import parse_settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.services.staff.users import add_user
from pos_tui.tui.dialogs.cash_report import ReportDialog
from pos_tui.tui.screens.daybook import DaybookScreen
from tests.conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store
from tests.devices.escpos_decoder import decode
from tests.devices.fake_printer import fake_printer
from tests.devices.sample_receipt import profile_code_pages
from tests.tui.conftest import log_in, make_app, names, wait_for


def sell(session: Session, scan: str, *tenders: Tender) -> str:
    return sales.complete_sale(session, Cart().add(products.resolve_scan(session, scan)), tenders).reference


def table_rows(pilot: Pilot[None]) -> list[tuple[str, ...]]:
    table = pilot.app.screen.query_one("#movements", DataTable)
    return [tuple(str(cell) for cell in table.get_row_at(n)) for n in range(table.row_count)]


def listed(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#db-sums", Static).content)


async def open_daybook(pilot: Pilot[None], rows: int) -> None:
    await log_in(pilot)
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DaybookScreen) and len(table_rows(pilot)) == rows)
    await wait_for(pilot, lambda: "listed" in listed(pilot))


@pytest.fixture
def day_of_trade(tmp_path: Path) -> Iterator[Session]:
    session = make_store(tmp_path / "store.db")
    session.clock = lambda: datetime.now(UTC)
    add_user(session, "sara", "2468", role="cashier")
    sell(session, f"3*{TEA_BARCODE}", Tender("card", 35_000), Tender("cash", 100_000))
    sara = session.as_user("sara")
    sell(sara, MILK_BARCODE, Tender("cash", 28_000))
    sell(sara, TEA_BARCODE, Tender("wallet", 45_000))
    yield session
    session.close()
    assert_verifies(tmp_path / "store.db")


async def test_filters_by_kind_method_and_cashier_and_the_sums_agree_with_the_rows(
    day_of_trade: Session, tmp_path: Path
) -> None:
    app = make_app(day_of_trade, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_daybook(pilot, 4)
        assert "4 listed:  in Rs 2,080.00  out Rs 0.00" in listed(pilot)

        async def choose(select_id: str, value: str, rows: int) -> list[tuple[str, ...]]:
            pilot.app.screen.query_one(select_id, Select).value = value
            await wait_for(pilot, lambda: len(table_rows(pilot)) == rows and listed(pilot).startswith(f"{rows} listed"))
            return table_rows(pilot)

        cash_rows = await choose("#db-method", "cash", 2)
        assert [(r[2], r[4], r[5]) for r in cash_rows] == [("T1-000001", "cash", "1,000.00"),
                                                           ("T1-000002", "cash", "280.00")]
        assert "in Rs 1,280.00" in listed(pilot)
        sara_cash = await choose("#db-cashier", "sara", 1)
        assert [(r[2], r[3]) for r in sara_cash] == [("T1-000002", "sara")]
        assert "in Rs 280.00" in listed(pilot)
        pilot.app.screen.query_one("#db-method", Select).clear()
        await wait_for(pilot, lambda: len(table_rows(pilot)) == 2)
        assert [r[4] for r in table_rows(pilot)] == ["cash", "wallet"]
        assert "2 listed:  in Rs 730.00" in listed(pilot)

        returns = await choose("#db-kind", "sale.returned", 0)
        assert returns == [] and listed(pilot).startswith("0 listed")
        assert "no money moved" in str(pilot.app.screen.query_one("#status", Static).content)


async def test_pages_through_a_busy_day_forward_and_back(tmp_path: Path) -> None:
    session = make_store(tmp_path / "store.db")
    session.clock = lambda: datetime.now(UTC)
    for _ in range(230):
        sell(session, MILK_BARCODE, Tender("card", 28_000))
    app = make_app(session, tmp_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await open_daybook(pilot, 100)
            assert listed(pilot).startswith("230 listed")
            first = table_rows(pilot)
            await pilot.press("pagedown")
            await wait_for(pilot, lambda: table_rows(pilot)[0][2] == "T1-000101")
            await pilot.press("pagedown")
            await wait_for(pilot, lambda: len(table_rows(pilot)) == 30)
            assert table_rows(pilot)[-1][2] == "T1-000230"
            await pilot.press("pagedown")
            await pilot.pause()
            assert "last page" in str(pilot.app.screen.query_one("#status", Static).content)
            await pilot.press("pageup", "pageup")
            await wait_for(pilot, lambda: table_rows(pilot) == first)
    finally:
        session.close()
    assert_verifies(tmp_path / "store.db")


async def test_ctrl_d_reprints_the_selected_sale_as_a_duplicate_on_the_network_printer(tmp_path: Path) -> None:
    with fake_printer() as printer:
        config = tmp_path / "pos.toml"
        config.write_text(f'[devices.printer]\nuri = "{printer.uri}"\nspool_dir = "{tmp_path / "spool"}"\n')
        session = make_store(tmp_path / "store.db", parse_settings(config.read_bytes(), config))
        session.clock = lambda: datetime.now(UTC)
        sell(session, TEA_BARCODE, Tender("cash", 50_000))
        sell(session, MILK_BARCODE, Tender("card", 28_000))
        messages: list[object] = []
        app = make_app(session, tmp_path)
        try:
            async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
                await open_daybook(pilot, 2)
                await pilot.press("down")  # the milk sale
                await pilot.press("ctrl+d")
                [printed] = printer.wait_for_jobs(1)
                await wait_for(pilot, lambda: "DuplicatePrinted" in names(messages))
                assert "Duplicate of T1-000002 sent to" in str(pilot.app.screen.query_one("#status", Static).content)
        finally:
            session.close()
    page = decode(printed, profile_code_pages("TM-T88III"))
    assert page.texts().count("*** DUPLICATE ***") == 2
    assert any("T1-000002" in text for text in page.texts())
    assert not any(str(item).startswith("drawer") for item in page.items)  # a duplicate never opens the drawer
    assert_verifies(tmp_path / "store.db")


async def test_without_a_printer_the_duplicate_is_shown_and_only_sales_reprint(
    day_of_trade: Session, tmp_path: Path
) -> None:
    app = make_app(day_of_trade, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_daybook(pilot, 4)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReportDialog))
        text = str(pilot.app.screen.query_one("#report-text", Static).content)
        assert "DUPLICATE" in text and "T1-000001" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DaybookScreen)
