"""Purchase orders: made by hand or from the reorder report's suggestions for a vendor, exported as
CSV, and received against by scanning the delivery, whole or in parts.

Receiving posts the stock and the vendor's payable at the delivered cost; the catalogue's projection
then moves each product's average cost (the cost method is moving average: see the README).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.domain.errors import InvalidAmount, InvalidInput, NotFound
from pos_tui.domain.events import ReceivedLine
from pos_tui.domain.inventory_events import (
    OrderLine,
    PurchaseOrderCreated,
    PurchaseOrderLineAdded,
    PurchaseOrderReceived,
    order_reference,
)
from pos_tui.domain.money import check_amount, extend, format_quantity
from pos_tui.domain.permissions import Action, Approval
from pos_tui.domain.scan import parse_quantity
from pos_tui.services.catalog import products
from pos_tui.services.inventory.scanning import scanned
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session


@dataclass(frozen=True)
class OrderLineView:
    product_id: int
    sku: str
    name: str
    unit: str
    ordered: int
    received: int
    unit_cost: int
    received_cost: int

    @property
    def outstanding(self) -> int:
        """Still to come (thousandths); never below zero, as more than ordered is refused."""
        return self.ordered - self.received


@dataclass(frozen=True)
class PurchaseOrder:
    number: int
    vendor: str
    lines: tuple[OrderLineView, ...]

    @property
    def reference(self) -> str:
        return order_reference(self.number)

    @property
    def status(self) -> str:
        if all(line.received == 0 for line in self.lines):
            return "open"
        return "received" if all(line.outstanding == 0 for line in self.lines) else "part received"

    @property
    def total_cost(self) -> int:
        return sum(extend(line.ordered, line.unit_cost) for line in self.lines)


def order_number(text: str) -> int:
    """"PO-000042", "po-42" or "42" -> 42."""
    match = re.fullmatch(r"(?:po-?)?0*(\d{1,9})", text.strip().lower())
    if match is None or int(match.group(1)) == 0:
        raise InvalidInput(f"{text.strip()!r} is not a purchase order number.", "Write it as on the order: PO-000042.")
    return int(match.group(1))


def parse_order_line(session: Session, text: str) -> tuple[str, int, int | None]:
    """"CODE:QTY" or "CODE:QTY@COST" -> (code, thousandths, unit cost or None for the product's cost)."""
    code, colon, rest = text.rpartition(":")
    if not colon or not code.strip():
        raise InvalidInput(f"{text!r} is not an order line.", "Write CODE:QTY or CODE:QTY@COST, e.g. TEA-200:24@380.")
    quantity, at, cost = rest.partition("@")
    return code.strip(), parse_quantity(quantity), session.currency.parse(cost) if at else None


def get_order(session: Session, number: int) -> PurchaseOrder:
    conn = session.ledger.conn
    row = conn.execute("SELECT vendor FROM purchase_orders WHERE number = ?", (number,)).fetchone()
    if row is None:
        raise NotFound(f"There is no purchase order {order_reference(number)}.",
                       "`pos po list` shows the orders; `pos po create` makes one.")
    lines = conn.execute(
        "SELECT l.product_id, p.sku, p.name, p.unit, l.ordered, l.received, l.unit_cost, l.received_cost"
        " FROM purchase_order_lines l JOIN products p USING (product_id) WHERE l.number = ? ORDER BY p.sku",
        (number,),
    )
    return PurchaseOrder(number, row[0], tuple(OrderLineView(*line) for line in lines))


def list_orders(session: Session, *, limit: int = 50) -> list[PurchaseOrder]:
    rows = session.ledger.conn.execute("SELECT number FROM purchase_orders ORDER BY number DESC LIMIT ?", (limit,))
    return [get_order(session, number) for (number,) in rows.fetchall()]


def _line(product: products.Product, quantity: int, unit_cost: int | None) -> OrderLine:
    products.refuse_retired(product, "ordered")
    if quantity <= 0:
        raise InvalidAmount(f"The quantity of {product.sku} must be above zero.", "Nothing was ordered.")
    cost = product.cost if unit_cost is None else unit_cost
    check_amount(cost)
    if cost < 0:
        raise InvalidAmount(f"The cost of {product.sku} cannot be negative.", "Nothing was ordered.")
    return OrderLine(product.product_id, quantity, cost)


def reorder_suggestions(session: Session, vendor: str) -> list[tuple[products.Product, int]]:
    """The reorder report's suggestions for ``vendor``: each product below its reorder level, and how much."""
    from pos_tui.services.cash.daybook import today
    from pos_tui.services.reports.model import ReportQuery
    from pos_tui.services.reports.stock import reorder

    day = today(session)
    report = reorder(session, ReportQuery(first=day, last=day, vendor=vendor, limit=0))
    wanted = []
    for row in report.rows:
        product = products.show_product(session, str(row[2]))
        if not product.retired and int(row[7] or 0) > 0:
            wanted.append((product, int(row[7] or 0)))
    return wanted


def create_order(
    session: Session,
    vendor: str,
    lines: Sequence[tuple[str, int, int | None]] = (),
    *,
    from_reorder: bool = False,
    approval: Approval | None = None,
) -> int:
    """A new order for ``vendor``: ``(code, quantity, unit cost or None for the product's cost)`` lines, and
    with ``from_reorder`` the reorder report's suggestions for that vendor. Returns its number."""
    if not vendor.strip():
        raise InvalidInput("A purchase order needs a vendor.", "Give --vendor, e.g. --vendor Nestle.")
    approvals = authz.require(session, Action.STOCK_RECEIVE, approval)
    with session.ledger.write() as conn:
        ordered: dict[int, OrderLine] = {}
        wanted = [(products.show_product(session, code), quantity, cost) for code, quantity, cost in lines]
        if from_reorder:
            wanted += [(product, quantity, None) for product, quantity in reorder_suggestions(session, vendor)]
        for product, quantity, cost in wanted:
            line = _line(product, quantity, cost)
            before = ordered.get(line.product_id)
            ordered[line.product_id] = line if before is None else OrderLine(
                line.product_id, before.quantity + line.quantity, line.unit_cost)
        if not ordered:
            hint = ("Nothing of theirs is below its reorder level; add lines with `pos po add-line`."
                    if from_reorder else "Add lines with --line CODE:QTY or make it --from-reorder.")
            raise InvalidInput(f"The order for {vendor.strip()} would have no lines.", hint)
        (number,) = conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM purchase_orders").fetchone()
        session.record(PurchaseOrderCreated(number, vendor.strip(), tuple(ordered.values()), approvals=approvals))
    return int(number)


def add_line(
    session: Session, number: int, code: str, quantity: int, unit_cost: int | None = None, *,
    approval: Approval | None = None,
) -> None:
    approvals = authz.require(session, Action.STOCK_RECEIVE, approval)
    with session.ledger.write():
        get_order(session, number)
        line = _line(products.show_product(session, code), quantity, unit_cost)
        session.record(PurchaseOrderLineAdded(number, line, approvals=approvals))


@dataclass(frozen=True)
class Delivery:
    """What one receipt brought: by product, with what is still outstanding on the order after it."""

    order: PurchaseOrder
    received: tuple[ReceivedLine, ...]
    seq: int

    def short(self) -> list[OrderLineView]:
        return [line for line in self.order.lines if line.outstanding > 0]


def receive(
    session: Session,
    number: int,
    scans: Sequence[str],
    *,
    costs: Mapping[str, int] | None = None,
    approval: Approval | None = None,
) -> Delivery:
    """Receive against an order by scan (each scan one; a pack's code the pack; "12*CODE" twelve); ``costs``
    (code -> unit cost) where the delivery note's cost differs from the order's. More than ordered, a
    product not on the order or retired since: refused, nothing received."""
    if not scans:
        raise InvalidInput("Nothing was scanned.", "Scan each delivered item with --scan CODE.")
    approvals = authz.require(session, Action.STOCK_RECEIVE, approval)
    with session.ledger.write():
        order = get_order(session, number)
        on_order = {line.product_id: line for line in order.lines}
        counted: dict[int, int] = {}
        for text in scans:
            product, quantity = scanned(session, text, what="received")
            if product.product_id not in on_order:
                raise InvalidInput(f"{product.display_name} ({product.sku}) is not on {order.reference}.",
                                   "Nothing was received; add it with `pos po add-line`, or set it aside.")
            counted[product.product_id] = counted.get(product.product_id, 0) + quantity
        delivered_cost: dict[int, int] = {}
        for code, cost in (costs or {}).items():
            product = products.show_product(session, code)
            check_amount(cost)
            if cost < 0 or product.product_id not in counted:
                raise InvalidAmount(f"The cost given for {code} is below zero or for an item not delivered.",
                                    "Nothing was received; give --cost only for scanned items, zero or more.")
            delivered_cost[product.product_id] = cost
        lines = []
        for product_id, quantity in counted.items():
            line = on_order[product_id]
            if line.received + quantity > line.ordered:
                raise InvalidInput(
                    f"{line.name} ({line.sku}): {format_quantity(line.received + quantity)} {line.unit} would be"
                    f" received against {format_quantity(line.ordered)} ordered on {order.reference}"
                    f" ({format_quantity(line.received + quantity - line.ordered)} over).",
                    "Nothing was received; set the extra aside, or add it to the order with `pos po add-line` first.")
            unit_cost = delivered_cost.get(product_id, line.unit_cost)
            lines.append(ReceivedLine(product_id, quantity, unit_cost, extend(quantity, unit_cost)))
        entry = session.record(PurchaseOrderReceived(number, order.vendor, tuple(lines), approvals=approvals))
        return Delivery(get_order(session, number), tuple(lines), entry.seq)
