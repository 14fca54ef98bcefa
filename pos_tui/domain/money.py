"""Money as integers: parsing what people type, formatting, rounding and exact allocation.

Amounts are ``int`` minor units (paisa, cents); the currency's exponent says where the point goes
(PKR 2, JPY 0). This module is the only place that turns text into amounts and amounts into text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pos_tui.domain.errors import InvalidAmount

# A single amount a person may type or a CSV may hold: ten billion major units at exponent 2.
# Well inside SQLite's int64 even after summing a year of sales.
MAX_AMOUNT = 10**12


class Rounding(StrEnum):
    """How a fraction of a minor unit is resolved."""

    HALF_UP = "half_up"  # half away from zero: the shop-counter rule
    HALF_EVEN = "half_even"  # banker's rounding
    DOWN = "down"  # toward zero
    UP = "up"  # away from zero


@dataclass(frozen=True)
class Currency:
    """A currency as the store uses it: ISO code, exponent and the symbol printed before amounts."""

    code: str
    exponent: int
    symbol: str = ""

    def format(self, minor: int, *, symbol: bool = True) -> str:
        return format_money(minor, self, symbol=symbol)

    def parse(self, text: str, *, allow_negative: bool = False) -> int:
        return parse_amount(text, self.exponent, allow_negative=allow_negative)


# ASCII digits only: `\d` alone would take "١٢٣" or "²" as an amount nobody meant to type.
_AMOUNT = re.compile(r"^(?P<sign>-)?(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.(?P<frac>[0-9]*))?$")


def parse_amount(text: str, exponent: int, *, allow_negative: bool = False) -> int:
    """Turn "12.5", "12.50", "1,250.00" or "1250" into minor units.

    Commas are accepted only as thousands separators (groups of three); more decimals than the
    currency has is an error rather than a silent rounding.
    """
    cleaned = text.strip().replace(" ", "")
    match = _AMOUNT.match(cleaned)
    if not cleaned or match is None or (match["int"] is None and not match["frac"]):
        raise InvalidAmount(
            f"{text.strip()!r} is not an amount.",
            "Type digits with an optional decimal point, e.g. 1250 or 1,250.50.",
        )
    whole_text = (match["int"] or "0").replace(",", "").lstrip("0") or "0"
    # Compare lengths before int(): a pasted run of thousands of digits is refused, not converted
    # (int() refuses over 4300 digits with a ValueError, which would reach the till as a traceback).
    if len(whole_text) > len(str(MAX_AMOUNT)):
        shown = cleaned if len(cleaned) <= 24 else cleaned[:20] + "..."
        raise InvalidAmount(
            f"{shown!r} is more than the till accepts: at most {format_amount(MAX_AMOUNT, exponent)}.",
            "Check the amount for extra digits.",
        )
    whole = int(whole_text)
    fraction = match["frac"] or ""
    if len(fraction) > exponent:
        raise InvalidAmount(
            f"{text.strip()!r} has {len(fraction)} decimals; this currency has {exponent}.",
            "Round the amount to the smallest coin and type it again.",
        )
    scale: int = 10**exponent  # typed: int ** int is Any to mypy (negative powers are floats)
    minor = whole * scale + int(fraction.ljust(exponent, "0") or "0")
    if match["sign"]:
        if not allow_negative:
            raise InvalidAmount(f"{text.strip()!r} is negative.", "Amounts here must be zero or more.")
        minor = -minor
    if abs(minor) > MAX_AMOUNT:
        raise InvalidAmount(
            f"{text.strip()!r} is more than the till accepts: at most {format_amount(MAX_AMOUNT, exponent)}.",
            "Check the amount for extra digits.",
        )
    return minor


def check_amount(minor: int, exponent: int | None = None) -> int:
    """Refuse amounts so large they can only be a mistake (and could overflow a year's sums).
    With the currency's ``exponent`` the sentence shows the amount and the largest allowed."""
    if abs(minor) > MAX_AMOUNT:
        if exponent is None:
            raise InvalidAmount("That amount is more than the till accepts.", "Check the amount for extra digits.")
        raise InvalidAmount(
            f"{format_amount(minor, exponent)} is more than the till accepts: "
            f"at most {format_amount(MAX_AMOUNT, exponent)}.",
            "Check the amount for extra digits.",
        )
    return minor


def format_amount(minor: int, exponent: int, *, grouping: bool = True) -> str:
    """1234567 at exponent 2 -> "12,345.67"; negative amounts get a leading minus."""
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**exponent)
    whole_text = f"{whole:,}" if grouping else str(whole)
    if exponent == 0:
        return f"{sign}{whole_text}"
    return f"{sign}{whole_text}.{fraction:0{exponent}d}"


def format_money(minor: int, currency: Currency, *, symbol: bool = True) -> str:
    """An amount as a receipt or screen shows it: "Rs 1,250.00"."""
    text = format_amount(minor, currency.exponent)
    if symbol and currency.symbol:
        return f"{currency.symbol} {text}"
    return text


def round_div(numerator: int, denominator: int, mode: Rounding = Rounding.HALF_UP) -> int:
    """numerator / denominator rounded to an integer by ``mode``, exactly (no float)."""
    if denominator == 0:
        raise ZeroDivisionError("round_div by zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    negative = numerator < 0
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder:
        twice = remainder * 2
        odd = quotient % 2 == 1
        if (
            mode is Rounding.UP
            or (mode is Rounding.HALF_UP and twice >= denominator)
            or (mode is Rounding.HALF_EVEN and (twice > denominator or (twice == denominator and odd)))
        ):
            quotient += 1
    return -quotient if negative else quotient


def percent_of(amount: int, basis_points: int, mode: Rounding = Rounding.HALF_UP) -> int:
    """``basis_points``/10000 of ``amount`` (1700 bp = 17%)."""
    return round_div(amount * basis_points, 10_000, mode)


def round_to_step(amount: int, step: int, mode: Rounding = Rounding.HALF_UP) -> int:
    """Round to a multiple of ``step`` minor units (cash rounding to the smallest coin in use)."""
    if step <= 1:
        return amount
    return round_div(amount, step, mode) * step


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` so that the parts sum to ``total`` exactly.

    Largest remainder: each part gets its floor share, and the leftover units go one by one to the
    parts with the largest remainders (earlier parts first on ties), so the result is deterministic.
    """
    if not weights:
        if total:
            raise ValueError("cannot allocate a non-zero total over no parts")
        return []
    if any(w < 0 for w in weights):
        raise ValueError("allocation weights must not be negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights = [1] * len(weights)
        weight_sum = len(weights)
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    shares = [divmod(magnitude * w, weight_sum) for w in weights]
    parts = [q for q, _ in shares]
    leftover = magnitude - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-shares[i][1], i))
    for i in by_remainder[:leftover]:
        parts[i] += 1
    return [sign * p for p in parts]


def extend(quantity: int, unit_price: int, mode: Rounding = Rounding.HALF_UP) -> int:
    """Price of ``quantity`` thousandths at ``unit_price`` per whole unit (0.250 kg x 800 = 200)."""
    return round_div(quantity * unit_price, 1000, mode)


def format_quantity(quantity: int) -> str:
    """Thousandths as people read them: 3000 -> "3", 250 -> "0.25", 1500 -> "1.5"."""
    whole, fraction = divmod(abs(quantity), 1000)
    sign = "-" if quantity < 0 else ""
    if not fraction:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{fraction:03d}".rstrip("0")
