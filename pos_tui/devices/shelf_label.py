"""Price and shelf labels laid out as pure data: one label a product, printed on the receipt printer.

Like the receipt, no printer and no database here: the caller formats the money and picks the code.
Each label: the name, the price large, the price per kg/litre/metre where the product is sold by one,
the barcode, and a cut (or a feed, on a printer without a cutter) so each label tears off alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pos_tui.devices.print_elements import Align, Barcode, Cut, Feed, PrintElement, TextLine, TextStyle
from pos_tui.devices.text_fit import wrap

LABEL_NAME_LINES = 2  # a long name wraps onto two lines at most, then is cut


@dataclass(frozen=True)
class LabelData:
    name: str
    price: str  # formatted with the currency: "Rs 450.00"
    per_unit: str  # "Rs 320.00 / kg", or "" for goods sold by the piece
    code: str  # what the barcode encodes: the product's own barcode, or its SKU when it has none
    sku: str


def layout_labels(labels: Sequence[LabelData], columns: int) -> list[PrintElement]:
    elements: list[PrintElement] = []
    for label in labels:
        for line in wrap(label.name, columns)[:LABEL_NAME_LINES]:
            elements.append(TextLine(line, Align.CENTER, TextStyle(bold=True)))
        elements.append(TextLine(label.price, Align.CENTER, TextStyle(bold=True, double_width=True,
                                                                      double_height=True)))
        if label.per_unit:
            elements.append(TextLine(label.per_unit, Align.CENTER))
        elements.append(Barcode(label.code, height=48))
        elements.append(TextLine(label.sku, Align.CENTER))
        elements += [Feed(1), Cut()]
    return elements
