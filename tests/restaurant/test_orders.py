"""Tables, order lines, voids, transfers, merges and splits, as waiters do them."""

from __future__ import annotations

import pytest

from pos_tui.domain.errors import NotFound, PosError, RuleViolation
from pos_tui.domain.permissions import Action, PermissionRequired
from pos_tui.services.catalog import products
from pos_tui.services.restaurant import floor, kitchen, moves, orders
from pos_tui.services.session import Session
from pos_tui.services.staff import authz


def journal_length(session: Session) -> int:
    return int(session.ledger.conn.execute("SELECT COUNT(*) FROM journal").fetchone()[0])


def test_opening_an_occupied_table_opens_its_order_never_a_second(restaurant: Session) -> None:
    first = floor.open_table(restaurant, 5, covers=4)
    before = journal_length(restaurant)
    again = floor.open_table(restaurant.as_user("bilal"), 5, covers=2)
    assert again.order_no == first.order_no and again.covers == 4
    assert journal_length(restaurant) == before
    states = {t.table: t.status for t in floor.floor_plan(restaurant)}
    assert states[5] == "occupied" and states[6] == "available"


def test_a_line_carries_portion_modifiers_note_course_and_seat(restaurant: Session) -> None:
    floor.open_table(restaurant, 3, covers=2)
    line = orders.add_line(restaurant, 3, "PZ-L", modifiers=["extra cheese", "no onions"], note="well done",
                           course=2, seat=1)
    assert line.name == "Pizza (Large)" and line.price == 140000 + 15000
    assert [m.name for m in line.modifiers] == ["extra cheese", "no onions"]
    assert (line.note, line.course, line.seat, line.station, line.waiter) == ("well done", 2, 1, "kitchen", "asma")
    drink = orders.add_line(restaurant, 3, "COLA", modifiers=["no ice"])
    assert drink.station == "bar"
    portions = orders.portions(restaurant, products.show_product(restaurant, "PZ-S"))
    assert [p.variant for p in portions] == ["Large", "Small"]


def test_a_modifier_not_allowed_for_the_item_is_refused_and_nothing_changes(restaurant: Session) -> None:
    floor.open_table(restaurant, 3, covers=2)
    before = journal_length(restaurant)
    with pytest.raises(RuleViolation, match="'extra cheese' is not a modifier for Cola"):
        orders.add_line(restaurant, 3, "COLA", modifiers=["extra cheese"])
    assert journal_length(restaurant) == before


def test_lines_on_a_table_that_is_not_open_or_not_configured_are_refused(restaurant: Session) -> None:
    with pytest.raises(RuleViolation, match="Table 4 is not open"):
        orders.add_line(restaurant, 4, "SOUP")
    with pytest.raises(NotFound, match="There is no table 77"):
        floor.open_table(restaurant, 77, covers=2)


def test_voiding_an_unsent_line_needs_nobody_but_a_sent_one_needs_a_supervisor(restaurant: Session) -> None:
    floor.open_table(restaurant, 2, covers=2)
    soup = orders.add_line(restaurant, 2, "SOUP")
    pizza = orders.add_line(restaurant, 2, "PZ-S")
    assert orders.void_line(restaurant, 2, soup.line_no, reason="changed mind") == 0
    kitchen.send(restaurant, 2)
    with pytest.raises(PermissionRequired):
        orders.void_line(restaurant, 2, pizza.line_no, reason="burnt")
    approval = authz.approve(restaurant, "sara", "234567", Action.VOID_LINE, "burnt")
    ticket = orders.void_line(restaurant, 2, pizza.line_no, reason="burnt", approval=approval)
    void = kitchen.get_ticket(restaurant, ticket)
    assert void.kind == "void" and void.station == "kitchen" and [ln.line_no for ln in void.lines] == [pizza.line_no]
    assert orders.order_lines(restaurant, floor.open_order_on(restaurant, 2).order_no) == []


def test_send_groups_by_station_and_never_sends_a_line_twice(restaurant: Session) -> None:
    floor.open_table(restaurant, 1, covers=3)
    orders.add_line(restaurant, 1, "SOUP")
    orders.add_line(restaurant, 1, "COLA")
    orders.add_line(restaurant, 1, "KHEER", course=2)
    tickets = kitchen.send(restaurant, 1)
    assert sorted((t.station, len(t.lines)) for t in tickets) == [("bar", 1), ("kitchen", 1)]
    assert kitchen.send(restaurant, 1) == ()
    assert kitchen.held_lines(restaurant, 1) == 1
    fired = kitchen.fire(restaurant, 1, 2)
    assert [(t.station, len(t.lines)) for t in fired] == [("kitchen", 1)]
    assert kitchen.send(restaurant, 1) == ()
    course_two = orders.add_line(restaurant, 1, "KHEER", course=2)  # course 2 is fired: goes on the next send
    assert [t.lines for t in kitchen.send(restaurant, 1)] == [(course_two.line_no,)]


def test_transfer_to_an_occupied_table_asks_to_merge_and_changes_nothing(restaurant: Session) -> None:
    floor.open_table(restaurant, 1, covers=2)
    floor.open_table(restaurant, 2, covers=3)
    orders.add_line(restaurant, 1, "SOUP")
    before = journal_length(restaurant)
    with pytest.raises(moves.TableOccupied, match=r"Table 2 is occupied\. Merge table 1 into it"):
        moves.transfer(restaurant, 1, 2)
    assert journal_length(restaurant) == before
    merged = moves.transfer(restaurant, 1, 2, merge=True)
    assert merged.table == 2 and merged.covers == 5
    assert floor.order_on(restaurant, 1) is None
    assert [ln.name for ln in orders.order_lines(restaurant, merged.order_no)] == ["Lentil Soup"]


def test_transfer_merge_and_split_keep_what_was_sent(restaurant: Session) -> None:
    floor.open_table(restaurant, 1, covers=4)
    soup = orders.add_line(restaurant, 1, "SOUP")
    kitchen.send(restaurant, 1)
    cola = orders.add_line(restaurant, 1, "COLA", seat=2)
    moved = moves.transfer(restaurant, 1, 7)
    assert moved.table == 7
    [ticket] = kitchen.send(restaurant, 7)
    assert ticket.lines == (cola.line_no,)
    floor.open_table(restaurant, 8, covers=1)
    orders.add_line(restaurant, 8, "LASSI")
    moves.merge(restaurant, 8, 7)
    sent_now = kitchen.send(restaurant, 7)
    assert [t.station for t in sent_now] == ["bar"] and len(sent_now[0].lines) == 1
    split = moves.split(restaurant, 7, [soup.line_no], 9, covers=2)
    assert split.table == 9 and split.covers == 2 and floor.order_on(restaurant, 7).covers == 3  # type: ignore[union-attr]
    assert kitchen.send(restaurant, 9) == () and kitchen.send(restaurant, 7) == ()


def test_refusals_say_what_to_do(restaurant: Session) -> None:
    floor.open_table(restaurant, 1, covers=2)
    line = orders.add_line(restaurant, 1, "SOUP")
    for attempt in (lambda: floor.open_table(restaurant, 2, covers=0),
                    lambda: orders.add_line(restaurant, 1, "SOUP", course=0),
                    lambda: moves.transfer(restaurant, 1, 1),
                    lambda: moves.split(restaurant, 1, [line.line_no], 2),
                    lambda: orders.void_line(restaurant, 1, line.line_no, reason=" ")):
        before = journal_length(restaurant)
        with pytest.raises(PosError) as caught:
            attempt()
        assert caught.value.hint and journal_length(restaurant) == before


def test_a_table_with_nothing_to_pay_is_closed_and_one_with_lines_is_not(restaurant: Session) -> None:
    floor.open_table(restaurant, 6, covers=2)
    soup = orders.add_line(restaurant, 6, "SOUP")
    before = journal_length(restaurant)
    with pytest.raises(RuleViolation, match="Table 6 still has 1 to pay"):
        floor.close_table(restaurant, 6)
    assert journal_length(restaurant) == before
    orders.void_line(restaurant, 6, soup.line_no, reason="walked out before it was made")
    floor.close_table(restaurant, 6)
    assert floor.order_on(restaurant, 6) is None
    assert floor.open_table(restaurant, 6, covers=3).covers == 3  # free for the next guests
