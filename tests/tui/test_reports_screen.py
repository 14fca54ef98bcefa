"""F4 Reports stories on a real store with a few weeks of trade: pick a report and a range, see the
grand total the service and the daybook give, keep the choice across modes, export the CSV, survive a
failing worker, and stay away from people whose role may not see reports."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.services.cash import daybook
from pos_tui.services.cash.daybook import DayRange
from pos_tui.services.catalog import products
from pos_tui.services.reports import registry
from pos_tui.services.reports.registry import ReportQuery
from pos_tui.services.selling import sales
from pos_tui.services.session import Session, open_session
from pos_tui.services.staff import users
from pos_tui.tui.screens.reports import ROW_LIMIT, ReportExported, ReportShown
from tests.conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store
from tests.tui.conftest import log_in, make_app, names, wait_for

TODAY = datetime(2025, 3, 12, 7, 0, tzinfo=UTC)  # noon in Karachi, a Wednesday


def trade(session: Session, days: int = 12, *, until: datetime = TODAY) -> None:
    """A sale or two a day for ``days`` days up to ``until``, the same a year (52 weeks) earlier,
    and one return, so every tile and the trend against last year have something to show. Rung up in
    the order of their times: the journal's time only moves forward."""
    moments = [(when, back) for back in range(days)
               for when in (until - timedelta(days=back), until - timedelta(days=back + 364))]
    for when, back in sorted(moments):
        session.clock = lambda when=when: when
        cart = Cart().add(products.resolve_scan(session, f"{1 + back % 3}*{TEA_BARCODE}"))
        if back % 2:
            cart = cart.add(products.resolve_scan(session, MILK_BARCODE))
        sales.complete_sale(session, cart, [Tender("cash", 200_000)])
    session.clock = lambda: until
    sale = sales.complete_sale(session, Cart().add(products.resolve_scan(session, MILK_BARCODE)),
                               [Tender("card", 28_000)])
    sales.return_items(session.as_user("admin"), sale.reference, [(1, 1000)], reason="damaged", refund_method="card")


def trading_store(path: Path) -> Session:
    session = make_store(path, opened_at=TODAY - timedelta(days=12 + 364))  # before the first sale traded
    trade(session)
    return session


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Session]:
    session = trading_store(tmp_path / "store.db")
    yield session
    session.close()
    assert_verifies(tmp_path / "store.db")


def table(pilot: Pilot[None]) -> DataTable[object]:
    return pilot.app.screen.query_one("#report-table", DataTable)


def status(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#status").content)


def total_cell(pilot: Pilot[None], key: str) -> str:
    grid = table(pilot)
    return str(grid.get_cell("total", key))


async def open_reports(pilot: Pilot[None]) -> None:
    await log_in(pilot)
    await pilot.press("f4")
    await wait_for(pilot, lambda: pilot.app.current_mode == "reports" and table(pilot).row_count > 0)


async def choose(pilot: Pilot[None], select_id: str, value: str) -> None:
    """Pick ``value`` in a select with the keyboard: open it, walk down to it, Enter."""
    select = pilot.app.screen.query_one(select_id, Select)
    select.focus()
    await pilot.press("enter")
    options = [v for _, v in select._options]
    here = options.index(select.value)
    there = options.index(value)
    for _ in range(abs(there - here)):
        await pilot.press("down" if there > here else "up")
    await pilot.press("enter")
    await pilot.pause()


async def shown(pilot: Pilot[None], messages: list[object], name: str, first: str, last: str) -> None:
    await wait_for(pilot, lambda: any(isinstance(m, ReportShown) and m.name == name and m.query.first == first
                                      and m.query.last == last for m in messages))


async def test_a_manager_picks_sales_by_day_for_this_month_and_the_total_ties_to_the_service_and_daybook(
    shop: Session, tmp_path: Path
) -> None:
    messages: list[object] = []
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await open_reports(pilot)
        await choose(pilot, "#rp-range", "week")
        await shown(pilot, messages, "sales-by-day", "2025-03-10", "2025-03-12")
        await choose(pilot, "#rp-range", "month")
        await shown(pilot, messages, "sales-by-day", "2025-03-01", "2025-03-12")
        await wait_for(pilot, lambda: "…" not in str(pilot.app.screen.query_one("#tile-rp-returns").content))

        service = registry.run_report(shop, "sales-by-day", ReportQuery("2025-03-01", "2025-03-12"))
        book = daybook.totals(shop, DayRange("2025-03-01", "2025-03-12"))
        money = shop.currency
        assert total_cell(pilot, "takings") == registry.format_cell(service.total("takings"), "money", money)
        assert service.total("takings") == book.sales
        assert total_cell(pilot, "sales") == str(book.sale_count)
        assert table(pilot).row_count == 12 + 1  # a row a day and the totals
        tile = str(pilot.app.screen.query_one("#tile-rp-sales").content)
        assert tile.startswith(money.format(book.sales, symbol=False))
        assert money.format(book.returns, symbol=False) in str(pilot.app.screen.query_one("#tile-rp-returns").content)
        assert pilot.app.screen.query_one("#report-chart").display  # twelve days read faster as a picture
    sequence = names(messages)
    assert sequence.index("ReportRequested") < sequence.index("ReportComputed") < sequence.index("ReportShown")


async def test_the_chosen_report_and_range_stay_when_the_manager_goes_to_the_bucket_and_back(
    shop: Session, tmp_path: Path
) -> None:
    messages: list[object] = []
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await open_reports(pilot)
        await pilot.press("f6")  # the report picker opens on the key
        await pilot.pause()
        assert pilot.app.screen.query_one("#rp-report", Select).expanded
        await pilot.press("escape")
        await choose(pilot, "#rp-report", "sales-by-item")
        await shown(pilot, messages, "sales-by-item", "2025-03-01", "2025-03-12")
        assert "Tapal Danedar Tea 200g" in {str(table(pilot).get_cell_at((r, 1))) for r in range(2)}
        await pilot.press("f1")
        await wait_for(pilot, lambda: pilot.app.current_mode == "bucket")
        await pilot.press("f4")
        await wait_for(pilot, lambda: pilot.app.current_mode == "reports")
        assert pilot.app.screen.query_one("#rp-report", Select).value == "sales-by-item"
        assert pilot.app.screen.query_one("#rp-range", Select).value == "month"
        assert "name" in {str(key.value) for key in table(pilot).columns}


async def test_custom_dates_from_the_dialog_and_a_date_that_is_no_day_is_refused(
    shop: Session, tmp_path: Path
) -> None:
    messages: list[object] = []
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await open_reports(pilot)
        await pilot.press("ctrl+d")
        await pilot.pause()
        pilot.app.screen.query_one("#f-first", Input).value = "2024-03-08"
        pilot.app.screen.query_one("#f-last", Input).value = "2024-03-01"  # backwards: put in order
        pilot.app.screen.query_one("#f-last", Input).focus()
        await pilot.press("enter")
        await shown(pilot, messages, "sales-by-day", "2024-03-01", "2024-03-08")
        assert pilot.app.screen.query_one("#rp-range", Select).value == "custom"

        await pilot.press("ctrl+d")
        await pilot.pause()
        pilot.app.screen.query_one("#f-first", Input).value = "2024-02-30"
        pilot.app.screen.query_one("#f-last", Input).focus()
        await pilot.press("enter")  # refused: the form stays with the date typed, and says why
        await wait_for(pilot, lambda: "'2024-02-30' is not a day"
                       in str(pilot.app.screen.query_one("#form-error", Static).content))
        assert pilot.app.screen.query_one("#f-first", Input).value == "2024-02-30"
        await pilot.press("escape")
        assert table(pilot).row_count == 8 + 1  # the range shown before stays


async def test_export_writes_every_row_and_the_totals_as_the_service_csv_writer_does(
    shop: Session, tmp_path: Path
) -> None:
    messages: list[object] = []
    target = tmp_path / "out" / "march.csv"
    target.parent.mkdir()
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await open_reports(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        field = pilot.app.screen.query_one("#f-path", Input)
        assert field.value == "report-sales-by-day-2025-03-01-2025-03-12.csv"
        field.value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(isinstance(m, ReportExported) for m in messages))
        shown_rows = table(pilot).row_count

        await pilot.press("ctrl+e")  # the same name again: refused, the file is not overwritten
        await pilot.pause()
        pilot.app.screen.query_one("#f-path", Input).value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "already exists" in status(pilot))

    written = target.read_text(encoding="utf-8")
    expected = io.StringIO(newline="")
    registry.write_csv(registry.run_report(shop, "sales-by-day", ReportQuery("2025-03-01", "2025-03-12", limit=0)),
                      shop.currency, expected)
    assert written == expected.getvalue()
    command = subprocess.run(  # what `pos report` prints in a pipe is what the screen wrote
        [str(Path(sys.executable).with_name("pos")), "report", "sales-by-day", "--from", "2025-03-01", "--to",
         "2025-03-12", "--limit", "0", "--format", "csv", "--db", str(tmp_path / "store.db")],
        capture_output=True, text=True, cwd=tmp_path, env={k: v for k, v in os.environ.items() if k != "POS_CONFIG"},
        check=True,
    )
    assert command.stdout == written
    records = list(csv.DictReader(io.StringIO(written)))
    assert len(records) == shown_rows  # the days and the totals row, as on screen
    assert records[-1]["row"] == "total"


async def test_an_item_report_shows_a_few_hundred_rows_and_totals_over_all(
    shop: Session, tmp_path: Path
) -> None:
    app = make_app(shop, tmp_path)
    messages: list[object] = []
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await open_reports(pilot)
        await choose(pilot, "#rp-report", "sales-by-item")
        await shown(pilot, messages, "sales-by-item", "2025-03-01", "2025-03-12")
        assert table(pilot).row_count <= ROW_LIMIT + 1
        shown_message = next(m for m in messages if isinstance(m, ReportShown) and m.name == "sales-by-item")
        assert shown_message.query.limit == ROW_LIMIT


async def test_a_failing_worker_says_so_and_the_app_carries_on(tmp_path: Path) -> None:
    broken = trading_store(tmp_path / "broken.db")
    app = make_app(broken, tmp_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await open_reports(pilot)
            # A half-restored database: the report summaries are gone, so the report's SQL raises
            # sqlite3.OperationalError (not a PosError) inside the worker.
            with sqlite3.connect(tmp_path / "broken.db") as raw:
                raw.execute("DROP TABLE report_sale_slices")
            await pilot.press("ctrl+r")
            await wait_for(pilot, lambda: "could not be worked out" in status(pilot))
            assert "Traceback" not in status(pilot)
            assert pilot.app.is_running
            await pilot.press("f1")
            await wait_for(pilot, lambda: pilot.app.current_mode == "bucket")
            assert pilot.app.is_running
    finally:
        broken.close()


async def test_a_cashier_is_not_offered_reports(shop: Session, tmp_path: Path) -> None:
    users.add_user(shop, "ali", "1111", role="cashier")
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, "ali", "1111")
        assert "F4 Reports" not in {str(e.content) for e in pilot.app.screen.query("DockEntry")}
        await pilot.press("f4")
        await pilot.pause()
        assert pilot.app.current_mode == "bucket"


async def test_reports_open_on_a_read_only_seat(shop: Session, tmp_path: Path) -> None:
    seat = open_session(shop.settings, tmp_path / "store.db", read_only=True)
    seat.clock = lambda: TODAY
    messages: list[object] = []
    try:
        app = make_app(seat, tmp_path)
        async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
            screen = pilot.app.screen
            screen.query_one("#user", Input).value = "admin"
            screen.query_one("#pin", Input).value = "456789"
            screen.query_one("#pin", Input).focus()
            await pilot.press("enter")
            # A read-only seat has no bucket: it lands on the first view the role may see, the reports.
            await wait_for(pilot, lambda: pilot.app.current_mode == "reports")
            await shown(pilot, messages, "sales-by-day", "2025-03-01", "2025-03-12")
            assert total_cell(pilot, "sales") != ""
    finally:
        seat.close()
