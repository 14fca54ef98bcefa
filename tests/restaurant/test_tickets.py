"""Kitchen tickets on fake network printers on 127.0.0.1: each station gets each line once, voids as
VOID, reprints marked REPRINT, and a station whose printer is down prints at its backup."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_tui.domain.permissions import Action
from pos_tui.services.restaurant import floor, kitchen, moves, orders
from pos_tui.services.restaurant.printing import KitchenPrinters
from pos_tui.services.staff import authz
from tests.conftest import assert_verifies
from tests.devices.fake_printer import FakePrinter, fake_printer, free_port
from tests.restaurant.conftest import make_restaurant
from tests.support.restaurant import PrintedTicket, read_ticket


@pytest.fixture
def kitchen_printer() -> Iterator[FakePrinter]:
    with fake_printer() as printer:
        yield printer


@pytest.fixture
def bar_printer() -> Iterator[FakePrinter]:
    with fake_printer() as printer:
        yield printer


def printed(printer: FakePrinter, count: int) -> list[PrintedTicket]:
    return [read_ticket(job) for job in printer.wait_for_jobs(count, timeout=20)]


def test_send_merge_transfer_void_and_resend_print_each_line_once_per_station(
    tmp_path: Path, kitchen_printer: FakePrinter, bar_printer: FakePrinter
) -> None:
    admin = make_restaurant(tmp_path / "store.db", tmp_path / "spool", kitchen=kitchen_printer.uri,
                            bar=bar_printer.uri)
    waiter = admin.as_user("asma")
    with KitchenPrinters(admin.settings) as printers:
        floor.open_table(waiter, 1, covers=2)
        soup = orders.add_line(waiter, 1, "SOUP")
        cola = orders.add_line(waiter, 1, "COLA")
        kitchen.send(waiter, 1)
        printers.dispatch(waiter)
        floor.open_table(waiter, 2, covers=2)
        pizza = orders.add_line(waiter, 2, "PZ-S", modifiers=["extra cheese"])
        moves.merge(waiter, 2, 1)  # the merged order's unsent pizza goes once; the soup never again
        kitchen.send(waiter, 1)
        kitchen.send(waiter, 1)  # nothing new: no ticket
        moves.transfer(waiter, 1, 5)
        lassi = orders.add_line(waiter, 5, "LASSI")
        kitchen.send(waiter, 5)
        approval = authz.approve(waiter, "sara", "234567", Action.VOID_LINE, "sent back")
        orders.void_line(waiter, 5, pizza.line_no, reason="sent back", approval=approval)
        kitchen.send(waiter, 5)
        assert printers.dispatch(waiter) == 3  # the pizza, the lassi, the pizza's VOID
        assert printers.dispatch(waiter) == 0  # the cursor is past every ticket
        kitchen_tickets = printed(kitchen_printer, 3)
        bar_tickets = printed(bar_printer, 2)
    sent = Counter(line for t in kitchen_tickets if not t.void for line in t.lines)
    assert sent == {soup.line_no: 1, pizza.line_no: 1}
    assert [(t.lines, t.table) for t in kitchen_tickets if t.void] == [((pizza.line_no,), 5)]
    assert Counter(line for t in bar_tickets for line in t.lines) == {cola.line_no: 1, lassi.line_no: 1}
    assert len({t.number for t in kitchen_tickets + bar_tickets}) == 5
    admin.close()
    assert_verifies(tmp_path / "store.db")


def test_a_reprint_is_marked_reprint(tmp_path: Path, kitchen_printer: FakePrinter) -> None:
    admin = make_restaurant(tmp_path / "store.db", tmp_path / "spool", kitchen=kitchen_printer.uri)
    waiter = admin.as_user("asma")
    with KitchenPrinters(admin.settings) as printers:
        floor.open_table(waiter, 3, covers=2)
        orders.add_line(waiter, 3, "SOUP", note="no salt", seat=2)
        [ticket] = kitchen.send(waiter, 3)
        kitchen.reprint(waiter, ticket.number)
        printers.dispatch(waiter)
        first, again = printed(kitchen_printer, 2)
    assert (first.number, first.reprint) == (ticket.number, False)
    assert (again.number, again.reprint, again.lines) == (ticket.number, True, first.lines)
    admin.close()
    assert_verifies(tmp_path / "store.db")


def test_a_station_whose_printer_is_down_prints_at_its_backup_and_the_waiter_is_told(
    tmp_path: Path, bar_printer: FakePrinter
) -> None:
    down = f"tcp://127.0.0.1:{free_port()}?timeout=0.5"
    admin = make_restaurant(tmp_path / "store.db", tmp_path / "spool", kitchen=down, kitchen_backup=bar_printer.uri,
                            bar=bar_printer.uri)
    waiter = admin.as_user("asma")
    alerts: list[str] = []
    with KitchenPrinters(admin.settings, on_alert=alerts.append) as printers:
        floor.open_table(waiter, 4, covers=1)
        soup = orders.add_line(waiter, 4, "SOUP")
        kitchen.send(waiter, 4)
        printers.dispatch(waiter)
        [ticket] = printed(bar_printer, 1)
    assert (ticket.station, ticket.lines) == ("kitchen", (soup.line_no,))
    assert alerts and "The kitchen printer is down" in alerts[0] and "print at Printer at 127.0.0.1" in alerts[0]
    admin.close()


def test_two_programs_dispatching_queue_each_ticket_once(tmp_path: Path, kitchen_printer: FakePrinter) -> None:
    admin = make_restaurant(tmp_path / "store.db", tmp_path / "spool", kitchen=kitchen_printer.uri)
    waiter = admin.as_user("asma")
    with KitchenPrinters(admin.settings) as one, KitchenPrinters(admin.settings) as other:
        floor.open_table(waiter, 6, covers=2)
        for n in range(5):
            orders.add_line(waiter, 6, "SOUP", seat=n)
            kitchen.send(waiter, 6)
            assert one.dispatch(waiter) + other.dispatch(waiter) == 1
        tickets = printed(kitchen_printer, 5)
    assert sorted(t.number for t in tickets) == [1, 2, 3, 4, 5]
    assert len(kitchen_printer.jobs) == 5
    admin.close()


def test_a_new_spool_on_an_old_store_does_not_print_yesterdays_tickets(
    tmp_path: Path, kitchen_printer: FakePrinter
) -> None:
    from datetime import UTC, datetime, timedelta

    admin = make_restaurant(tmp_path / "store.db", tmp_path / "spool", kitchen=kitchen_printer.uri)
    waiter = admin.as_user("asma")
    yesterday = datetime.now(UTC) + timedelta(days=1)  # time only moves forward: "yesterday" is first
    waiter.clock = lambda: yesterday
    floor.open_table(waiter, 1, covers=2)
    orders.add_line(waiter, 1, "SOUP")
    kitchen.send(waiter, 1)  # its ticket was printed by a spool since thrown away
    waiter.clock = lambda: yesterday + timedelta(days=1)
    orders.add_line(waiter, 1, "KHEER")
    [today] = kitchen.send(waiter, 1)
    with KitchenPrinters(admin.settings) as printers:
        assert printers.dispatch(waiter) == 1
        [ticket] = printed(kitchen_printer, 1)
    assert ticket.number == today.number
    admin.close()
