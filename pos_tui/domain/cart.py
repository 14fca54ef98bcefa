"""The cart: lines, discounts and price overrides, and the pricing of it all.

A cart is an immutable value; every edit returns a new cart, so a screen can keep history and a
parked cart is just a value to store. ``price_cart`` is the one place a cart becomes amounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from pos_tui.domain.errors import InvalidAmount, InvalidInput
from pos_tui.domain.giftcards import GiftCardMove
from pos_tui.domain.money import Currency, Rounding, allocate, check_amount, extend, percent_of
from pos_tui.domain.permissions import Approval
from pos_tui.domain.tax import TaxPolicy, tax_lines

# Quantities are thousandths of the product's unit; above this a quantity is a slip of the finger.
MAX_QUANTITY = 9_999_000
PriceSource = Literal["catalog", "override", "barcode", "open"]  # open: an open item's typed price


@dataclass(frozen=True)
class Discount:
    """A discount by amount (minor units) or by percent (basis points)."""

    kind: Literal["amount", "percent"]
    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise InvalidAmount("A discount cannot be negative.", "Enter the discount as a positive amount.")
        if self.kind == "percent" and self.value > 10_000:
            raise InvalidAmount("A discount cannot be more than 100%.", "Enter a percentage up to 100.")

    def amount_of(self, base: int, mode: Rounding) -> int:
        wanted = self.value if self.kind == "amount" else percent_of(base, self.value, mode)
        return max(0, min(base, wanted))


@dataclass(frozen=True)
class CartLine:
    product_id: int
    sku: str
    name: str
    unit: str  # "each", "kg", ...
    quantity: int  # thousandths of the unit
    unit_price: int  # what is charged per whole unit
    list_price: int  # the catalogue price when the line was added
    tax_class: str
    tax_rate_bp: int
    unit_cost: int
    price_source: PriceSource = "catalog"
    discount: Discount | None = None
    barcode: str = ""

    @property
    def sold_by_piece(self) -> bool:
        return self.unit == "each"


def check_quantity(quantity: int, *, by_piece: bool) -> int:
    if quantity <= 0:
        raise InvalidAmount("The quantity must be more than zero.", "To take an item off, void its line.")
    if quantity > MAX_QUANTITY:
        raise InvalidAmount(
            f"A quantity of {quantity // 1000} is more than the till accepts.",
            "Check the quantity and try again.",
        )
    if by_piece and quantity % 1000:
        raise InvalidAmount(
            "This item is sold by the piece; the quantity must be a whole number.",
            "Type a whole quantity, e.g. 3*.",
        )
    return quantity


@dataclass(frozen=True)
class Cart:
    lines: tuple[CartLine, ...] = ()
    discount: Discount | None = None
    # Supervisors' approvals given while building this sale (a void, an override); they go into the
    # sale's event, so the journal names both people.
    approvals: tuple[Approval, ...] = ()
    # Gift cards sold or reloaded in this sale: not goods (no tax, no stock), a promise paid for.
    gift_cards: tuple[GiftCardMove, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.lines and not self.gift_cards

    def with_gift_card(self, move: GiftCardMove) -> Cart:
        if any(m.number == move.number for m in self.gift_cards):
            raise InvalidInput("That gift card is already in the cart.", "Take it off first to change its amount.")
        return replace(self, gift_cards=(*self.gift_cards, move))

    def without_gift_card(self, index: int) -> Cart:
        if not 0 <= index < len(self.gift_cards):
            raise InvalidInput(f"There is no gift card {index + 1} in the cart.", "Pick a card from the list.")
        return replace(self, gift_cards=self.gift_cards[:index] + self.gift_cards[index + 1 :])

    def with_approval(self, approval: Approval) -> Cart:
        return replace(self, approvals=(*self.approvals, approval))

    def add(self, line: CartLine) -> Cart:
        """Add a line; the same piece item at the same price merges into one line."""
        check_quantity(line.quantity, by_piece=line.sold_by_piece)
        check_amount(line.unit_price)
        for index, existing in enumerate(self.lines):
            if (
                existing.sold_by_piece
                and existing.product_id == line.product_id
                and existing.unit_price == line.unit_price
                and existing.price_source == line.price_source
                and existing.discount is None
                and line.discount is None
            ):
                return self.with_quantity(index, existing.quantity + line.quantity)
        return replace(self, lines=(*self.lines, line))

    def _line(self, index: int) -> CartLine:
        if not 0 <= index < len(self.lines):
            raise InvalidInput(f"There is no line {index + 1} in the cart.", "Pick a line from the list.")
        return self.lines[index]

    def _with_line(self, index: int, line: CartLine) -> Cart:
        lines = list(self.lines)
        lines[index] = line
        return replace(self, lines=tuple(lines))

    def with_quantity(self, index: int, quantity: int) -> Cart:
        line = self._line(index)
        check_quantity(quantity, by_piece=line.sold_by_piece)
        return self._with_line(index, replace(line, quantity=quantity))

    def with_price(self, index: int, unit_price: int) -> Cart:
        """A price override: kept on the line and marked as such on the receipt and in the journal."""
        line = self._line(index)
        if unit_price < 0:
            raise InvalidAmount("A price cannot be negative.", "Type the new price as a positive amount.")
        check_amount(unit_price)
        return self._with_line(index, replace(line, unit_price=unit_price, price_source="override"))

    def with_line_discount(self, index: int, discount: Discount | None) -> Cart:
        return self._with_line(index, replace(self._line(index), discount=discount))

    def with_discount(self, discount: Discount | None) -> Cart:
        return replace(self, discount=discount)

    def without_line(self, index: int) -> Cart:
        self._line(index)
        return replace(self, lines=self.lines[:index] + self.lines[index + 1 :])


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    extended: int  # quantity x unit price
    line_discount: int
    cart_discount: int  # this line's share of the cart discount
    net: int
    tax: int
    gross: int
    cost: int  # quantity x unit cost

    @property
    def discount(self) -> int:
        return self.line_discount + self.cart_discount

    @property
    def amount(self) -> int:
        """What the line adds to the bill (gross when prices include tax, else net)."""
        return self.extended - self.discount


@dataclass(frozen=True)
class TaxBucket:
    tax_class: str
    rate_bp: int
    net: int
    tax: int


@dataclass(frozen=True)
class PricedCart:
    lines: tuple[PricedLine, ...]
    subtotal: int  # before discounts
    discount_total: int
    net_total: int
    tax_total: int
    total: int  # what the customer owes, before cash rounding
    cost_total: int
    taxes: tuple[TaxBucket, ...]
    approvals: tuple[Approval, ...] = ()  # the cart's, carried to the sale event
    gift_cards: tuple[GiftCardMove, ...] = ()  # cards sold or reloaded, paid on top of ``total``

    @property
    def gift_card_total(self) -> int:
        return sum(m.amount for m in self.gift_cards)

    @property
    def due(self) -> int:
        """What the customer pays: the goods' total and the gift cards loaded."""
        return self.total + self.gift_card_total

    @property
    def item_count(self) -> int:
        return count_items((p.line.unit, p.line.quantity) for p in self.lines)


def count_items(lines: Iterable[tuple[str, int]]) -> int:
    """Items on a receipt: pieces for piece items, one per weighed line."""
    return sum(quantity // 1000 if unit == "each" else 1 for unit, quantity in lines)


def price_cart(cart: Cart, policy: TaxPolicy) -> PricedCart:
    """The cart's amounts under ``policy``. A cart and a policy never change, so the pricing is kept on
    the cart: the till prices it to show it, and the sale (and each repaint) takes the same figures."""
    kept = cart.__dict__.get("_priced")
    if kept is not None and kept[0] is policy:
        priced: PricedCart = kept[1]
        return priced
    priced = _price_cart(cart, policy)
    object.__setattr__(cart, "_priced", (policy, priced))  # a cache beside the fields, not one of them
    return priced


def _price_cart(cart: Cart, policy: TaxPolicy) -> PricedCart:
    mode = policy.rounding
    extended = [extend(line.quantity, line.unit_price, mode) for line in cart.lines]
    line_discounts = [
        line.discount.amount_of(ext, mode) if line.discount else 0
        for line, ext in zip(cart.lines, extended, strict=True)
    ]
    after_line = [e - d for e, d in zip(extended, line_discounts, strict=True)]
    base = sum(after_line)
    cart_discount = cart.discount.amount_of(base, mode) if cart.discount else 0
    cart_shares = allocate(cart_discount, after_line) if cart.lines else []
    amounts = [a - s for a, s in zip(after_line, cart_shares, strict=True)]
    taxed = tax_lines([(a, line.tax_rate_bp) for a, line in zip(amounts, cart.lines, strict=True)], policy)
    priced = tuple(
        PricedLine(
            line=line,
            extended=ext,
            line_discount=ld,
            cart_discount=cd,
            net=t.net,
            tax=t.tax,
            gross=t.gross,
            cost=extend(line.quantity, line.unit_cost, mode),
        )
        for line, ext, ld, cd, t in zip(cart.lines, extended, line_discounts, cart_shares, taxed, strict=True)
    )
    buckets: dict[tuple[str, int], tuple[int, int]] = {}
    for p in priced:
        key = (p.line.tax_class, p.line.tax_rate_bp)
        net, tax = buckets.get(key, (0, 0))
        buckets[key] = (net + p.net, tax + p.tax)
    return PricedCart(
        lines=priced,
        subtotal=sum(extended),
        discount_total=sum(p.discount for p in priced),
        net_total=sum(p.net for p in priced),
        tax_total=sum(p.tax for p in priced),
        total=sum(p.gross for p in priced),
        cost_total=sum(p.cost for p in priced),
        taxes=tuple(TaxBucket(c, r, n, t) for (c, r), (n, t) in sorted(buckets.items())),
        approvals=cart.approvals,
        gift_cards=cart.gift_cards,
    )


def _after_line_discount(line: CartLine, mode: Rounding) -> int:
    extended = extend(line.quantity, line.unit_price, mode)
    return extended - (line.discount.amount_of(extended, mode) if line.discount else 0)


def discount_within(cart: Cart, index: int | None, currency: Currency, mode: Rounding) -> Cart:
    """``cart`` as it is, when the discount of line ``index`` (None: the cart's discount) is no larger
    than what it applies to: the line, or the cart after its line discounts. Otherwise InvalidAmount
    naming the largest discount allowed. ``price_cart`` caps a larger one, which after a supervisor
    approved it made an item free without a word; a screen checks here before it asks for approval."""
    if index is None:
        discount, what = cart.discount, "the cart"
        base = sum(_after_line_discount(line, mode) for line in cart.lines)
        after = " after line discounts" if any(line.discount for line in cart.lines) else ""
    else:
        line = cart._line(index)
        discount, what, after = line.discount, f"line {index + 1}", ""
        base = extend(line.quantity, line.unit_price, mode)
    if discount is None or discount.kind != "amount" or discount.value <= base:
        return cart
    largest = currency.format(base)
    raise InvalidAmount(
        f"A discount of {currency.format(discount.value)} is more than {what} ({largest}{after}).",
        f"The largest discount {what} allows is {largest}; type that or less.",
    )


def cart_to_json(cart: Cart) -> dict[str, object]:
    """A cart as plain JSON values (parking it in the journal)."""
    from pos_tui.domain.events import to_json_value

    data: dict[str, object] = to_json_value(cart)
    if not cart.approvals:
        del data["approvals"]  # parked carts without approvals keep the shape they always had
    if not cart.gift_cards:
        del data["gift_cards"]  # and so do those without gift cards
    return data


def _discount_from_json(data: object) -> Discount | None:
    if not isinstance(data, dict):
        return None
    return Discount(kind=data["kind"], value=int(data["value"]))


def cart_from_json(data: dict[str, object]) -> Cart:
    lines, approvals, cards = data.get("lines"), data.get("approvals", []), data.get("gift_cards", [])
    assert isinstance(lines, list) and isinstance(approvals, list) and isinstance(cards, list)
    return Cart(
        lines=tuple(
            CartLine(**{**line, "discount": _discount_from_json(line.get("discount"))}) for line in lines
        ),
        discount=_discount_from_json(data.get("discount")),
        approvals=tuple(Approval(**approval) for approval in approvals),
        gift_cards=tuple(GiftCardMove(**card) for card in cards),
    )
