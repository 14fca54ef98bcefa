"""GS1-128 and GS1 DataBar element strings: a GTIN with what the label adds to it (net weight AI 310n,
price AI 392n, best-before AI 15, expiry AI 17, lot AI 10), read with the ``biip`` library.

A scanner sends them as digits with a group separator (ASCII 29) after variable-length fields, often
behind a symbology identifier ("]C1" for GS1-128, "]e0" for DataBar); people type them with the AIs in
brackets, as printed under the bars: "(01)09501101530003(3103)000750(17)261231(10)L42".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from pos_tui.domain.barcode import shown_in_message
from pos_tui.domain.errors import BarcodeError

_SYMBOLOGY_IDS: Final = ("]C1", "]e0", "]d2", "]Q3", "]J1")
_HINT: Final = "Nothing was added; scan the label again, or type the number under the product's own barcode."


@dataclass(frozen=True)
class GS1Label:
    gtin: str  # 14 digits, check digit verified
    weight: int | None  # net weight in thousandths of a kg (AI 310n)
    price: int | None  # amount payable in minor units (AI 392n)
    best_before: str  # ISO date, "" when absent (AI 15)
    expiry: str  # ISO date, "" when absent (AI 17)
    lot: str  # AI 10, "" when absent

    @property
    def use_by(self) -> str:
        """The date the item may not be sold after: its expiry, else its best-before ("" for none)."""
        return self.expiry or self.best_before


def looks_like_gs1(code: str) -> bool:
    """Element strings rather than a plain GTIN: a symbology identifier, an AI in brackets, or AI 01/02
    followed by more than its 14 digits."""
    return (code.startswith(_SYMBOLOGY_IDS) or code.startswith("(")
            or (code.startswith(("01", "02")) and len(code) > 16 and code[:16].isdigit()))


def _decimal_to_scale(digits: str, decimals: int, scale: int, what: str, code: str) -> int:
    """``digits`` with ``decimals`` implied decimals, as an integer with ``scale`` decimals (exactly)."""
    if decimals <= scale:
        return int(digits) * int("1" + "0" * (scale - decimals))
    whole, rest = divmod(int(digits), int("1" + "0" * (decimals - scale)))
    if rest:
        raise BarcodeError(f"The {what} in {shown_in_message(code)} has more decimals than the till keeps.", _HINT)
    return whole


def parse_gs1(code: str, *, exponent: int) -> GS1Label:
    """Read a GS1 element string; a bad check digit, an impossible date or a label without a GTIN is
    refused with a sentence. ``exponent`` is the currency's (a price of 392n has n decimals)."""
    from biip import ParseError
    from biip.gs1_messages import GS1Message

    text = code.strip()
    shown = shown_in_message(text)
    for prefix in _SYMBOLOGY_IDS:
        text = text.removeprefix(prefix)
    try:
        message = GS1Message.parse_hri(text) if text.startswith("(") else GS1Message.parse(text)
    except ParseError as error:
        detail = str(error)
        if "date" in detail.lower() or "AI (15)" in detail or "AI (17)" in detail:  # a month 13 fails the pattern
            raise BarcodeError(f"The label {shown} carries a date that does not exist.", _HINT) from None
        raise BarcodeError(f"The label {shown} is not a GS1 code the till can read ({detail}).",
                           _HINT) from None
    gtin, weight, price, best_before, expiry, lot = "", None, None, "", "", ""
    for element in message.element_strings:
        ai = element.ai.ai
        if ai in ("01", "02"):
            if element.gtin_error:
                raise BarcodeError(f"The GTIN {element.value} in the label has a wrong check digit.", _HINT)
            gtin = element.value
        elif ai.startswith("310") and len(ai) == 4:
            weight = _decimal_to_scale(element.value, int(ai[3]), 3, "weight", text)
        elif ai.startswith("392") and len(ai) == 4:
            price = _decimal_to_scale(element.value, int(ai[3]), exponent, "price", text)
        elif ai in ("15", "17"):
            if not isinstance(element.date, date):
                raise BarcodeError(f"The label {shown} carries a date that does not exist.", _HINT)
            if ai == "15":
                best_before = element.date.isoformat()
            else:
                expiry = element.date.isoformat()
        elif ai == "10":
            lot = element.value
    if not gtin:
        raise BarcodeError(f"The label {shown} names no product (it has no GTIN, AI 01).", _HINT)
    if weight == 0:
        raise BarcodeError(f"The label {shown} says a weight of zero.", _HINT)
    return GS1Label(gtin, weight, price, best_before, expiry, lot)


def label_of(barcode: str) -> GS1Label | None:
    """The GS1 label a recorded scan carried, or None for any other code (prices in it are not needed here)."""
    code = barcode.partition("*")[2].strip() if "*" in barcode else barcode.strip()
    if not looks_like_gs1(code):
        return None
    try:
        return parse_gs1(code, exponent=9)  # 392n has at most 9 decimals: the price is never refused here
    except BarcodeError:
        return None
