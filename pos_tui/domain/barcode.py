"""Barcodes: GS1 check digits, UPC-E expansion, the catalogue key, in-store price and weight codes.

Pure functions over digit strings. A code that cannot be right raises `BarcodeError` with a sentence
the cashier can act on; a layout that cannot be right is a configuration mistake and raises
`ValueError`, which the config loader reports with the file and key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from pos_tui.domain.errors import BarcodeError

GTIN_LENGTHS: Final = (8, 12, 13, 14)

EightDigitCodes = Literal["ean8", "upce"]
"""What an 8-digit scan is: the same digits can be a valid EAN-8 and a valid UPC-E (01234565)."""

RESCAN_HINT: Final = "Scan again or type the code printed under the bars."

# Long enough for any barcode we accept, short enough that a garbage scan cannot flood the screen.
_SHOWN_CHARS: Final = 40


def shown_in_message(text: str, max_chars: int = _SHOWN_CHARS) -> str:
    """`text` as a person should see it inside an error: control characters escaped, long input cut.

    A scanner set up with a prefix, a suffix or GS1 separators sends invisible characters; showing
    them as `\\x1d` tells the person (or support) what arrived.
    """
    pieces: list[str] = []
    used = 0
    for char in text:
        piece = char if char.isprintable() else repr(char)[1:-1]
        if used + len(piece) > max_chars:
            return "".join(pieces) + f"… ({len(text)} characters)"
        pieces.append(piece)
        used += len(piece)
    return "".join(pieces)


def _is_digits(text: str) -> bool:
    # str.isdigit alone accepts "²" and Arabic-Indic digits, which no barcode contains.
    return text.isascii() and text.isdigit()


def _require_digits(code: str) -> None:
    if _is_digits(code):
        return
    if not code:
        raise BarcodeError("The barcode is empty.", RESCAN_HINT)
    shown = shown_in_message(code)
    if any(not char.isprintable() for char in code):
        raise BarcodeError(
            f"Code {shown} contains control characters; a barcode is digits only.",
            "Scan again; if it repeats, set the scanner to send only the code and Enter.",
        )
    raise BarcodeError(f"Code {shown} contains characters that are not digits.", RESCAN_HINT)


def gtin_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for `body` (a GTIN, SSCC... without its last digit)."""
    _require_digits(body)
    # Weights 3, 1, 3, ... from the right, so one function serves every GTIN length.
    total = sum(int(digit) * (3 if position % 2 == 0 else 1) for position, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def _require_check_digit(code: str, shown_as: str | None = None) -> None:
    expected = gtin_check_digit(code[:-1])
    actual = int(code[-1])
    if expected != actual:
        raise BarcodeError(f"Check digit of {shown_as or code} should be {expected}, not {actual}.", RESCAN_HINT)


def validate_gtin(code: str) -> str:
    """`code` unchanged if it is a valid GTIN-8, -12 (UPC-A), -13 (EAN-13) or -14."""
    _require_digits(code)
    if len(code) not in GTIN_LENGTHS:
        raise BarcodeError(
            f"Code {shown_in_message(code)} has {len(code)} digits; a product barcode has 8, 12, 13 or 14.",
            RESCAN_HINT,
        )
    _require_check_digit(code)
    return code


def expand_upce(code: str) -> str:
    """The UPC-A (12 digits) that the UPC-E `code` (8 digits: number system, 6 digits, check) stands for.

    UPC-E drops zeros from a UPC-A; the last of the six middle digits says which zeros. The check
    digit belongs to the UPC-A, so it can only be verified after expanding.
    """
    _require_digits(code)
    if len(code) != 8:
        raise BarcodeError(f"UPC-E code {shown_in_message(code)} has {len(code)} digits; UPC-E has 8.", RESCAN_HINT)
    number_system, middle, check = code[0], code[1:7], code[7]
    if number_system not in "01":
        raise BarcodeError(
            f"Code {code} is not UPC-E: UPC-E starts with 0 or 1, not {number_system}.",
            "Scan again; if this is an EAN-8 label, eight-digit codes must be set to EAN-8 in the config.",
        )
    last = middle[5]
    if last in "012":
        body = middle[0:2] + last + "0000" + middle[2:5]
    elif last == "3":
        body = middle[0:3] + "00000" + middle[3:5]
    elif last == "4":
        body = middle[0:4] + "00000" + middle[4]
    else:
        body = middle[0:5] + "0000" + last
    upc_a = number_system + body + check
    _require_check_digit(upc_a, shown_as=f"UPC-E {code} (UPC-A {upc_a})")
    return upc_a


def normalize_gtin(code: str, *, eight_digit: EightDigitCodes = "ean8") -> str:
    """The key under which the catalogue stores the GTIN `code`, whichever form the scanner sent.

    The catalogue import and the scan path both call this, so one product is always found:
    - 8 digits stay 8 (EAN-8), or with `eight_digit="upce"` become the 13-digit form of their UPC-A;
    - UPC-A (12) becomes 13 with a leading 0, which is how EAN-13 scanners send the same product;
    - EAN-13 stays;
    - GTIN-14 with indicator digit 0 is the same trade item as its 13-digit form (GS1 DataBar and
      AI (01) always carry 14 digits), so it drops that 0; other indicators (cases, packs) stay 14.
    """
    if eight_digit not in ("ean8", "upce"):
        raise ValueError(f"eight_digit must be 'ean8' or 'upce', not {eight_digit!r}.")
    if eight_digit == "upce" and _is_digits(code) and len(code) == 8:
        return "0" + expand_upce(code)
    validate_gtin(code)
    if len(code) == 12:
        return "0" + code
    if len(code) == 14 and code[0] == "0":
        return code[1:]
    return code


# GS1 General Specifications 7.9.3-7.9.4: the price/weight verifier weights each digit by a
# "weighting factor". Each table maps a digit to its weighted value:
# 2-: units minus tens of 2*d; 3: units of 3*d; 5+: units plus tens of 5*d; 5-: units minus tens of 5*d.
_TWO_MINUS: Final = (0, 2, 4, 6, 8, 9, 1, 3, 5, 7)
_THREE: Final = (0, 3, 6, 9, 2, 5, 8, 1, 4, 7)
_FIVE_PLUS: Final = (0, 5, 1, 6, 2, 7, 3, 8, 4, 9)
_FIVE_MINUS: Final = (0, 5, 9, 4, 8, 3, 7, 2, 6, 1)
_FOUR_DIGIT_FACTORS: Final = (_TWO_MINUS, _TWO_MINUS, _THREE, _FIVE_MINUS)
_FIVE_DIGIT_FACTORS: Final = (_FIVE_PLUS, _TWO_MINUS, _FIVE_MINUS, _FIVE_PLUS, _TWO_MINUS)


def price_check_digit(value: str) -> int:
    """The GS1 price/weight verifier digit for a 4- or 5-digit price or weight field.

    Scale labels carry it so that a misread price is caught even when the final check digit
    happens to match.
    """
    if not _is_digits(value) or len(value) not in (4, 5):
        raise ValueError(f"A price/weight verifier covers 4 or 5 digits, not {value!r}.")
    digits = [int(char) for char in value]
    if len(value) == 4:
        total = sum(factor[digit] for factor, digit in zip(_FOUR_DIGIT_FACTORS, digits, strict=True))
        return (total * 3) % 10
    total = sum(factor[digit] for factor, digit in zip(_FIVE_DIGIT_FACTORS, digits, strict=True))
    # The verifier is the digit whose 5- weighted value brings the sum to a multiple of ten.
    return _FIVE_MINUS.index((10 - total % 10) % 10)


_LAYOUT_LETTERS: Final = {
    "I": "item code",
    "P": "price (minor units)",
    "W": "weight (grams)",
    "Q": "count",
    "V": "price/weight verifier",
    "K": "check digit",
}
_VALUE_LETTERS: Final = "PWQ"


def _span(pattern: str, letter: str) -> slice | None:
    if letter not in pattern:
        return None
    return slice(pattern.index(letter), pattern.rindex(letter) + 1)


def _digits_at(code: str, pattern: str, letter: str | None) -> str:
    """The digits of `code` where `pattern` has `letter`; empty if the layout has no such group."""
    span = None if letter is None else _span(pattern, letter)
    return "" if span is None else code[span]


@dataclass(frozen=True)
class InStoreLayout:
    """How a store's scales and label printers lay out an in-store EAN-13 (GS1 prefixes 20-29).

    `pattern` has one character per digit: the literal prefix digits first (e.g. "21"; "02" for
    UPC-A number system 2, as US scales print), then `I` item code, at most one group of `P` price
    (minor units), `W` weight (grams) or `Q` count, an optional `V` verifier over a 4- or 5-digit
    group, and `K`, the check digit, last. "21IIIIIVPPPPK": item 5 digits, verifier, 4-digit price.
    """

    pattern: str

    def __post_init__(self) -> None:
        pattern = self.pattern
        example = "e.g. '21IIIIIVPPPPK' or '22IIIIIWWWWWK'"
        if len(pattern) != 13:
            raise ValueError(
                f"In-store layout {pattern!r} has {len(pattern)} characters; it needs 13, "
                f"one per EAN-13 digit ({example})."
            )
        unknown = sorted({char for char in pattern if not char.isdigit() and char not in _LAYOUT_LETTERS})
        if unknown or not pattern.isascii():
            allowed = ", ".join(f"{letter} {meaning}" for letter, meaning in _LAYOUT_LETTERS.items())
            raise ValueError(
                f"In-store layout {pattern!r} uses {''.join(unknown) or 'non-ASCII characters'}; "
                f"allowed are prefix digits and {allowed}."
            )
        if pattern.count("K") != 1 or pattern[-1] != "K":
            raise ValueError(f"In-store layout {pattern!r} must end with exactly one K, the check digit.")
        prefix = self.prefix
        if not (prefix.startswith("2") or prefix.startswith("02")):
            raise ValueError(
                f"In-store layout {pattern!r} must start with its literal prefix: 20-29 "
                f"(or 02 for UPC-A number system 2) ({example})."
            )
        if any(char.isdigit() for char in pattern[len(prefix) :]):
            raise ValueError(f"In-store layout {pattern!r} has digits after its prefix; only the start is literal.")
        for letter in "IPWQV":
            span = _span(pattern, letter)
            if span is not None and set(pattern[span]) != {letter}:
                raise ValueError(f"In-store layout {pattern!r}: the {letter} digits must be side by side.")
        if "I" not in pattern:
            raise ValueError(f"In-store layout {pattern!r} has no I digits; the item code says what was sold.")
        value_letters = [letter for letter in _VALUE_LETTERS if letter in pattern]
        if len(value_letters) > 1:
            raise ValueError(
                f"In-store layout {pattern!r} mixes {' and '.join(value_letters)}; a code carries one of "
                "price (P), weight (W) or count (Q)."
            )
        if "V" in pattern:
            value_digits = sum(pattern.count(letter) for letter in _VALUE_LETTERS)
            if pattern.count("V") != 1 or value_digits not in (4, 5):
                raise ValueError(
                    f"In-store layout {pattern!r}: V is one verifier digit over a 4- or 5-digit P, W or Q "
                    f"group; this layout has {pattern.count('V')} V and {value_digits} value digits."
                )

    @property
    def prefix(self) -> str:
        """The literal digits that mark a code as laid out this way, e.g. "21"."""
        length = 0
        while length < len(self.pattern) and self.pattern[length].isdigit():
            length += 1
        return self.pattern[:length]

    @property
    def value_letter(self) -> str | None:
        """P, W or Q: what the embedded number means, or None for item-only codes."""
        return next((letter for letter in _VALUE_LETTERS if letter in self.pattern), None)


@dataclass(frozen=True)
class InStoreCode:
    """An in-store code read through its layout."""

    code: str
    item_code: str
    lookup_code: str
    """Prefix plus item digits: the key under which the catalogue stores the in-store item."""
    embedded_price: int | None
    """Minor units, for price labels."""
    embedded_quantity: int | None
    """Thousandths of the item's unit: grams for weighed items, count * 1000 for counted ones."""


def decode_instore(code: str, layouts: Iterable[InStoreLayout]) -> InStoreCode | None:
    """`code` read through the first layout whose prefix it starts with; None if no layout applies.

    Only 13-digit strings can be in-store codes; a code whose prefix matches but whose check digit
    or verifier is wrong raises `BarcodeError` (it was meant as in-store and was misread).
    """
    if not (_is_digits(code) and len(code) == 13):
        return None
    layout = next((layout for layout in layouts if code.startswith(layout.prefix)), None)
    if layout is None:
        return None
    _require_check_digit(code)
    pattern = layout.pattern
    value_letter = layout.value_letter
    value_digits = _digits_at(code, pattern, value_letter)
    verifier_at = pattern.find("V")
    if verifier_at >= 0:
        expected = price_check_digit(value_digits)
        actual = int(code[verifier_at])
        if expected != actual:
            raise BarcodeError(
                f"Price/weight check digit of {code} should be {expected}, not {actual}.",
                "The price or weight was misread: scan again or type the code printed under the bars.",
            )
    item_code = _digits_at(code, pattern, "I")
    embedded_price: int | None = None
    embedded_quantity: int | None = None
    if value_letter == "P":
        embedded_price = int(value_digits)
    elif value_letter == "W":
        # Grams are thousandths of a kilogram, which is exactly our quantity unit.
        embedded_quantity = int(value_digits)
    elif value_letter == "Q":
        embedded_quantity = int(value_digits) * 1000
    if embedded_quantity == 0:
        raise BarcodeError(
            f"The label {code} says the quantity is 0.",
            "Weigh or count the item again and print a new label.",
        )
    return InStoreCode(
        code=code,
        item_code=item_code,
        lookup_code=layout.prefix + item_code,
        embedded_price=embedded_price,
        embedded_quantity=embedded_quantity,
    )
