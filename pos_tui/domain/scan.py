"""Scan text: what a scanner or a cashier sends, turned into a request for one cart line.

A scan is an optional quantity prefix ("3*", "0.5*") and a barcode. The result says which catalogue
key to look up and what the barcode itself already says (an in-store label's price or weight).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from pos_tui.domain.barcode import (
    EightDigitCodes,
    InStoreLayout,
    decode_instore,
    normalize_gtin,
    shown_in_message,
)
from pos_tui.domain.errors import BarcodeError, InvalidAmount
from pos_tui.domain.gs1 import looks_like_gs1, parse_gs1
from pos_tui.domain.money import format_quantity

DEFAULT_MAX_QUANTITY: Final = 9_999_000
"""Thousandths: 9,999 units. More than that on one line is a typing slip, not a sale."""

QUANTITY_SEPARATOR: Final = "*"

_QUANTITY_HINT: Final = "Type a number such as 3 or 0.25, with a point for decimals."


def _is_digits(text: str) -> bool:
    # Only ASCII digits: "３" or "٣" look like numbers but would be a different keyboard's slip.
    return text.isascii() and text.isdigit()


def parse_quantity(text: str, *, ceiling: int = DEFAULT_MAX_QUANTITY) -> int:
    """The quantity a person typed, in thousandths: "3" -> 3000, "0.25" -> 250, "1.5" -> 1500.

    Only "." is a decimal point: "2,5" is refused rather than guessed, since in other hands
    "1,500" means fifteen hundred. At most 3 decimals (our unit is a thousandth). Zero, negative and
    anything above `ceiling` (thousandths) are refused.
    """
    if ceiling < 1:
        raise ValueError(f"The quantity ceiling must be at least 1 thousandth, not {ceiling}.")
    typed = text.strip()
    shown = shown_in_message(typed)
    if not typed:
        raise InvalidAmount("No quantity was given.", _QUANTITY_HINT)
    if "," in typed:
        raise InvalidAmount(
            f"Quantity {shown} has a comma.",
            "Use a point for decimals (2.5) and no thousands separators (1500).",
        )
    if typed.startswith("-"):
        raise InvalidAmount(f"Quantity {shown} is negative.", "To take an item back, void the line or start a return.")
    whole, point, fraction = typed.partition(".")
    looks_like_number = (
        (whole == "" or _is_digits(whole)) and (not point or _is_digits(fraction)) and (whole != "" or fraction != "")
    )
    if not looks_like_number:
        raise InvalidAmount(f"Quantity {shown} is not a number.", _QUANTITY_HINT)
    if len(fraction) > 3:
        raise InvalidAmount(
            f"Quantity {shown} has {len(fraction)} decimals; at most 3 are possible.",
            "Round to thousandths, e.g. 0.125.",
        )
    too_large = InvalidAmount(
        f"Quantity {shown} is more than {format_quantity(ceiling)}, the most one line may hold.",
        "Check the number; split a very large quantity over several lines.",
    )
    significant_whole = whole.lstrip("0")
    # Compare lengths before int(): a 5,000-digit paste must be refused, not converted.
    if len(significant_whole) > len(str(ceiling)):
        raise too_large
    thousandths = int(significant_whole or "0") * 1000 + int(fraction.ljust(3, "0"))
    if thousandths == 0:
        raise InvalidAmount(
            f"Quantity {shown} would add nothing.", "Type a quantity above 0, or void the line to remove it."
        )
    if thousandths > ceiling:
        raise too_large
    return thousandths


@dataclass(frozen=True)
class ScanRequest:
    """One scan, ready for the catalogue lookup."""

    quantity: int | None
    """Thousandths from an "N*" prefix; None when the cashier gave none."""
    lookup_code: str
    """The catalogue key: a normalized GTIN, or an in-store prefix plus item code."""
    raw: str
    """The text exactly as it arrived, for the journal and for support."""
    embedded_price: int | None
    """Minor units printed into an in-store price label."""
    embedded_quantity: int | None
    """Thousandths printed into an in-store weight or count label."""
    kind: Literal["gtin", "instore", "gs1"]
    use_by: str = ""
    """A GS1 label's expiry (AI 17) or best-before (AI 15) date, ISO; "" for none."""
    lot: str = ""
    """A GS1 label's lot or batch (AI 10)."""


def parse_scan(
    text: str,
    *,
    layouts: Sequence[InStoreLayout] = (),
    eight_digit: EightDigitCodes = "ean8",
    max_length: int = 64,
    max_quantity: int = DEFAULT_MAX_QUANTITY,
    exponent: int = 2,
) -> ScanRequest:
    """Turn what a scanner or a cashier sent into a `ScanRequest`.

    "4006381333931", "3*4006381333931", "0.5*036000291452": surrounding whitespace (a scanner's
    Enter, CR or tab) is dropped; in-store codes are read through `layouts` (first prefix match);
    every other code must be a valid GTIN and is normalized to the catalogue key.
    """
    if max_length < 14:
        raise ValueError(f"max_length must leave room for a GTIN-14, not {max_length}.")
    typed = text.strip()
    if not typed:
        raise BarcodeError("Nothing was scanned.", "Scan the barcode or type the digits under it.")
    if len(typed) > max_length:
        raise BarcodeError(
            f"The scan {shown_in_message(typed)} is too long; a barcode has at most {max_length} characters.",
            "Scan again; if it repeats, check the scanner's prefix and suffix settings.",
        )

    quantity_text, separator, code = typed.partition(QUANTITY_SEPARATOR)
    if not separator:
        quantity, code = None, typed
    else:
        if not quantity_text.strip():
            raise InvalidAmount(
                f"{shown_in_message(typed)} has nothing before the {QUANTITY_SEPARATOR}.",
                f"Type the quantity first, e.g. 3{QUANTITY_SEPARATOR} then scan.",
            )
        quantity = parse_quantity(quantity_text, ceiling=max_quantity)
        code = code.strip()
        if not code:
            raise BarcodeError(
                f"{shown_in_message(typed)} has a quantity but no code after the {QUANTITY_SEPARATOR}.",
                "Scan the item now, or type its code after the quantity.",
            )

    if looks_like_gs1(code):
        # GS1-128 / DataBar: a GTIN with weight, price, dates and lot (``exponent``: the currency's, for 392n).
        label = parse_gs1(code, exponent=exponent)
        if quantity is not None and label.weight is not None:
            raise InvalidAmount(
                f"The label {shown_in_message(code)} already says the weight; {format_quantity(quantity)}"
                f"{QUANTITY_SEPARATOR} cannot change it.", "Scan the label without a quantity.")
        return ScanRequest(
            quantity=quantity,
            lookup_code=normalize_gtin(label.gtin, eight_digit=eight_digit),
            raw=text,
            embedded_price=label.price,
            embedded_quantity=label.weight,
            kind="gs1",
            use_by=label.use_by,
            lot=label.lot,
        )
    # A UPC-A is the 13-digit form with a leading 0, so US scale labels ("02" layouts) match as well.
    instore = decode_instore(code.zfill(13), layouts) if _is_digits(code) and len(code) in (12, 13) else None
    if instore is None:
        return ScanRequest(
            quantity=quantity,
            lookup_code=normalize_gtin(code, eight_digit=eight_digit),
            raw=text,
            embedded_price=None,
            embedded_quantity=None,
            kind="gtin",
        )
    if quantity is not None and instore.embedded_quantity is not None:
        raise InvalidAmount(
            f"The label {code} already says the quantity ({format_quantity(instore.embedded_quantity)}); "
            f"{format_quantity(quantity)}{QUANTITY_SEPARATOR} cannot change it.",
            "Scan the label without a quantity; for several packs, scan each label.",
        )
    return ScanRequest(
        quantity=quantity,
        lookup_code=instore.lookup_code,
        raw=text,
        embedded_price=instore.embedded_price,
        embedded_quantity=instore.embedded_quantity,
        kind="instore",
    )
