"""Price and shelf labels: for one product, a category, or every product whose price changed since a
day; laid out by `devices/shelf_label.py` and sent through the till's print queue like a receipt, so
a printer that is off or jammed keeps the labels queued until it is back (nothing is lost)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pos_tui.devices.print_queue import JobKind
from pos_tui.devices.shelf_label import LabelData, layout_labels
from pos_tui.domain.errors import InvalidInput
from pos_tui.services.catalog import products

if TYPE_CHECKING:
    from pos_tui.services.selling.printing import QueuedJob, ReceiptPrinter
    from pos_tui.services.session import Session

# The unit a product is sold by -> the unit its label quotes a price per, and how many of the first make one.
PER_UNIT = {"kg": ("kg", 1), "g": ("kg", 1000), "l": ("litre", 1), "m": ("metre", 1)}


def label_data(session: Session, product: products.Product) -> LabelData:
    money = session.currency.format
    per = PER_UNIT.get(product.unit)
    per_unit = f"{money(product.price * per[1])} / {per[0]}" if per else ""
    codes = [code for code, multiplier in products.product_barcodes(session, product.product_id) if multiplier == 1000]
    return LabelData(product.display_name, money(product.price), per_unit, codes[0] if codes else product.sku,
                     product.sku)


def changed_since_day(text: str) -> str:
    """"2026-12-01" -> the same, checked; the business day a price change is filed under."""
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise InvalidInput(f"{text.strip()!r} is not a day.", "Write it as YYYY-MM-DD, e.g. 2026-12-01.") from None


def products_to_label(
    session: Session, *, code: str | None = None, category: str | None = None, changed_since: str | None = None,
) -> list[products.Product]:
    """The products to label: exactly one of ``code``, ``category`` or ``changed_since`` (YYYY-MM-DD, the
    business day). Retired products get no label."""
    given = [what for what in (code, category, changed_since) if what is not None]
    if len(given) != 1:
        raise InvalidInput("Say which labels to print: one product, one category, or the prices changed since a day.",
                           "Give exactly one of --barcode CODE, --category NAME or --changed-since YYYY-MM-DD.")
    if code is not None:
        product = products.show_product(session, code)
        products.refuse_retired(product, "labelled")
        return [product]
    conn = session.ledger.conn
    if category is not None:
        ids = [pid for (pid,) in conn.execute(
            "SELECT product_id FROM products WHERE category = ? AND retired = 0 ORDER BY sku", (category.strip(),))]
        if not ids:
            raise InvalidInput(f"No product on sale has the category {category.strip()!r}.",
                               "Check the spelling: the warehouse lists each category.")
    else:
        day = changed_since_day(changed_since or "")
        ids = [pid for (pid,) in conn.execute(
            "SELECT DISTINCT p.product_id FROM journal j"
            " JOIN products p ON p.product_id = json_extract(j.payload, '$.product_id')"
            " WHERE j.kind = 'price.changed' AND j.day >= ? AND p.retired = 0 ORDER BY p.sku", (day,))]
    return [products.get_product(session, pid) for pid in ids]


def labels_text(session: Session, chosen: list[products.Product], columns: int = 42) -> str:
    """The labels as plain text, as they print: for the shell, and where no printer is configured."""
    from pos_tui.devices.text_render import render_text

    return render_text(layout_labels([label_data(session, product) for product in chosen], columns), columns)


def print_labels(session: Session, printer: ReceiptPrinter, chosen: list[products.Product]) -> QueuedJob | None:
    """Queue one job of labels on ``printer`` (None: no printer is configured)."""
    if not printer.enabled or not chosen:
        return None
    elements = layout_labels([label_data(session, product) for product in chosen], printer.renderer.columns)
    return printer.print_document(elements, kind=JobKind.LABELS)
