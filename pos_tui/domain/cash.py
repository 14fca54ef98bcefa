"""Counting cash: notes and coins by denomination, exact totals, and the shift's variance.

Pure functions. Denominations are minor units from config (a Rs 5,000 note at exponent 2 is
500000); counts are ints, never negative. What a person types as ``5000x3`` is read with the
store's currency, so "0.50x4" is four 50-paisa coins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pos_tui.domain.cash_events import DenominationCount
from pos_tui.domain.errors import InvalidAmount, InvalidInput
from pos_tui.domain.money import Currency, check_amount

MAX_PIECES = 1_000_000  # of one denomination in one drawer: more can only be a typing slip


def shift_reference(terminal: str, number: int) -> str:
    """How a shift is named on screens, reports and the command line: "T1-S0007"."""
    return f"{terminal}-S{number:04d}"


def check_counts(counts: Iterable[DenominationCount], denominations: Sequence[int], currency: Currency) -> None:
    """Refuse a count of a note the store does not use, a negative count, or one counted twice."""
    seen: set[int] = set()
    for item in counts:
        if item.value not in denominations:
            known = ", ".join(currency.format(d, symbol=False) for d in denominations)
            raise InvalidInput(
                f"{currency.format(item.value)} is not a note or coin this store counts.",
                f"Count these instead: {known}.",
            )
        if item.count < 0 or item.count > MAX_PIECES:
            raise InvalidAmount(
                f"{item.count} pieces of {currency.format(item.value)} cannot be right.",
                "Counts are whole numbers, zero or more.",
            )
        if item.value in seen:
            raise InvalidInput(
                f"{currency.format(item.value)} was counted twice.", "Give each note or coin once with its total."
            )
        seen.add(item.value)


def count_total(counts: Iterable[DenominationCount]) -> int:
    """The exact amount the counted notes and coins make."""
    return check_amount(sum(item.value * item.count for item in counts))


def parse_count(text: str, currency: Currency) -> DenominationCount:
    """"5000x3" (three Rs 5,000 notes) or "0.50x4" -> a count; a clear error for anything else."""
    value_text, sep, count_text = text.strip().lower().partition("x")
    if not sep:
        raise InvalidInput(
            f"{text.strip()!r} is not a count.", "Write the note or coin, an x, and how many: 5000x3."
        )
    count_text = count_text.strip()
    if not count_text.isascii() or not count_text.isdigit():
        raise InvalidAmount(
            f"{text.strip()!r}: {count_text or 'nothing'!r} is not a number of pieces.",
            "Counts are whole numbers, zero or more: 5000x3.",
        )
    value = currency.parse(value_text)
    if value <= 0:
        raise InvalidAmount(f"{text.strip()!r}: a note or coin is worth more than zero.", "Write e.g. 5000x3.")
    return DenominationCount(value, int(count_text))


def normalised(counts: Iterable[DenominationCount]) -> tuple[DenominationCount, ...]:
    """Largest denomination first, zero counts left out: one way to write each count in the journal."""
    return tuple(sorted((c for c in counts if c.count), key=lambda c: -c.value))
