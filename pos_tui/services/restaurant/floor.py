"""The floor: which tables there are (pos.toml), which hold an order, and opening one.

A table holds at most one order (an 'open' or 'billing' one); the database refuses a second. Opening a
table that already holds an order opens that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.domain.errors import InvalidInput, NotFound, RuleViolation
from pos_tui.domain.restaurant_events import TableClosed, TableOpened

if TYPE_CHECKING:
    from pos_tui.services.session import Session

MAX_COVERS = 99


@dataclass(frozen=True)
class Order:
    order_no: int
    table: int
    covers: int
    waiter: str
    status: str  # open, billing, paid, merged
    fired: int
    parts: int
    parts_paid: int
    opened_at: str
    sent_at: str
    last_seq: int


@dataclass(frozen=True)
class TableState:
    floor: str
    table: int
    status: str  # available, occupied, billing
    order: Order | None


_ORDER_COLUMNS = ("order_no, table_no, covers, waiter, status, fired, parts, parts_paid, opened_at, sent_at,"
                  " last_seq")


def table_numbers(session: Session) -> dict[int, str]:
    """Every configured table -> its floor's name."""
    return {table: floor.name for floor in session.settings.restaurant.floors for table in floor.tables}


def check_table(session: Session, table: int) -> None:
    if table not in table_numbers(session):
        known = table_numbers(session)
        hint = (f"Tables here are {min(known)} to {max(known)}." if known
                else "Set the floors and their tables under [restaurant] in pos.toml.")
        raise NotFound(f"There is no table {table}.", hint)


def order_on(session: Session, table: int) -> Order | None:
    row = session.ledger.conn.execute(
        f"SELECT {_ORDER_COLUMNS} FROM restaurant_orders WHERE table_no = ? AND closed_seq = 0", (table,)
    ).fetchone()
    return Order(*row) if row else None


def get_order(session: Session, order_no: int) -> Order:
    row = session.ledger.conn.execute(
        f"SELECT {_ORDER_COLUMNS} FROM restaurant_orders WHERE order_no = ?", (order_no,)).fetchone()
    if row is None:
        raise NotFound(f"There is no order {order_no}.", "Open the table first.")
    return Order(*row)


def open_order_on(session: Session, table: int) -> Order:
    """The order a table holds, or a sentence saying it holds none."""
    check_table(session, table)
    order = order_on(session, table)
    if order is None:
        raise RuleViolation(f"Table {table} is not open.", "Open it with its covers first.")
    return order


def check_covers(covers: int) -> int:
    if not 1 <= covers <= MAX_COVERS:
        raise InvalidInput(f"A table seats 1 to {MAX_COVERS} guests, not {covers}.", "Type how many are sitting.")
    return covers


def next_order_no(session: Session) -> int:
    number: int = session.ledger.conn.execute(
        "SELECT COALESCE(MAX(order_no), 0) + 1 FROM restaurant_orders").fetchone()[0]
    return number


def open_table(session: Session, table: int, covers: int) -> Order:
    """Open ``table`` for ``covers`` guests; a table that already holds an order opens that order
    (never a second one), with nothing written."""
    check_table(session, table)
    check_covers(covers)
    with session.ledger.write():
        order = order_on(session, table)
        if order is not None:
            return order
        number = next_order_no(session)
        session.record(TableOpened(table, number, covers))
        return get_order(session, number)


def close_table(session: Session, table: int) -> Order:
    """Free a table that has nothing left to pay (opened by mistake, or its unpaid lines all voided)."""
    with session.ledger.write() as conn:
        order = open_order_on(session, table)
        unpaid = conn.execute("SELECT COUNT(*) FROM restaurant_lines WHERE order_no = ? AND voided_seq = 0"
                              " AND paid_seq = 0", (order.order_no,)).fetchone()[0]
        if unpaid or order.parts_paid:
            raise RuleViolation(f"Table {table} still has {unpaid or 'parts'} to pay.",
                                "Pay the bill (or void what was not served); nothing was changed.")
        session.record(TableClosed(order.order_no))
        return get_order(session, order.order_no)


def floor_plan(session: Session) -> list[TableState]:
    """Every configured table with its status, floor by floor, in the order of pos.toml."""
    rows = session.ledger.conn.execute(
        f"SELECT {_ORDER_COLUMNS} FROM restaurant_orders WHERE closed_seq = 0").fetchall()
    orders = {row[1]: Order(*row) for row in rows}
    plan = []
    for floor in session.settings.restaurant.floors:
        for table in floor.tables:
            order = orders.get(table)
            status = "available" if order is None else ("billing" if order.status == "billing" else "occupied")
            plan.append(TableState(floor.name, table, status, order))
    return plan


def last_change(session: Session) -> int:
    """The last seq that changed any order: a floor view polls this (one indexed read) to redraw."""
    row = session.ledger.conn.execute("SELECT MAX(last_seq) FROM restaurant_orders").fetchone()
    return int(row[0] or 0)


def open_at(session: Session, seq: int) -> list[Order]:
    """The orders holding a table at journal ``seq`` (opened by then, not paid or merged by then): a Z
    names them. Each is named by the table it is on now."""
    rows = session.ledger.conn.execute(
        f"SELECT {_ORDER_COLUMNS} FROM restaurant_orders WHERE opened_seq <= ? AND (closed_seq = 0 OR closed_seq > ?)"
        " ORDER BY table_no", (seq, seq)).fetchall()
    return [Order(*row) for row in rows]


class TablesStillOpen(RuleViolation):
    """A Z was asked for while tables hold unpaid orders: the Z needs a decision (pay them, or force it)."""

    def __init__(self, orders: list[Order]) -> None:
        listed = ", ".join(f"table {o.table} ({o.covers} covers, {o.waiter})" for o in orders)
        super().__init__(
            f"{len(orders)} table{'s are' if len(orders) != 1 else ' is'} still open: {listed}.",
            "Pay or merge them first, or force the Z (`pos report z --force`): they stay open into the next day.",
        )
        self.orders = orders


def open_tables(session: Session) -> list[Order]:
    rows = session.ledger.conn.execute(
        f"SELECT {_ORDER_COLUMNS} FROM restaurant_orders WHERE closed_seq = 0 ORDER BY table_no").fetchall()
    return [Order(*row) for row in rows]
