"""A product's life in the stock room: added (with an in-store barcode when it has none), retired
when it is no longer sold or bought, restored when it comes back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from pos_tui.domain.barcode import InStoreLayout, decode_instore, gtin_check_digit
from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.events import BarcodeSpec, ProductDetails
from pos_tui.domain.inventory_events import ProductRestored, ProductRetired
from pos_tui.domain.permissions import Action, Approval
from pos_tui.services.catalog import csv_rows, products
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session

# GS1 keeps UPC number system 4 (EAN-13 "04...") for codes a shop prints for itself: no vendor's
# product carries one, and the default scale-label layouts (20, 21) do not start with it.
INSTORE_PREFIX = "04"


def instore_barcode(product_id: int, layouts: Sequence[InStoreLayout] = ()) -> str:
    """An EAN-13 for a product without a barcode: 04, the product id in ten digits, the check digit."""
    body = f"{INSTORE_PREFIX}{product_id:010d}"
    code = body + str(gtin_check_digit(body))
    if decode_instore(code, layouts) is not None:
        raise InvalidInput(f"The in-store code {code} would read as a scale label under [[barcodes.instore]].",
                           "Give the product a barcode of its own (--barcode), or move that layout off prefix 04.")
    return code


def details_from_fields(session: Session, fields: dict[str, str], base: ProductDetails | None = None) -> ProductDetails:
    """A product's details from typed fields named like the catalogue CSV's columns ("price": "450.00",
    "barcodes": "CODE|CODE*6"), read by the CSV's own parser; ``base`` (an edit) fills the fields not given,
    a new product takes the CSV's defaults. Every problem is named in one sentence."""
    unknown = sorted(set(fields) - set(csv_rows.COLUMNS))
    if unknown:
        raise ValueError(f"not catalogue columns: {unknown}")
    columns: list[str | None] = list(csv_rows.COLUMNS if base is None else fields)
    cells = [fields.get(column or "", "") for column in columns]
    values, problems = csv_rows.RowParser(session, columns).parse(cells)
    sku = fields.get("sku") or (base.sku if base else "")
    if problems:
        raise InvalidInput(f"Product {sku!r}: " + "; ".join(p.rstrip(".") for p in problems) + ".",
                           "Nothing was changed.")
    if base is not None:
        return replace(base, **values)
    return ProductDetails(**{"category": "", "vendor": "", "unit": "each", "cost": 0, "reorder_level": 0, **values})


def details_of(session: Session, product: products.Product) -> ProductDetails:
    barcodes = tuple(BarcodeSpec(code, multiplier) for code, multiplier in products.product_barcodes(
        session, product.product_id))
    return ProductDetails(product.sku, product.name, product.category, product.vendor, product.unit, product.price,
                          product.cost, product.tax_class, product.reorder_level, product.group, product.variant,
                          barcodes)


def add_product(session: Session, details: ProductDetails, *, approval: Approval | None = None) -> tuple[int, str]:
    """One new product; without a barcode it gets an in-store one. Returns its id and that code ("" if none)."""
    with session.ledger.write() as conn:
        generated = ""
        if not details.barcodes:
            (next_id,) = conn.execute("SELECT COALESCE(MAX(product_id), 0) + 1 FROM products").fetchone()
            generated = instore_barcode(next_id, session.instore_layouts)
            details = replace(details, barcodes=(BarcodeSpec(generated),))
        taken = _codes_taken(session, details)
        if taken:
            raise InvalidInput(f"Product {details.sku!r}: {taken}.", "Nothing was added.")
        (product_id,) = products.add_products(session, [details], approval=approval)
    return product_id, generated


def change_product(session: Session, product_id: int, details: ProductDetails, *,
                   approval: Approval | None = None) -> None:
    with session.ledger.write():
        taken = _codes_taken(session, details, product_id)
        if taken:
            raise InvalidInput(f"Product {details.sku!r}: {taken}.", "Nothing was changed.")
        products.change_product(session, product_id, details, approval=approval)


def _codes_taken(session: Session, details: ProductDetails, product_id: int = 0) -> str:
    """A sentence naming the SKU or barcodes another product already has ("" when none)."""
    conn = session.ledger.conn
    problems = []
    row = conn.execute("SELECT product_id FROM products WHERE sku = ? AND product_id != ?",
                       (details.sku, product_id)).fetchone()
    if row is not None:
        problems.append(f"the SKU is already product {row[0]}'s")
    for barcode in details.barcodes:
        row = conn.execute("SELECT p.sku FROM barcodes b JOIN products p USING (product_id)"
                           " WHERE b.code = ? AND b.product_id != ?", (barcode.code, product_id)).fetchone()
        if row is not None:
            problems.append(f"barcode {barcode.code} is already {row[0]}'s")
    return "; ".join(problems)


def retire_product(session: Session, code: str, *, approval: Approval | None = None) -> products.Product:
    """No longer sold or received; stays in history, reports and stock."""
    approvals = authz.require(session, Action.PRODUCT_EDIT, approval)
    with session.ledger.write():
        product = products.show_product(session, code)
        if product.retired:
            raise InvalidInput(f"{product.display_name} ({product.sku}) is already retired.", "Nothing was changed.")
        session.record(ProductRetired(product.product_id, product.sku, approvals=approvals))
    return product


def restore_product(session: Session, code: str, *, approval: Approval | None = None) -> products.Product:
    approvals = authz.require(session, Action.PRODUCT_EDIT, approval)
    with session.ledger.write():
        product = products.show_product(session, code)
        if not product.retired:
            raise InvalidInput(f"{product.display_name} ({product.sku}) is not retired.", "Nothing was changed.")
        session.record(ProductRestored(product.product_id, product.sku, approvals=approvals))
    return product
