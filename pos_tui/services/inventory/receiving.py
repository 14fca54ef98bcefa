"""A delivery being received at the till, before it is posted: each scan counts against its line on the
order (one piece, a pack's code the pack, "12*" typed first twelve), and over- and under-deliveries
show as they happen. Nothing is written until `post`, which is `orders.receive` with the scans: one
event, the stock and the vendor's payable, or a refusal and nothing changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.permissions import Approval
from pos_tui.services.inventory import orders
from pos_tui.services.inventory.scanning import scanned

if TYPE_CHECKING:
    from pos_tui.services.session import Session


@dataclass(frozen=True)
class ReceivingLine:
    """An order line as this delivery leaves it: received before, scanned now, and what that makes."""

    line: orders.OrderLineView
    now: int
    unit_cost: int  # the delivery note's, where it differs from the order's

    @property
    def cost_changed(self) -> bool:
        return self.unit_cost != self.line.unit_cost

    @property
    def after(self) -> int:
        return self.line.received + self.now

    @property
    def over(self) -> int:
        return max(0, self.after - self.line.ordered)

    @property
    def short(self) -> int:
        return max(0, self.line.ordered - self.after)


@dataclass(frozen=True)
class Scan:
    text: str
    product_id: int
    quantity: int


class Receiving:
    """The scans of one delivery against ``order``, kept in memory until posted."""

    def __init__(self, order: orders.PurchaseOrder) -> None:
        self.order = order
        self.scans: list[Scan] = []
        self.now: dict[int, int] = {}
        self.costs: dict[int, int] = {}  # product -> the delivery note's unit cost, where it differs
        self.row_of = {line.product_id: row for row, line in enumerate(order.lines)}
        self.over_rows: set[int] = set()  # kept as scans come, so a scan costs the same on a 1,000-line order

    def scan(self, session: Session, text: str) -> int:
        """Count a scan against its line; returns the line's row. A product not on the order, retired,
        or unknown: refused (a `PosError`), nothing counted."""
        product, quantity = scanned(session, text, what="received")
        row = self.row_of.get(product.product_id)
        if row is None:
            raise InvalidInput(f"{product.display_name} ({product.sku}) is not on {self.order.reference}.",
                               "Not counted: set it aside, or add it to the order first.")
        self.scans.append(Scan(text.strip(), product.product_id, quantity))
        self.now[product.product_id] = self.now.get(product.product_id, 0) + quantity
        self._note_over(row)
        return row

    def take_back(self) -> int | None:
        """Undo the last scan; returns its row (None: nothing scanned)."""
        if not self.scans:
            return None
        last = self.scans.pop()
        self.now[last.product_id] -= last.quantity
        self._note_over(self.row_of[last.product_id])
        return self.row_of[last.product_id]

    def set_cost(self, row: int, unit_cost: int) -> None:
        """The delivery note's unit cost for a line (checked when posted: zero or more, and delivered)."""
        line = self.order.lines[row]
        if unit_cost == line.unit_cost:
            self.costs.pop(line.product_id, None)
        else:
            self.costs[line.product_id] = unit_cost

    def line(self, row: int) -> ReceivingLine:
        line = self.order.lines[row]
        return ReceivingLine(line, self.now.get(line.product_id, 0), self.costs.get(line.product_id, line.unit_cost))

    def lines(self) -> list[ReceivingLine]:
        return [self.line(row) for row in range(len(self.order.lines))]

    def _note_over(self, row: int) -> None:
        if self.line(row).over:
            self.over_rows.add(row)
        else:
            self.over_rows.discard(row)

    def over(self) -> list[ReceivingLine]:
        return [self.line(row) for row in sorted(self.over_rows)]

    def post(self, session: Session, approval: Approval | None = None) -> orders.Delivery:
        """Receive what was scanned: one event (stock and the vendor's payable), or refused, nothing changed."""
        skus = {line.product_id: line.sku for line in self.order.lines}
        costs = {skus[product_id]: cost for product_id, cost in self.costs.items() if self.now.get(product_id)}
        return orders.receive(session, self.order.number, [scan.text for scan in self.scans], costs=costs,
                              approval=approval)
