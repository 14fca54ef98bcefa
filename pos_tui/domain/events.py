"""Events: every change to the store is one of these, appended to the journal.

An event is a frozen dataclass with a ``KIND``; its payload is its fields as JSON-safe values
(ints, strings, bools, None, lists, dicts: never a float). The ledger stores the payload as
canonical JSON and replays it through one ``apply`` per kind.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from pos_tui.domain.giftcards import GiftCardMove
from pos_tui.domain.permissions import Approval
from pos_tui.domain.postings import Posting

JsonValue = Any  # int | str | bool | None | list[JsonValue] | dict[str, JsonValue]


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
"""Each dataclass's field names, looked up once: a sale's payload walks a few hundred values."""


_LEAVES = frozenset((str, int, bool, type(None)))


def to_json_value(value: object) -> JsonValue:
    """A dataclass tree as plain JSON values; refuses floats so money can never pick one up."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is not None:
        # Leaves (most of a payload) are taken as they are, without a call each.
        return {name: v if type(v) in _LEAVES else to_json_value(v)
                for name in names for v in (getattr(value, name),)}
    if kind is tuple or kind is list:
        return [v if type(v) in _LEAVES else to_json_value(v) for v in value]  # type: ignore[attr-defined]
    return _other_json_value(value)


def _other_json_value(value: object) -> JsonValue:
    if isinstance(value, float):
        raise TypeError("floats are not allowed in events (money is int minor units)")
    if isinstance(value, (bool, int, str)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        _FIELD_NAMES[type(value)] = tuple(f.name for f in dataclasses.fields(value))
        return to_json_value(value)
    if isinstance(value, (list, tuple)):
        return [to_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    raise TypeError(f"cannot put {type(value).__name__} into an event")


@dataclasses.dataclass(frozen=True)
class ApiRequest:
    """The integration API's request a change came from, stored with its event so that a repeat of
    the request (same token, same Idempotency-Key) finds it and changes nothing again."""

    token_id: str
    key: str  # the Idempotency-Key header
    digest: str  # sha256 of method, path and body: the same key on another request is refused


@dataclasses.dataclass(frozen=True)
class Event:
    KIND: ClassVar[str] = ""
    # Supervisors' approvals of what the user could not do alone (a void, an override...): the
    # journal then names both people. Left out of the payload when there are none.
    approvals: tuple[Approval, ...] = dataclasses.field(default=(), kw_only=True)
    # Set on the events an API request writes; left out of the payload otherwise.
    api_request: ApiRequest | None = dataclasses.field(default=None, kw_only=True)

    def payload(self) -> dict[str, JsonValue]:
        data: dict[str, JsonValue] = to_json_value(self)
        if not self.approvals:
            del data["approvals"]
        if self.api_request is None:
            del data["api_request"]
        return data

    def postings(self) -> tuple[Posting, ...]:
        """The money legs of this event; most events move no money."""
        return ()


# --- store and people -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StoreOpened(Event):
    KIND: ClassVar[str] = "store.opened"
    store_id: str
    name: str
    currency: str
    exponent: int
    symbol: str
    timezone: str
    day_starts_at_hour: int  # business-day cut-off for stores open past midnight
    tax_id: str = ""
    address: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class UserAdded(Event):
    KIND: ClassVar[str] = "user.added"
    user_id: str
    username: str
    display_name: str
    role: str
    pin_hash: str  # scrypt; the PIN itself never leaves the login form


@dataclasses.dataclass(frozen=True)
class UserPinChanged(Event):
    KIND: ClassVar[str] = "user.pin_changed"
    username: str
    pin_hash: str


@dataclasses.dataclass(frozen=True)
class TaxClassDefined(Event):
    KIND: ClassVar[str] = "tax_class.defined"
    code: str
    name: str
    rate_bp: int


# --- catalogue and stock ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class BarcodeSpec:
    code: str
    multiplier: int = 1000  # thousandths of the product one scan stands for (a 6-pack: 6000)


@dataclasses.dataclass(frozen=True)
class ProductDetails:
    sku: str
    name: str
    category: str
    vendor: str
    unit: str  # "each", "kg", "l", ...
    price: int
    cost: int
    tax_class: str
    reorder_level: int  # thousandths
    group: str = ""  # variants/portions share a group ("T-shirt"), each with its own label
    variant: str = ""
    barcodes: tuple[BarcodeSpec, ...] = ()


@dataclasses.dataclass(frozen=True)
class ProductAdded(Event):
    KIND: ClassVar[str] = "product.added"
    product_id: int
    details: ProductDetails


@dataclasses.dataclass(frozen=True)
class ProductChanged(Event):
    """Anything about a product except its price (prices change through PriceChanged)."""

    KIND: ClassVar[str] = "product.changed"
    product_id: int
    details: ProductDetails


@dataclasses.dataclass(frozen=True)
class PriceChanged(Event):
    KIND: ClassVar[str] = "price.changed"
    product_id: int
    sku: str
    old_price: int
    new_price: int
    reason: str


@dataclasses.dataclass(frozen=True)
class ReceivedLine:
    product_id: int
    quantity: int
    unit_cost: int
    cost: int  # quantity x unit cost, rounded once here so replay never re-rounds


@dataclasses.dataclass(frozen=True)
class StockReceived(Event):
    KIND: ClassVar[str] = "stock.received"
    reference: str
    vendor: str
    lines: tuple[ReceivedLine, ...]

    def postings(self) -> tuple[Posting, ...]:
        from pos_tui.domain.postings import INVENTORY, PAYABLE, combine

        total = sum(line.cost for line in self.lines)
        return combine([Posting(INVENTORY, total), Posting(PAYABLE, -total)])


@dataclasses.dataclass(frozen=True)
class StockAdjusted(Event):
    KIND: ClassVar[str] = "stock.adjusted"
    product_id: int
    quantity: int  # thousandths; negative for a loss
    unit_cost: int
    cost: int
    reason: str
    # The reason's account from [inventory] adjustment_reasons; "" for a free-text reason (and every
    # adjustment recorded before reasons had accounts): expenses:stock-adjustments.
    account: str = ""

    def payload(self) -> dict[str, JsonValue]:
        data = super().payload()
        if not self.account:
            del data["account"]  # an adjustment without a listed reason hashes as it always did
        return data

    def postings(self) -> tuple[Posting, ...]:
        from pos_tui.domain.postings import INVENTORY, STOCK_ADJUSTMENTS, combine

        return combine([Posting(INVENTORY, self.cost), Posting(self.account or STOCK_ADJUSTMENTS, -self.cost)])


# --- selling ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SoldLine:
    line_no: int
    product_id: int
    sku: str
    name: str
    unit: str
    quantity: int
    unit_price: int
    list_price: int
    price_source: str
    line_discount: int
    cart_discount: int
    net: int
    tax: int
    gross: int
    tax_class: str
    tax_rate_bp: int
    unit_cost: int
    cost: int
    barcode: str


@dataclasses.dataclass(frozen=True)
class SoldBatch:
    """What a GS1 label said about a sold line's goods: its lot and dates (ISO, "" when absent)."""

    line_no: int
    lot: str
    best_before: str
    expiry: str


@dataclasses.dataclass(frozen=True)
class TenderLine:
    method: str
    amount: int


@dataclasses.dataclass(frozen=True)
class LinePoints:
    line_no: int
    points: int


@dataclasses.dataclass(frozen=True)
class SaleCustomer:
    """The customer of a sale (by id: never a personal field), the points its lines earned and what its
    points and store-credit tenders took from the balances (``domain/customer_events.py`` has the rest)."""

    customer_id: int
    lines: tuple[LinePoints, ...]
    points_earned: int
    earned_value: int  # the liability the earned points stand for: posted in the sale's own postings
    points_redeemed: int
    redeemed_value: int  # the sale's points tender
    credit_redeemed: int  # the sale's store-credit tender


@dataclasses.dataclass(frozen=True)
class SaleCompleted(Event):
    KIND: ClassVar[str] = "sale.completed"
    terminal: str
    number: int
    lines: tuple[SoldLine, ...]
    tenders: tuple[TenderLine, ...]
    subtotal: int
    discount_total: int
    tax_total: int
    total: int
    rounding: int
    change: int
    cost_total: int
    posted: tuple[Posting, ...]
    batches: tuple[SoldBatch, ...] = ()  # lines scanned from GS1 labels with a lot or a date
    # Gift cards sold or reloaded (paid for on top of ``total``: a liability, not a sale) and paid with.
    gift_cards: tuple[GiftCardMove, ...] = ()

    @property
    def gift_card_loads(self) -> int:
        return sum(m.amount for m in self.gift_cards if m.kind in ("sold", "reloaded"))
    customer: SaleCustomer | None = None  # a customer attached at the till

    def payload(self) -> dict[str, JsonValue]:
        data = super().payload()
        if not self.batches:
            del data["batches"]  # a sale without GS1 labels hashes as it always did
        if not self.gift_cards:
            del data["gift_cards"]  # so does a sale without gift cards
        if self.customer is None:
            del data["customer"]  # and one without a customer too
        return data

    def postings(self) -> tuple[Posting, ...]:
        return self.posted


@dataclasses.dataclass(frozen=True)
class ReturnedLine:
    sale_line_no: int  # 0 for a return without a receipt
    product_id: int
    quantity: int
    net: int
    tax: int
    gross: int
    tax_class: str
    cost: int
    restock: bool


@dataclasses.dataclass(frozen=True)
class SaleReturned(Event):
    """Goods coming back: a partial or full return, or (``is_void``) the void of a whole sale."""

    KIND: ClassVar[str] = "sale.returned"
    terminal: str
    number: int  # gapless return number per terminal
    sale_terminal: str  # "" for a return without a receipt
    sale_number: int  # 0 for a return without a receipt
    reason: str
    is_void: bool
    lines: tuple[ReturnedLine, ...]
    refunds: tuple[TenderLine, ...]  # how the money went back (a void: the original tenders)
    refund_total: int  # sum of the lines' gross
    rounding: int  # refunds - refund_total (cash rounding of the refund)
    posted: tuple[Posting, ...]
    gift_cards: tuple[GiftCardMove, ...] = ()  # the refund put onto a gift card

    def payload(self) -> dict[str, JsonValue]:
        data = super().payload()
        if not self.gift_cards:
            del data["gift_cards"]  # a return without gift cards hashes as it always did
        return data

    def postings(self) -> tuple[Posting, ...]:
        return self.posted


@dataclasses.dataclass(frozen=True)
class CartParked(Event):
    KIND: ClassVar[str] = "cart.parked"
    cart_id: str
    name: str
    terminal: str
    cart: dict[str, JsonValue]


@dataclasses.dataclass(frozen=True)
class CartResumed(Event):
    """A parked cart taken back to the counter (or thrown away: ``discarded``)."""

    KIND: ClassVar[str] = "cart.resumed"
    cart_id: str
    discarded: bool = False


@dataclasses.dataclass(frozen=True)
class CartAbandoned(Event):
    """A cart with lines thrown away unsold (the cashier quit the till and chose to discard it): kept in
    the journal with its lines, so the audit shows what was rung up and never paid for. No money or
    stock moved, so no table follows it."""

    KIND: ClassVar[str] = "cart.abandoned"
    AUDITED: ClassVar[bool] = True
    terminal: str
    why: str  # what threw it away: "quit"
    total: int  # what the cart came to, priced as the screen showed it
    cart: dict[str, JsonValue]


# The events of the catalogue, stock, sales and people; other areas keep theirs in their own
# modules, and ``event_kinds.EVENT_KINDS`` gathers them all.
CORE_EVENTS: tuple[type[Event], ...] = (
    StoreOpened,
    UserAdded,
    UserPinChanged,
    TaxClassDefined,
    ProductAdded,
    ProductChanged,
    PriceChanged,
    StockReceived,
    StockAdjusted,
    SaleCompleted,
    SaleReturned,
    CartParked,
    CartResumed,
    CartAbandoned,
)
