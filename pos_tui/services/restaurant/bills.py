"""Bills: the pre-bill, splitting equally, and paying a table whole, by seat, by line or a part.

A payment is an ordinary sale (``sale.completed``: receipts, reports, the daybook and verify know it)
and, in the same transaction, ``table.paid``, which ties the sale to the order's lines and posts the
tip to ``liabilities:tips``. Paying the last of an order frees its table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pos_tui.domain.bill_parts import MAX_PARTS, covered, part_totals, share
from pos_tui.domain.cart import Cart, CartLine, PricedCart, PricedLine, TaxBucket, price_cart
from pos_tui.domain.errors import InvalidAmount, InvalidInput, NotFound, RuleViolation
from pos_tui.domain.restaurant_events import BillPaid, BillPresented, BillSplitEqually, PaidLine
from pos_tui.domain.sale import sale_event
from pos_tui.domain.tender import Tender, settle
from pos_tui.services.cash.shifts import require_shift_for_sale
from pos_tui.services.catalog import products
from pos_tui.services.restaurant.floor import Order, get_order, open_order_on
from pos_tui.services.restaurant.orders import OrderLine, order_lines
from pos_tui.services.selling.sales import sale_reference

if TYPE_CHECKING:
    from pos_tui.services.session import Session


@dataclass(frozen=True)
class Bill:
    order: Order
    lines: tuple[OrderLine, ...]  # what is left to pay
    priced: PricedCart
    next_part: int  # 0 unless split equally: the part to pay next
    parts_left: tuple[int, ...]  # the equal parts' totals still to pay

    @property
    def total(self) -> int:
        return self.priced.total

    @property
    def due_now(self) -> int:
        """What the next payment is for: the next equal part, or the whole of what is left."""
        return self.parts_left[0] if self.parts_left else self.total


@dataclass(frozen=True)
class Payment:
    sale_ref: str
    seq: int
    total: int  # the sale's total
    change: int
    tip: int
    closed: bool  # the table is free


def _cart_line(session: Session, line: OrderLine) -> CartLine:
    product = products.get_product(session, line.product_id)
    name = " ".join([line.name, *(f"+{m.name}" for m in line.modifiers)])
    return CartLine(product_id=line.product_id, sku=line.sku, name=name, unit=product.unit, quantity=line.quantity,
                    unit_price=line.price, list_price=line.price, tax_class=product.tax_class,
                    tax_rate_bp=product.tax_rate_bp, unit_cost=product.cost)


def _priced(session: Session, lines: Sequence[OrderLine]) -> PricedCart:
    return price_cart(Cart(tuple(_cart_line(session, line) for line in lines)), session.tax_policy)


def bill(session: Session, table: int) -> Bill:
    order = open_order_on(session, table)
    return _bill(session, order)


def _bill(session: Session, order: Order) -> Bill:
    lines = tuple(line for line in order_lines(session, order.order_no) if not line.paid)
    priced = _priced(session, lines)
    parts_left: tuple[int, ...] = ()
    if order.parts:
        parts_left = tuple(part_totals(priced.total, order.parts)[order.parts_paid:])
    return Bill(order, lines, priced, order.parts_paid + 1 if order.parts else 0, parts_left)


def prebill(session: Session, table: int) -> Bill:
    """The bill shown to the guests: the table moves to billing (a line added after moves it back)."""
    with session.ledger.write():
        order = open_order_on(session, table)
        current = _bill(session, order)
        if not current.lines:
            raise RuleViolation(f"Table {table} has nothing to bill.", "Add lines first.")
        if order.status != "billing":
            session.record(BillPresented(order.order_no))
        return _bill(session, get_order(session, order.order_no))


def split_equally(session: Session, table: int, parts: int) -> Bill:
    """Split what is left into ``parts`` equal parts (the remainder paisa go to the first parts)."""
    if not 1 <= parts <= MAX_PARTS:
        raise InvalidInput(f"A bill splits into 1 to {MAX_PARTS} parts, not {parts}.", "Nothing was changed.")
    with session.ledger.write():
        order = open_order_on(session, table)
        if order.parts and order.parts_paid:
            raise RuleViolation(f"{order.parts_paid} of {order.parts} parts are paid already.",
                                "Pay the other parts; nothing was changed.")
        if not _bill(session, order).lines:
            raise RuleViolation(f"Table {table} has nothing to bill.", "Add lines first.")
        session.record(BillSplitEqually(order.order_no, parts))
        return _bill(session, get_order(session, order.order_no))


def _share_of(priced: PricedCart, parts: int, part: int) -> tuple[PricedCart, list[int]]:
    """Part ``part`` of ``parts`` of ``priced``, as a priced cart; and which of its lines each keeps."""
    spans = covered([p.gross for p in priced.lines], parts, part)
    kept: list[PricedLine] = []
    index: list[int] = []
    for n, (p, span) in enumerate(zip(priced.lines, spans, strict=True)):
        if span[1] <= span[0]:
            continue
        gross = span[1] - span[0] if p.gross else 0
        tax = share(p.tax, p.gross, span)
        quantity = share(p.line.quantity, p.gross, span)
        kept.append(PricedLine(replace(p.line, quantity=quantity), extended=share(p.extended, p.gross, span),
                               line_discount=0, cart_discount=0, net=gross - tax, tax=tax, gross=gross,
                               cost=share(p.cost, p.gross, span)))
        index.append(n)
    buckets: dict[tuple[str, int], tuple[int, int]] = {}
    for p in kept:
        net, tax = buckets.get((p.line.tax_class, p.line.tax_rate_bp), (0, 0))
        buckets[(p.line.tax_class, p.line.tax_rate_bp)] = (net + p.net, tax + p.tax)
    cart = PricedCart(
        lines=tuple(kept), subtotal=sum(p.extended for p in kept), discount_total=0,
        net_total=sum(p.net for p in kept), tax_total=sum(p.tax for p in kept), total=sum(p.gross for p in kept),
        cost_total=sum(p.cost for p in kept),
        taxes=tuple(TaxBucket(c, r, n, t) for (c, r), (n, t) in sorted(buckets.items())),
    )
    return cart, index


def pay(
    session: Session,
    table: int,
    tenders: Sequence[Tender],
    *,
    seat: int | None = None,
    lines: Sequence[int] = (),
    tip: int = 0,
    tip_method: str = "",
) -> Payment:
    """Pay the table: the whole of what is left, one seat's lines, chosen lines, or (once the bill is
    split equally) the next part. ``tenders`` pay the bill; ``tip`` comes on top, on ``tip_method``
    (the first tender's by default), and goes to liabilities:tips."""
    if tip < 0:
        raise InvalidAmount("A tip cannot be negative.", "Type the tip, or 0.")
    if seat is not None and lines:
        raise InvalidInput("Pay by seat or by lines, not both.", "Choose one.")
    methods = session.tender_methods
    tip_method = tip_method or (tenders[0].method if tenders else "")
    if tip and tip_method not in methods:
        raise InvalidInput(f"{tip_method!r} is not a payment method here.", f"Use one of: {', '.join(methods)}.")
    with session.ledger.write() as conn:
        order = open_order_on(session, table)
        current = _bill(session, order)
        if not current.lines:
            raise RuleViolation(f"Table {table} has nothing to pay.", "Add lines first.")
        part = 0
        if order.parts:
            if seat is not None or lines:
                raise RuleViolation(f"Table {table}'s bill is split into {order.parts} equal parts.",
                                    f"Pay part {current.next_part}; nothing was paid.")
            part = current.next_part
            priced, kept = _share_of(current.priced, order.parts, part)
            paying = [current.lines[n] for n in kept]
        else:
            paying = _choose(current, table, seat, lines)
            priced = _priced(session, paying) if len(paying) != len(current.lines) else current.priced
        settlement = settle(priced.total, tenders, methods, cash_step=session.settings.pricing.cash_rounding_step,
                            mode=session.settings.pricing.rounding, show=session.money)
        require_shift_for_sale(session)
        number = conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM sales WHERE terminal = ?",
                              (session.terminal,)).fetchone()[0]
        sale = session.record(sale_event(session.terminal, number, priced, settlement, methods))
        closed = (part == order.parts) if part else len(paying) == len(current.lines)
        session.record(BillPaid(
            order=order.order_no, sale_seq=sale.seq, terminal=session.terminal, number=number, total=priced.total,
            lines=tuple(PaidLine(line.line_no, p.gross) for line, p in zip(paying, priced.lines, strict=True)),
            part=part, parts=order.parts, tip=tip, tip_account=methods[tip_method].account_for(session.terminal)
            if tip else "", closed=closed,
        ))
    return Payment(sale_reference(session.terminal, number), sale.seq, priced.total, settlement.change, tip, closed)


def _choose(current: Bill, table: int, seat: int | None, lines: Sequence[int]) -> list[OrderLine]:
    if seat is not None:
        chosen = [line for line in current.lines if line.seat == seat]
        if not chosen:
            raise NotFound(f"Seat {seat} at table {table} has nothing left to pay.", "Check the seat number.")
        return chosen
    if lines:
        if len(set(lines)) != len(lines):
            raise InvalidInput("A line was chosen twice.", "Choose each line once.")
        left = {line.line_no: line for line in current.lines}
        for line_no in lines:
            if line_no not in left:
                raise NotFound(f"Table {table} has no line {line_no} left to pay.", "Nothing was paid.")
        return [left[n] for n in lines]
    return list(current.lines)
