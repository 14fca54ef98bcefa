"""Quick keys: goods without a barcode (a bakery roll, loose onions) sold from a grid in the bucket.
A product gets a position in its category's grid (`pos product quick-key`); the grid shows the
categories, each under one key, then that category's items, each under one key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.inventory_events import QuickKeySet
from pos_tui.domain.permissions import Action, Approval
from pos_tui.services.catalog import products
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session

KEYS = "123456789abcdefghijklmnopqrstuvwxyz"
"""The keys of a grid, in order: one key picks a category, a second an item in it."""
MAX_POSITION = 99


@dataclass(frozen=True)
class QuickItem:
    key: str
    product_id: int
    name: str
    price: int
    unit: str


@dataclass(frozen=True)
class QuickCategory:
    key: str
    category: str
    items: tuple[QuickItem, ...]


def parse_position(text: str) -> int:
    typed = text.strip()
    if not (typed.isascii() and typed.isdigit()) or int(typed) > MAX_POSITION:
        raise InvalidInput(f"{typed!r} is not a quick-key position.",
                           f"Type 1 to {MAX_POSITION} for its place in the grid, or 0 to take the key away.")
    return int(typed)


def position_of(session: Session, product_id: int) -> int:
    """A product's place on its category's grid; 0: not on a quick key."""
    row = session.ledger.conn.execute("SELECT position FROM quick_keys WHERE product_id = ?", (product_id,)).fetchone()
    return int(row[0]) if row else 0


def set_quick_key(session: Session, code: str, position: int, *, approval: Approval | None = None) -> products.Product:
    """Put a product on its category's grid at ``position`` (1 first); 0 takes it off."""
    if not 0 <= position <= MAX_POSITION:
        raise InvalidInput(f"A quick-key position is 1 to {MAX_POSITION} (0 takes the key away), not {position}.",
                           "Nothing was changed.")
    approvals = authz.require(session, Action.PRODUCT_EDIT, approval)
    with session.ledger.write():
        product = products.show_product(session, code)
        if position:
            products.refuse_retired(product, "put on a quick key")
        session.record(QuickKeySet(product.product_id, product.sku, position, approvals=approvals))
    return product


def grid(session: Session) -> tuple[QuickCategory, ...]:
    """The grid: categories in name order, items by position then name; retired products left out. Each
    level holds as many as there are keys."""
    rows = session.ledger.conn.execute(
        "SELECT p.category, p.product_id, p.name, p.variant, p.price, p.unit FROM quick_keys q"
        " JOIN products p USING (product_id) WHERE q.position > 0 AND p.retired = 0"
        " ORDER BY p.category, q.position, p.name, p.product_id"
    ).fetchall()
    by_category: dict[str, list[QuickItem]] = {}
    for category, product_id, name, variant, price, unit in rows:
        items = by_category.setdefault(category or "Other", [])
        if len(items) < len(KEYS):
            shown = f"{name} ({variant})" if variant else name
            items.append(QuickItem(KEYS[len(items)], product_id, shown, price, unit))
    return tuple(QuickCategory(KEYS[n], category, tuple(items))
                 for n, (category, items) in enumerate(list(by_category.items())[:len(KEYS)]))
