"""Order lines: each added (a portion with its modifiers, a note, a course and a seat) and each void is
its own event, so several waiters adding to one table at once never lose a line."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.domain.errors import InvalidInput, NotFound, RuleViolation
from pos_tui.domain.money import format_quantity
from pos_tui.domain.permissions import Action, Approval
from pos_tui.domain.restaurant_events import Modifier, OrderLineAdded, OrderLineVoided
from pos_tui.services.catalog import products
from pos_tui.services.restaurant.floor import open_order_on
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session

MAX_COURSE = 9
MAX_SEAT = 99
MAX_NOTE = 80


@dataclass(frozen=True)
class OrderLine:
    line_no: int
    order_no: int
    product_id: int
    sku: str
    name: str
    category: str
    unit_price: int
    quantity: int
    modifiers: tuple[Modifier, ...]
    note: str
    course: int
    seat: int
    station: str
    waiter: str
    sent_ticket: int
    voided: bool
    paid: bool

    @property
    def price(self) -> int:
        """Per unit, with its priced modifiers."""
        return self.unit_price + sum(m.price for m in self.modifiers)

    @property
    def amount(self) -> int:
        return self.price * self.quantity // 1000  # whole portions only

    @property
    def sent(self) -> bool:
        return self.sent_ticket > 0


_LINE_COLUMNS = ("line_no, order_no, product_id, sku, name, category, unit_price, quantity, modifiers, note,"
                 " course, seat, station, waiter, sent_ticket, voided_seq, paid_seq")


def _line(row: Sequence[object]) -> OrderLine:
    values = list(row)
    values[8] = tuple(Modifier(m["name"], m["price"]) for m in json.loads(str(values[8])))
    values[15] = bool(values[15])
    values[16] = bool(values[16])
    return OrderLine(*values)  # type: ignore[arg-type]


def order_lines(session: Session, order_no: int, *, include_voided: bool = False) -> list[OrderLine]:
    where = "" if include_voided else " AND voided_seq = 0"
    rows = session.ledger.conn.execute(
        f"SELECT {_LINE_COLUMNS} FROM restaurant_lines WHERE order_no = ?{where} ORDER BY line_no", (order_no,))
    return [_line(row) for row in rows]


def get_line(session: Session, line_no: int) -> OrderLine:
    row = session.ledger.conn.execute(
        f"SELECT {_LINE_COLUMNS} FROM restaurant_lines WHERE line_no = ?", (line_no,)).fetchone()
    if row is None:
        raise NotFound(f"There is no order line {line_no}.", "Check the line's number on the order.")
    return _line(row)


def allowed_modifiers(session: Session, product: products.Product) -> list[Modifier]:
    """The modifiers this item may carry, in the order of pos.toml (the digit keys pick from it)."""
    allowed = []
    for modifier in session.settings.restaurant.modifiers:
        targets = modifier.applies_to
        if not targets or product.category in targets or f"sku:{product.sku}" in targets:
            allowed.append(Modifier(modifier.name, modifier.price))
    return allowed


def portions(session: Session, product: products.Product) -> list[products.Product]:
    """The portions of an item: the products of its group (each with its own price), else itself."""
    if not product.group:
        return [product]
    return [p for p in products.variants_of(session, product.group) if not p.retired] or [product]


def station_for(session: Session, category: str) -> str:
    config = session.settings.restaurant
    return config.category_stations.get(category, config.default_station)


def _checked_modifiers(session: Session, product: products.Product, names: Sequence[str]) -> tuple[Modifier, ...]:
    allowed = {m.name: m for m in allowed_modifiers(session, product)}
    chosen = []
    for name in names:
        if name not in allowed:
            offer = ", ".join(allowed) or "none"
            raise RuleViolation(f"{name!r} is not a modifier for {product.display_name}.",
                                f"Allowed here: {offer}. Nothing was added.")
        chosen.append(allowed[name])
    return tuple(chosen)


def add_line(
    session: Session,
    table: int,
    code: str,
    *,
    quantity: int = 1000,
    modifiers: Sequence[str] = (),
    note: str = "",
    course: int = 1,
    seat: int = 0,
) -> OrderLine:
    """Add an item (its SKU or barcode names the portion) to the table's order."""
    if quantity <= 0 or quantity % 1000:
        raise InvalidInput(f"{format_quantity(quantity)} is not a number of portions.",
                           "Type a whole number, 1 or more.")
    if not 1 <= course <= MAX_COURSE:
        raise InvalidInput(f"Courses are 1 to {MAX_COURSE}, not {course}.", "Nothing was added.")
    if not 0 <= seat <= MAX_SEAT:
        raise InvalidInput(f"Seats are 1 to {MAX_SEAT} (0 for the table), not {seat}.", "Nothing was added.")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"A note is at most {MAX_NOTE} characters.", "Shorten it; nothing was added.")
    with session.ledger.write() as conn:
        order = open_order_on(session, table)
        if order.parts:
            raise RuleViolation(f"Table {table}'s bill is split into {order.parts} parts.",
                                "Pay the parts first, or open another table for more.")
        product = products.show_product(session, code)
        products.refuse_retired(product, "order")
        chosen = _checked_modifiers(session, product, modifiers)
        line_no = conn.execute("SELECT COALESCE(MAX(line_no), 0) + 1 FROM restaurant_lines").fetchone()[0]
        session.record(OrderLineAdded(
            order=order.order_no, line=line_no, product_id=product.product_id, sku=product.sku,
            name=product.display_name, category=product.category, unit_price=product.price, quantity=quantity,
            modifiers=chosen, note=note, course=course, seat=seat, station=station_for(session, product.category),
        ))
        return get_line(session, line_no)


def void_line(session: Session, table: int, line_no: int, *, reason: str, approval: Approval | None = None) -> int:
    """Take a line off the table's order; returns the VOID ticket's number (0 if it was never sent).

    A line already sent needs a supervisor (``void_line``) and its station gets a VOID ticket.
    """
    reason = reason.strip()
    if not reason:
        raise InvalidInput("A void needs a reason.", "Say why: customer changed mind, wrong item...")
    with session.ledger.write() as conn:
        order = open_order_on(session, table)
        line = get_line(session, line_no)
        if line.order_no != order.order_no:
            raise NotFound(f"Table {table} has no line {line_no}.", "Check the line's number on the order.")
        if line.voided:
            raise RuleViolation(f"Line {line_no} is already voided.", "Nothing was changed.")
        if line.paid:
            raise RuleViolation(f"Line {line_no} is paid.", "Return it from the sale instead.")
        if order.parts:
            raise RuleViolation(f"Table {table}'s bill is split into {order.parts} parts.",
                                "Pay the parts; a paid line comes back as a return.")
        approvals: tuple[Approval, ...] = ()
        ticket = 0
        if line.sent:
            approvals = authz.require(session, Action.VOID_LINE, approval)
            ticket = conn.execute("SELECT COALESCE(MAX(ticket_no), 0) + 1 FROM kitchen_tickets").fetchone()[0]
        session.record(OrderLineVoided(order.order_no, line_no, reason, ticket, approvals=approvals))
        return ticket
