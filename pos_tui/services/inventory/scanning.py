"""What a scan counts in the stock room: a product and a quantity (one piece, a pack's pieces, a
"12*" typed first, the weight on a scale label). Nothing here sells: prices on labels are ignored."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_tui.domain.errors import UnknownBarcode
from pos_tui.domain.money import extend
from pos_tui.domain.scan import parse_scan
from pos_tui.services.catalog import products

if TYPE_CHECKING:
    from pos_tui.services.session import Session


def scanned(session: Session, text: str, *, what: str) -> tuple[products.Product, int]:
    """The product a scan names and the thousandths it counts; a retired product is refused as not ``what``
    ("received", "counted"). A SKU typed instead of a barcode counts one."""
    code = text.strip()
    found = products.find_by_code(session, code)
    typed_quantity = None
    if found is None:
        request = parse_scan(text, layouts=session.instore_layouts, eight_digit=session.settings.barcodes.eight_digit)
        found = products.find_by_code(session, request.lookup_code)
        if found is None:
            raise UnknownBarcode(f"No product has the barcode {request.lookup_code}.",
                                 "Nothing was changed; add it with `pos product add`, or scan another code.")
        typed_quantity = request.embedded_quantity or request.quantity
    product, multiplier = found
    products.refuse_retired(product, what)
    quantity = typed_quantity or 1000
    return product, quantity if multiplier == 1000 else extend(quantity, multiplier)
