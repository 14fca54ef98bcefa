"""Moving orders between tables: a transfer to a free table, a merge into an occupied one, and a split
that moves some lines (and guests) to another table. Lines keep their numbers and what was sent of
them, so the kitchen never gets a moved line again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pos_tui.domain.errors import InvalidInput, NotFound, RuleViolation
from pos_tui.domain.restaurant_events import LinesMoved, OrdersMerged, TableTransferred
from pos_tui.services.restaurant.floor import Order, check_table, next_order_no, open_order_on, order_on
from pos_tui.services.restaurant.orders import order_lines

if TYPE_CHECKING:
    from pos_tui.services.session import Session


class TableOccupied(RuleViolation):
    """A transfer to a table that holds an order: the waiter is asked whether to merge."""


def _refuse_split_bill(order: Order) -> None:
    if order.parts:
        raise RuleViolation(f"Table {order.table}'s bill is split into {order.parts} parts.",
                            "Pay the parts first; nothing was moved.")


def transfer(session: Session, table: int, to_table: int, *, merge: bool = False) -> Order:
    """Move the table's order to ``to_table``. An occupied ``to_table`` is refused unless ``merge``,
    which merges the order into the one there."""
    check_table(session, to_table)
    if to_table == table:
        raise InvalidInput(f"The order is already on table {table}.", "Choose another table.")
    with session.ledger.write():
        order = open_order_on(session, table)
        _refuse_split_bill(order)
        there = order_on(session, to_table)
        if there is None:
            session.record(TableTransferred(order.order_no, table, to_table))
            moved = order_on(session, to_table)
            assert moved is not None
            return moved
        if not merge:
            raise TableOccupied(f"Table {to_table} is occupied.",
                                f"Merge table {table} into it, or choose a free table; nothing was moved.")
        _refuse_split_bill(there)
        session.record(OrdersMerged(order.order_no, there.order_no))
        merged = order_on(session, to_table)
        assert merged is not None
        return merged


def merge(session: Session, table: int, into_table: int) -> Order:
    """Merge the table's order into ``into_table``'s (which must be open): lines and covers move."""
    check_table(session, into_table)
    if order_on(session, into_table) is None:
        raise RuleViolation(f"Table {into_table} is not open.", "Transfer the order there instead.")
    return transfer(session, table, into_table, merge=True)


def split(session: Session, table: int, lines: Sequence[int], to_table: int, *, covers: int = 0) -> Order:
    """Move ``lines`` (and ``covers`` guests) to ``to_table``: a free table is opened for them, an
    occupied one takes them onto its order."""
    check_table(session, to_table)
    if to_table == table:
        raise InvalidInput(f"The lines are already on table {table}.", "Choose another table.")
    if not lines:
        raise InvalidInput("No lines were chosen to move.", "Choose the lines going to the other table.")
    if len(set(lines)) != len(lines):
        raise InvalidInput("A line was chosen twice.", "Choose each line once.")
    with session.ledger.write():
        order = open_order_on(session, table)
        _refuse_split_bill(order)
        on_order = {line.line_no: line for line in order_lines(session, order.order_no)}
        for line_no in lines:
            if line_no not in on_order:
                raise NotFound(f"Table {table} has no line {line_no}.", "Nothing was moved.")
            if on_order[line_no].paid:
                raise RuleViolation(f"Line {line_no} is paid.", "Nothing was moved.")
        if len(lines) == len(on_order):
            raise RuleViolation("That is every line on the table.", "Transfer the table instead.")
        if not 0 <= covers < order.covers:
            raise InvalidInput(f"Table {table} has {order.covers} guests; {covers} cannot move and leave any.",
                               "Move fewer guests; nothing was moved.")
        there = order_on(session, to_table)
        if there is not None:
            _refuse_split_bill(there)
            into, opened = there.order_no, False
        else:
            into, opened = next_order_no(session), True
            covers = max(covers, 1)
            if covers >= order.covers:
                raise InvalidInput(f"Table {table} has only {order.covers} guest; a new table needs one.",
                                   "Move the lines to an open table instead.")
        session.record(LinesMoved(order.order_no, into, to_table, tuple(lines), covers, opened))
        moved = order_on(session, to_table)
        assert moved is not None
        return moved
