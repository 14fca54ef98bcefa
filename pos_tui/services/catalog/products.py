"""The catalogue: products, barcodes, prices and stock, and turning a scan into a cart line."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pos_tui.domain.barcode import normalize_gtin
from pos_tui.domain.cart import CartLine, check_quantity
from pos_tui.domain.errors import (
    BarcodeError,
    InvalidAmount,
    InvalidInput,
    NotFound,
    RuleViolation,
    UnknownBarcode,
)
from pos_tui.domain.events import (
    PriceChanged,
    ProductAdded,
    ProductChanged,
    ProductDetails,
    ReceivedLine,
    StockAdjusted,
    StockReceived,
)
from pos_tui.domain.money import check_amount, extend
from pos_tui.domain.permissions import Action, Approval
from pos_tui.domain.scan import parse_scan
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session

UNITS = ("each", "kg", "g", "l", "m")


@dataclass(frozen=True)
class Product:
    product_id: int
    sku: str
    name: str
    group: str
    variant: str
    category: str
    vendor: str
    unit: str
    price: int
    cost: int
    tax_class: str
    tax_rate_bp: int
    reorder_level: int
    on_hand: int
    retired: bool = False  # no longer sold or received (`pos product retire`); kept for history

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.variant})" if self.variant else self.name


_PRODUCT_COLUMNS = (
    "p.product_id, p.sku, p.name, p.grp, p.variant, p.category, p.vendor, p.unit, p.price, p.cost, p.tax_class,"
    " t.rate_bp, p.reorder_level, s.on_hand, p.retired"
)
_PRODUCT_FROM = (
    " FROM products p JOIN tax_classes t ON t.code = p.tax_class JOIN stock s ON s.product_id = p.product_id"
)


def _product(row: Sequence[object] | None) -> Product | None:
    return None if row is None else Product(*row)  # type: ignore[arg-type]


def get_product(session: Session, product_id: int) -> Product:
    row = session.ledger.conn.execute(
        f"SELECT {_PRODUCT_COLUMNS}{_PRODUCT_FROM} WHERE p.product_id = ?", (product_id,)
    ).fetchone()
    product = _product(row)
    if product is None:
        raise NotFound(f"There is no product {product_id}.", "Search by name or scan its barcode.")
    return product


def categories_of(session: Session, product_ids: Iterable[int]) -> dict[int, str]:
    """Each product's category, in one read (loyalty multipliers go by category)."""
    ids = list(product_ids)
    marks = ", ".join("?" * len(ids))
    return dict(session.ledger.conn.execute(
        f"SELECT product_id, category FROM products WHERE product_id IN ({marks})", ids).fetchall())


def product_barcodes(session: Session, product_id: int) -> list[tuple[str, int]]:
    rows = session.ledger.conn.execute(
        "SELECT code, multiplier FROM barcodes WHERE product_id = ? ORDER BY code", (product_id,)
    )
    return [(code, multiplier) for code, multiplier in rows]


def find_by_code(session: Session, code: str) -> tuple[Product, int] | None:
    """A product and the multiplier of the barcode that names it, by barcode key or SKU."""
    conn = session.ledger.conn
    row = conn.execute(
        f"SELECT {_PRODUCT_COLUMNS}, b.multiplier{_PRODUCT_FROM} JOIN barcodes b ON b.product_id = p.product_id"
        " WHERE b.code = ?",
        (code,),
    ).fetchone()
    if row is not None:
        return Product(*row[:-1]), row[-1]
    row = conn.execute(f"SELECT {_PRODUCT_COLUMNS}{_PRODUCT_FROM} WHERE p.sku = ?", (code,)).fetchone()
    product = _product(row)
    return None if product is None else (product, 1000)


def show_product(session: Session, code: str) -> Product:
    """Look a product up by what a person has in hand: a barcode in any GTIN form, or its SKU."""
    found = find_by_code(session, code.strip())
    if found is None and code.strip().isdigit():
        eight_digit = session.settings.barcodes.eight_digit
        try:
            found = find_by_code(session, normalize_gtin(code.strip(), eight_digit=eight_digit))
        except BarcodeError:
            found = None
    if found is None:
        raise UnknownBarcode(f"No product has the code {code.strip()!r}.", "Search by name: `pos product search`.")
    return found[0]


def refuse_retired(product: Product, what: str) -> None:
    if product.retired:
        raise InvalidInput(f"{product.display_name} ({product.sku}) is retired and cannot be {what}.",
                           f"Restore it first: `pos product restore {product.sku}`.")


def _refuse_past_date(session: Session, product: Product, use_by: str, approval: Approval | None) -> None:
    from pos_tui.ledger.journal import business_day

    info = session.ledger.store_info()
    if use_by >= business_day(session.clock(), info.timezone, info.day_starts_at_hour):
        return
    if session.settings.inventory.expired_sale == "refuse":
        raise RuleViolation(f"{product.display_name} is past its date ({use_by}) and cannot be sold.",
                            "Nothing was added; take it off the shelf and write it off as expired.")
    authz.require(session, Action.SELL_EXPIRED, approval)


def line_for(product: Product, quantity: int, *, barcode: str = "", price: int | None = None) -> CartLine:
    return CartLine(
        product_id=product.product_id,
        sku=product.sku,
        name=product.display_name,
        unit=product.unit,
        quantity=quantity,
        unit_price=product.price if price is None else price,
        list_price=product.price,
        tax_class=product.tax_class,
        tax_rate_bp=product.tax_rate_bp,
        unit_cost=product.cost,
        price_source="catalog" if price is None else "barcode",
        barcode=barcode,
    )


def resolve_scan(session: Session, text: str, *, approval: Approval | None = None) -> CartLine:
    """What the counter does with a scan or typed code: a cart line, or an error saying why not. A GS1
    label past its date is refused, or needs ``sell_expired`` ([inventory] expired_sale)."""
    settings = session.settings.barcodes
    request = parse_scan(text, layouts=session.instore_layouts, eight_digit=settings.eight_digit,
                         exponent=session.currency.exponent)
    found = find_by_code(session, request.lookup_code)
    if found is None:
        raise UnknownBarcode(
            f"No product has the barcode {request.lookup_code}.", "Nothing was added; search by name or set it aside."
        )
    product, multiplier = found
    refuse_retired(product, "sold")
    if request.use_by:
        _refuse_past_date(session, product, request.use_by, approval)
    if request.embedded_price is not None:
        # A price label: one pack at the printed price (an N* prefix for identical packs). The pack is
        # sold by the piece whatever the product's unit: the label's price is what the customer pays.
        packs = request.quantity or 1000
        check_quantity(packs, by_piece=True)
        line = line_for(product, packs, barcode=request.raw.strip(), price=request.embedded_price)
        return replace(line, unit="each")
    quantity = request.embedded_quantity or request.quantity or 1000
    if multiplier != 1000:
        quantity = extend(quantity, multiplier)
    check_quantity(quantity, by_piece=product.unit == "each")
    return line_for(product, quantity, barcode=request.raw.strip())


@dataclass(frozen=True)
class SearchHit:
    product_id: int
    sku: str
    name: str
    group: str
    variant: str
    price: int
    unit: str
    on_hand: int


def fts_query(text: str) -> str | None:
    """Each word a prefix, all words required: "bas ri" -> '"bas"* "ri"*'. None when nothing is left."""
    words = [w.replace('"', "") for w in text.split()]
    words = [w for w in words if w]
    return " ".join(f'"{w}"*' for w in words) or None


def search_products(session: Session, text: str, *, limit: int = 50, after_id: int = 0) -> list[SearchHit]:
    """Name/SKU search over the whole catalogue; unranked (ranking huge match sets is what makes
    searches slow), in product order, keyset-paged by ``after_id``."""
    query = fts_query(text)
    if query is None:
        return []
    rows = session.ledger.conn.execute(
        "SELECT p.product_id, p.sku, p.name, p.grp, p.variant, p.price, p.unit, s.on_hand"
        " FROM product_search JOIN products p ON p.product_id = product_search.rowid"
        " JOIN stock s ON s.product_id = p.product_id"
        " WHERE product_search MATCH ? AND product_search.rowid > ? ORDER BY product_search.rowid LIMIT ?",
        (query, after_id, limit),
    )
    return [SearchHit(*row) for row in rows]


def variants_of(session: Session, group: str) -> list[Product]:
    rows = session.ledger.conn.execute(
        f"SELECT {_PRODUCT_COLUMNS}{_PRODUCT_FROM} WHERE p.grp = ? ORDER BY p.variant", (group,)
    )
    return [Product(*row) for row in rows]


# --- changes ----------------------------------------------------------------------------------


def check_details(conn: sqlite3.Connection, details: ProductDetails) -> list[str]:
    """Everything wrong with a product's details, as sentences (several may apply at once)."""
    problems = []
    if not details.sku.strip():
        problems.append("the SKU is empty")
    if not details.name.strip():
        problems.append("the name is empty")
    if details.unit not in UNITS:
        problems.append(f"unit {details.unit!r} is not one of {', '.join(UNITS)}")
    if details.price < 0 or details.cost < 0:
        problems.append("price and cost cannot be negative")
    for what, amount in (("price", details.price), ("cost", details.cost)):
        try:
            check_amount(amount)
        except InvalidAmount:
            problems.append(f"the {what} is more than the till accepts")
    if details.reorder_level < 0:
        problems.append("the reorder level cannot be negative")
    if conn.execute("SELECT 1 FROM tax_classes WHERE code = ?", (details.tax_class,)).fetchone() is None:
        known = ", ".join(code for (code,) in conn.execute("SELECT code FROM tax_classes ORDER BY code"))
        problems.append(f"tax class {details.tax_class!r} is not one of: {known}")
    for barcode in details.barcodes:
        if barcode.multiplier <= 0:
            problems.append(f"barcode {barcode.code} has a pack size of zero or less")
    return problems


def add_products(
    session: Session, products: Sequence[ProductDetails], *, approval: Approval | None = None
) -> list[int]:
    """New products, all or none, each one journal event; returns their ids."""
    approvals = authz.require(session, Action.PRODUCT_EDIT, approval)
    with session.ledger.write() as conn:
        next_id = conn.execute("SELECT COALESCE(MAX(product_id), 0) + 1 FROM products").fetchone()[0]
        ids = []
        for offset, details in enumerate(products):
            problems = check_details(conn, details)
            if problems:
                raise InvalidInput(f"Product {details.sku!r}: " + "; ".join(problems) + ".", "Nothing was added.")
            session.record(ProductAdded(next_id + offset, details, approvals=approvals))
            ids.append(next_id + offset)
    return ids


def change_product(
    session: Session, product_id: int, details: ProductDetails, *, approval: Approval | None = None
) -> None:
    """A product's details; a new price in them is a price change too (and needs that permission: one
    supervisor's approval then covers both, see ``authz.require_all``)."""
    with session.ledger.write() as conn:
        current = get_product(session, product_id)
        repriced = details.price != current.price
        approvals = authz.require_all(
            session, (Action.PRODUCT_EDIT, Action.PRICE_CHANGE) if repriced else (Action.PRODUCT_EDIT,), approval
        )
        problems = check_details(conn, details)
        if problems:
            raise InvalidInput(f"Product {details.sku!r}: " + "; ".join(problems) + ".", "Nothing was changed.")
        session.record(ProductChanged(product_id, details, approvals=approvals[Action.PRODUCT_EDIT]))
        if repriced:
            session.record(PriceChanged(product_id, details.sku, current.price, details.price, "edit",
                                        approvals=approvals[Action.PRICE_CHANGE]))


def change_price(
    session: Session, product_id: int, new_price: int, reason: str = "", *, approval: Approval | None = None
) -> None:
    check_amount(new_price, session.currency.exponent)
    if new_price < 0:
        raise InvalidAmount("A price cannot be negative.", "Type the new price as a positive amount.")
    approvals = authz.require(session, Action.PRICE_CHANGE, approval)
    with session.ledger.write():
        product = get_product(session, product_id)
        if product.price == new_price:
            return
        session.record(PriceChanged(product_id, product.sku, product.price, new_price, reason, approvals=approvals))


def receive_stock(
    session: Session,
    lines: Sequence[tuple[int, int, int]],
    *,
    reference: str = "",
    vendor: str = "",
    approval: Approval | None = None,
) -> int:
    """Goods in: ``(product_id, quantity, unit_cost)`` lines. Returns the journal seq."""
    if not lines:
        raise InvalidInput("A delivery needs at least one line.", "Add the items received.")
    received = []
    for product_id, quantity, unit_cost in lines:
        if quantity <= 0 or unit_cost < 0:
            raise InvalidAmount("Received quantities must be positive and costs zero or more.", "Check the line.")
        check_amount(unit_cost, session.currency.exponent)
        received.append(ReceivedLine(product_id, quantity, unit_cost, extend(quantity, unit_cost)))
    approvals = authz.require(session, Action.STOCK_RECEIVE, approval)
    with session.ledger.write():
        for line in received:
            refuse_retired(get_product(session, line.product_id), "received")
        entry = session.record(StockReceived(reference, vendor, tuple(received), approvals=approvals))
    return entry.seq


def adjust_stock(
    session: Session, product_id: int, quantity: int, reason: str, *, approval: Approval | None = None
) -> int:
    """A count correction, damage or loss: ``quantity`` thousandths, negative for a loss."""
    if quantity == 0:
        raise InvalidAmount("An adjustment of zero changes nothing.", "Type how much to add or remove.")
    if not reason.strip():
        raise InvalidInput("A stock adjustment needs a reason.", "Say why: count, damaged, expired, theft...")
    approvals = authz.require(session, Action.STOCK_ADJUST, approval)
    with session.ledger.write():
        product = get_product(session, product_id)
        # A reason from [inventory] adjustment_reasons posts to its account; free text to stock-adjustments.
        account = session.settings.inventory.adjustment_reasons.get(reason.strip(), "")
        event = StockAdjusted(product_id, quantity, product.cost, extend(quantity, product.cost), reason.strip(),
                              account=account, approvals=approvals)
        entry = session.record(event)
    return entry.seq
