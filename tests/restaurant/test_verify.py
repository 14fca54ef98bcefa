"""`pos db verify` replays the floor: every restaurant event reproduces its rows, and a row edited by
hand in any of the floor's tables is named."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from pos_tui.domain.event_kinds import EVENT_KINDS
from pos_tui.domain.permissions import Action
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.verify import verify_ledger
from pos_tui.services.restaurant import bills, floor, kitchen, moves, orders
from pos_tui.services.staff import authz
from tests.conftest import assert_verifies
from tests.restaurant.conftest import make_restaurant


@pytest.fixture(scope="module")
def evening(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An evening on the floor going through every restaurant event."""
    root = tmp_path_factory.mktemp("evening")
    path = root / "store.db"
    admin = make_restaurant(path, root / "spool")
    waiter = admin.as_user("asma")
    floor.open_table(waiter, 1, covers=4)
    orders.add_line(waiter, 1, "PZ-L", modifiers=["extra cheese"], seat=1)
    soup = orders.add_line(waiter, 1, "SOUP", seat=2, note="hot")
    orders.add_line(waiter, 1, "KHEER", course=2)
    kitchen.send(waiter, 1)
    kitchen.fire(waiter, 1, 2)
    [ticket] = [t for t in kitchen.ticket_log(waiter) if t.station == "kitchen"][:1]
    kitchen.reprint(waiter, ticket.number)
    approval = authz.approve(waiter, "sara", "234567", Action.VOID_LINE, "spilt")
    orders.void_line(waiter, 1, soup.line_no, reason="spilt", approval=approval)
    moves.transfer(waiter, 1, 2)
    floor.open_table(waiter, 3, covers=2)
    cola = orders.add_line(waiter, 3, "COLA")
    orders.add_line(waiter, 3, "LASSI")
    moves.split(waiter, 3, [cola.line_no], 4, covers=1)
    moves.merge(waiter, 4, 2)
    bills.pay(waiter, 3, [Tender("cash", 30000)], tip=2000)
    bills.prebill(waiter, 2)
    bills.split_equally(waiter, 2, 2)
    for _ in range(2):
        bills.pay(waiter, 2, [Tender("card", bills.bill(waiter, 2).due_now)])
    floor.open_table(waiter, 6, covers=1)  # by mistake
    floor.close_table(waiter, 6)
    admin.close()
    assert_verifies(path)
    return path


def test_an_evening_through_every_restaurant_event_verifies(evening: Path) -> None:
    with closing(sqlite3.connect(evening)) as conn:
        kinds = {kind for (kind,) in conn.execute("SELECT DISTINCT kind FROM journal")}
    assert {kind for kind in EVENT_KINDS if kind.startswith("table.")} <= kinds


@pytest.mark.parametrize(("table", "edit"), [
    ("restaurant_orders", "UPDATE restaurant_orders SET covers = covers + 1 WHERE order_no = 1"),
    ("restaurant_lines", "UPDATE restaurant_lines SET sent_ticket = 0 WHERE line_no = 1"),
    ("kitchen_tickets", "UPDATE kitchen_tickets SET station = 'bar' WHERE ticket_no = 1"),
    ("kitchen_ticket_lines", "DELETE FROM kitchen_ticket_lines WHERE ticket_no = 1"),
    ("restaurant_bills", "UPDATE restaurant_bills SET tip = 0"),
    ("restaurant_bill_lines", "UPDATE restaurant_bill_lines SET course = 5"),
])
def test_a_floor_row_edited_by_hand_is_named(evening: Path, tmp_path: Path, table: str, edit: str) -> None:
    copy = tmp_path / "edited.db"
    shutil.copyfile(evening, copy)
    with closing(sqlite3.connect(copy)) as conn, conn:
        conn.execute(edit)
    ledger = open_ledger(copy, read_only=True)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    assert [problem.message.split(" row ")[0] for problem in report.problems] == [table]
