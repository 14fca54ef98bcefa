"""Open items: a line for what is not in the catalogue, rung up under a department (a product of the
``[inventory] open_item_category``, whose name and tax class the line takes) at a typed price."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from pos_tui.domain.cart import CartLine
from pos_tui.domain.errors import InvalidAmount, InvalidInput
from pos_tui.domain.money import check_amount
from pos_tui.domain.permissions import Action, Approval
from pos_tui.services.catalog import products, warehouse

if TYPE_CHECKING:
    from pos_tui.services.session import Session


def departments(session: Session) -> list[products.Product]:
    """The departments open items are rung up under, in catalogue order (retired ones left out)."""
    category = session.settings.inventory.open_item_category
    found = warehouse.list_products(session, warehouse.ProductFilter(category=category), limit=500)
    return [product for product in found if not product.retired]


def open_item_line(session: Session, department: str, price: int, *, approval: Approval | None = None) -> CartLine:
    """One of ``department`` (its SKU, barcode or name) at ``price`` minor units; the role needs ``open_item``."""
    from pos_tui.services.staff import authz

    authz.require(session, Action.OPEN_ITEM, approval)
    check_amount(price)
    if price <= 0:
        raise InvalidAmount("An open item needs a price above zero.", "Type what the customer pays for it.")
    wanted = department.strip().lower()
    found = next((d for d in departments(session) if wanted in (d.sku.lower(), d.name.lower())), None)
    if found is None:
        names = ", ".join(d.name for d in departments(session)) or "none yet"
        raise InvalidInput(f"{department.strip()!r} is not a department (departments: {names}).",
                           f"Add one with `pos product add ... --category "
                           f"{session.settings.inventory.open_item_category!r}`.")
    return replace(products.line_for(found, 1000, price=price), price_source="open")
