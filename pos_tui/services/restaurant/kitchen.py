"""Sending to the kitchen: a fact in the journal, never worked out by comparing orders.

Send sends every line not sent yet whose course is fired, one ticket per station; "fire course N"
fires courses up to N and sends what was held. A line is sent once: its ticket number is on its row,
so a resend, a merge or a transfer finds nothing more to send. A void of a sent line makes a VOID
ticket (``orders.void_line``); a reprint is recorded too, and prints marked REPRINT.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pos_tui.domain.errors import InvalidInput, NotFound
from pos_tui.domain.restaurant_events import KitchenTicket, Modifier, OrderSent, TicketReprinted
from pos_tui.services.restaurant.floor import open_order_on
from pos_tui.services.restaurant.orders import MAX_COURSE, order_lines

if TYPE_CHECKING:
    from pos_tui.services.session import Session


@dataclass(frozen=True)
class TicketLine:
    line_no: int
    quantity: int
    name: str
    modifiers: tuple[Modifier, ...]
    note: str
    course: int
    seat: int


@dataclass(frozen=True)
class Ticket:
    """A kitchen ticket as its station prints it."""

    number: int
    seq: int
    kind: str  # send, void
    station: str
    order_no: int
    table: int
    covers: int
    waiter: str
    at: str  # UTC journal time
    lines: tuple[TicketLine, ...]
    reprint: bool = False


def _send(session: Session, table: int, fired: int | None) -> tuple[KitchenTicket, ...]:
    with session.ledger.write() as conn:
        order = open_order_on(session, table)
        course = order.fired if fired is None else max(order.fired, fired)
        waiting = [line for line in order_lines(session, order.order_no) if not line.sent and line.course <= course]
        if not waiting and course == order.fired:
            return ()
        by_station: dict[str, list[int]] = {}
        for line in waiting:
            by_station.setdefault(line.station, []).append(line.line_no)
        number = conn.execute("SELECT COALESCE(MAX(ticket_no), 0) FROM kitchen_tickets").fetchone()[0]
        tickets = tuple(KitchenTicket(number + n, station, tuple(lines))
                        for n, (station, lines) in enumerate(sorted(by_station.items()), start=1))
        session.record(OrderSent(order.order_no, course, tickets))
        return tickets


def send(session: Session, table: int) -> tuple[KitchenTicket, ...]:
    """Send every line not yet sent (of the fired courses), one ticket per station; () if none waits."""
    return _send(session, table, None)


def fire(session: Session, table: int, course: int) -> tuple[KitchenTicket, ...]:
    """Fire courses up to ``course``: what was held for them goes to the stations now."""
    if not 1 <= course <= MAX_COURSE:
        raise InvalidInput(f"Courses are 1 to {MAX_COURSE}, not {course}.", "Nothing was sent.")
    return _send(session, table, course)


def held_lines(session: Session, table: int) -> int:
    order = open_order_on(session, table)
    return sum(1 for line in order_lines(session, order.order_no) if not line.sent and line.course > order.fired)


def reprint(session: Session, ticket: int) -> Ticket:
    with session.ledger.write():
        found = get_ticket(session, ticket)
        session.record(TicketReprinted(ticket))
        return found


_TICKET_COLUMNS = "ticket_no, seq, kind, station, order_no, table_no, covers, waiter, at"


def _ticket_lines(session: Session, ticket: int) -> tuple[TicketLine, ...]:
    rows = session.ledger.conn.execute(
        "SELECT l.line_no, l.quantity, l.name, l.modifiers, l.note, l.course, l.seat FROM kitchen_ticket_lines t"
        " JOIN restaurant_lines l USING (line_no) WHERE t.ticket_no = ? ORDER BY l.course, l.line_no", (ticket,))
    return tuple(TicketLine(line_no, quantity, name, tuple(Modifier(m["name"], m["price"]) for m in json.loads(mods)),
                            note, course, seat)
                 for line_no, quantity, name, mods, note, course, seat in rows)


def _ticket_of(session: Session, row: tuple[int, int, str, str, int, int, int, str, str]) -> Ticket:
    number, seq, kind, station, order_no, table, covers, waiter, at = row
    return Ticket(number, seq, kind, station, order_no, table, covers, waiter, at, _ticket_lines(session, number))


def get_ticket(session: Session, ticket: int) -> Ticket:
    row = session.ledger.conn.execute(
        f"SELECT {_TICKET_COLUMNS} FROM kitchen_tickets WHERE ticket_no = ?", (ticket,)).fetchone()
    if row is None:
        raise NotFound(f"There is no kitchen ticket {ticket}.", "Check the number printed on it.")
    return _ticket_of(session, row)


@dataclass(frozen=True)
class TicketPrint:
    """One print a station owes: a ticket (again, marked REPRINT, for a reprint), from journal ``seq``."""

    seq: int
    ticket: Ticket


def prints_after(session: Session, seq: int, *, limit: int = 200) -> list[TicketPrint]:
    """The tickets (and reprints) recorded after journal ``seq``, in journal order: what the printers
    still owe when ``seq`` is the last one handed to them."""
    conn = session.ledger.conn
    made = conn.execute(f"SELECT {_TICKET_COLUMNS} FROM kitchen_tickets WHERE seq > ? ORDER BY seq, ticket_no LIMIT ?",
                        (seq, limit)).fetchall()
    prints = [TicketPrint(row[1], _ticket_of(session, row)) for row in made]
    reprints = conn.execute(
        "SELECT seq, json_extract(payload, '$.ticket') FROM journal WHERE kind = 'table.ticket_reprinted' AND seq > ?"
        " ORDER BY seq LIMIT ?", (seq, limit)).fetchall()
    for reprint_seq, number in reprints:
        original = get_ticket(session, number)
        prints.append(TicketPrint(reprint_seq, replace(original, reprint=True)))
    prints.sort(key=lambda p: (p.seq, p.ticket.number))
    if len(prints) > limit:
        # Whole entries only: a dispatcher's cursor moves past an entry once all its tickets are queued.
        last = prints[limit].seq
        prints = [p for p in prints if p.seq < last] or [p for p in prints if p.seq == last]
    return prints


def last_seq_before(session: Session, at: str) -> int:
    """The last journal seq recorded before ``at`` (a UTC journal time); 0 if none."""
    row = session.ledger.conn.execute("SELECT MAX(seq) FROM journal WHERE at < ?", (at,)).fetchone()
    return int(row[0] or 0)


def ticket_log(session: Session, *, station: str | None = None, last: int = 0,
               days: tuple[str, str] | None = None) -> list[Ticket]:
    """The kitchen ticket log, oldest first: every ticket made (or one station's; or the ``last`` few; or
    those of the business days ``days``, first and last included)."""
    conditions: list[str] = []
    args: list[object] = []
    if station is not None:
        conditions.append("station = ?")
        args.append(station)
    if days is not None:
        # each ticket's own entry, by its key: a year's journal is never scanned for a few tickets
        conditions.append("(SELECT day FROM journal j WHERE j.seq = kitchen_tickets.seq) BETWEEN ? AND ?")
        args.extend(days)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    order = "ORDER BY ticket_no"
    if last:
        order, args = "ORDER BY ticket_no DESC LIMIT ?", [*args, last]
    rows = session.ledger.conn.execute(f"SELECT {_TICKET_COLUMNS} FROM kitchen_tickets{where} {order}",
                                       args).fetchall()
    return sorted((_ticket_of(session, row) for row in rows), key=lambda t: t.number)
