"""A receipt's print elements as plain text: for `pos sale`, screen previews and logs."""

from __future__ import annotations

from collections.abc import Iterable

from pos_tui.devices.print_elements import (
    Align,
    Barcode,
    Cut,
    DrawerPulse,
    Feed,
    PrintElement,
    QrCode,
    RasterImage,
    Rule,
    TextLine,
    TwoColumnLine,
)
from pos_tui.devices.text_fit import fit, fit_two_columns


def render_text(elements: Iterable[PrintElement], columns: int) -> str:
    lines: list[str] = []
    for element in elements:
        if isinstance(element, TextLine):
            text = fit(element.text, columns)
            if element.align is Align.CENTER:
                text = text.center(columns).rstrip()
            elif element.align is Align.RIGHT:
                text = text.rjust(columns)
            lines.append(text)
        elif isinstance(element, TwoColumnLine):
            lines.append(fit_two_columns(element.left, element.right, columns))
        elif isinstance(element, Rule):
            lines.append(element.char * columns)
        elif isinstance(element, Barcode):
            lines.append(f"|| {element.payload} ||".center(columns).rstrip())
        elif isinstance(element, QrCode):
            lines.append(f"[QR {element.payload}]".center(columns).rstrip())
        elif isinstance(element, RasterImage):
            lines.append("[image]".center(columns).rstrip())
        elif isinstance(element, Feed):
            lines.extend([""] * element.lines)
        elif isinstance(element, (Cut, DrawerPulse)):
            continue
    return "\n".join(lines) + "\n"
