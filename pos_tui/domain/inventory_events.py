"""Events of the stock room: products retired and restored, purchase orders and their receipts,
stocktakes and the adjustments they post.

Receiving against an order and posting a stocktake move stock (the catalogue's projection follows
both kinds, as it follows a sale); their postings carry the value at cost to the vendor's payable and
to the reason's account (``expenses:shrinkage``...).
"""

from __future__ import annotations

import dataclasses
import re
from typing import ClassVar

from pos_tui.domain.events import Event, JsonValue, ReceivedLine
from pos_tui.domain.postings import INVENTORY, Posting, combine

PAYABLE_PREFIX = "liabilities:payable"


def payable_account(vendor: str) -> str:
    """The vendor's own payable: "Nestle Pakistan" -> liabilities:payable:nestle-pakistan (a name every
    export format takes as it is)."""
    slug = re.sub(r"[^a-z0-9]+", "-", vendor.lower()).strip("-")
    return f"{PAYABLE_PREFIX}:{slug or 'unnamed'}"


def order_reference(number: int) -> str:
    return f"PO-{number:06d}"


def stocktake_reference(number: int) -> str:
    return f"ST-{number:06d}"


# --- products ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ProductRetired(Event):
    """No longer sold or received; the product stays in history, reports and stock."""

    KIND: ClassVar[str] = "product.retired"
    product_id: int
    sku: str


@dataclasses.dataclass(frozen=True)
class ProductRestored(Event):
    KIND: ClassVar[str] = "product.restored"
    product_id: int
    sku: str


@dataclasses.dataclass(frozen=True)
class QuickKeySet(Event):
    """A product's place on its category's quick-key grid in the bucket (1 first); 0 takes it off."""

    KIND: ClassVar[str] = "product.quick_key_set"
    product_id: int
    sku: str
    position: int


# --- purchase orders --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class OrderLine:
    product_id: int
    quantity: int  # thousandths of the product's unit
    unit_cost: int  # minor units per unit, as agreed with the vendor


@dataclasses.dataclass(frozen=True)
class PurchaseOrderCreated(Event):
    KIND: ClassVar[str] = "purchase_order.created"
    number: int
    vendor: str
    lines: tuple[OrderLine, ...]


@dataclasses.dataclass(frozen=True)
class PurchaseOrderLineAdded(Event):
    """One more line on an open order (or more of a product already on it)."""

    KIND: ClassVar[str] = "purchase_order.line_added"
    number: int
    line: OrderLine


@dataclasses.dataclass(frozen=True)
class PurchaseOrderReceived(Event):
    """A delivery against an order, whole or in part: stock in at the delivered cost, owed to the vendor."""

    KIND: ClassVar[str] = "purchase_order.received"
    number: int
    vendor: str
    lines: tuple[ReceivedLine, ...]

    def postings(self) -> tuple[Posting, ...]:
        total = sum(line.cost for line in self.lines)
        return combine([Posting(INVENTORY, total), Posting(payable_account(self.vendor), -total)])


# --- stocktakes -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StocktakeStarted(Event):
    KIND: ClassVar[str] = "stocktake.started"
    number: int
    category: str = ""  # "" for every category
    vendor: str = ""  # "" for every vendor
    shelf: str = ""  # a shelf list's name; "" when the count is not of a list
    products: tuple[int, ...] = ()  # the shelf list's products: the count covers exactly these

    def payload(self) -> dict[str, JsonValue]:
        data = super().payload()
        if not self.shelf:
            del data["shelf"]  # a stocktake of all stock, a category or a vendor hashes as it always did
        if not self.products:
            del data["products"]
        return data


@dataclasses.dataclass(frozen=True)
class CountLine:
    """Scans of one product. ``on_hand`` is the stock the till held for it as they were recorded: the
    first count of a product fixes its start, and what was sold between its first and last count is
    not counted twice (those goods left the shelf before the counter reached them)."""

    product_id: int
    quantity: int  # thousandths, zero or more: added to what this and other tills counted before
    on_hand: int


@dataclasses.dataclass(frozen=True)
class StocktakeCounted(Event):
    KIND: ClassVar[str] = "stocktake.counted"
    number: int
    lines: tuple[CountLine, ...]


@dataclasses.dataclass(frozen=True)
class VarianceLine:
    product_id: int
    category: str
    counted: int
    expected: int  # on hand at the product's count start, less what was sold while it was counted
    quantity: int  # counted - expected: the stock adjustment
    unit_cost: int
    cost: int  # quantity x unit cost, rounded once here


@dataclasses.dataclass(frozen=True)
class StocktakePosted(Event):
    """A stocktake's variances, all at once: stock moves by each line, the value to the reason's account."""

    KIND: ClassVar[str] = "stocktake.posted"
    number: int
    reason: str
    account: str
    lines: tuple[VarianceLine, ...]

    def postings(self) -> tuple[Posting, ...]:
        total = sum(line.cost for line in self.lines)
        return combine([Posting(INVENTORY, total), Posting(self.account, -total)])


INVENTORY_EVENTS: tuple[type[Event], ...] = (
    ProductRetired,
    ProductRestored,
    QuickKeySet,
    PurchaseOrderCreated,
    PurchaseOrderLineAdded,
    PurchaseOrderReceived,
    StocktakeStarted,
    StocktakeCounted,
    StocktakePosted,
)
