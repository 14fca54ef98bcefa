"""Sales tax: inclusive or exclusive prices, several rates, per-line or per-receipt rounding.

Whatever the policy, each line ends with ``net + tax == gross`` exactly; per-receipt rounding
computes one tax per rate and allocates it back over that rate's lines so the lines still add up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.money import Rounding, allocate, round_div


@dataclass(frozen=True)
class TaxClass:
    """A tax class products belong to; ``rate_bp`` in basis points (1700 = 17%)."""

    code: str
    name: str
    rate_bp: int


FULL_RATE_BP = 10_000
TAX_CLASS_CODE = re.compile(r"^[a-z0-9_-]{1,24}$")  # as the config's [[tax_classes]] codes
_PERCENT = re.compile(r"^([0-9]{1,6})(?:\.([0-9]{1,2}))?%?$")


def parse_rate(text: str) -> int:
    """A tax rate as people write it ("18", "5.5", "17.25%") in basis points (1800, 550, 1725)."""
    cleaned = text.strip().replace(" ", "")
    if cleaned.startswith("-"):
        raise InvalidInput(f"a tax rate cannot be negative ({text.strip()!r}).", "Type a percentage from 0 to 100.")
    match = _PERCENT.match(cleaned)
    if match is None:
        raise InvalidInput(f"{text.strip()!r} is not a tax rate.",
                           "Type a percentage with at most two decimals, e.g. 18 or 5.5.")
    rate = int(match[1]) * 100 + int((match[2] or "").ljust(2, "0"))
    if rate > FULL_RATE_BP:
        raise InvalidInput(f"a tax rate of {text.strip()} is above 100%.", "Type a percentage from 0 to 100.")
    return rate


def format_rate(rate_bp: int) -> str:
    """1800 -> "18", 550 -> "5.5", 1725 -> "17.25"."""
    whole, fraction = divmod(rate_bp, 100)
    return f"{whole}.{fraction:02d}".rstrip("0").rstrip(".") if fraction else str(whole)


class TaxRounding(StrEnum):
    LINE = "line"  # round each line's tax
    RECEIPT = "receipt"  # round once per rate over the whole receipt


@dataclass(frozen=True)
class TaxPolicy:
    prices_include_tax: bool = True
    rounding: Rounding = Rounding.HALF_UP
    tax_rounding: TaxRounding = TaxRounding.LINE


@dataclass(frozen=True)
class TaxedAmount:
    net: int
    tax: int
    gross: int


def tax_included_in(gross: int, rate_bp: int, mode: Rounding) -> int:
    """The tax inside a tax-inclusive amount: gross * r / (1 + r)."""
    return round_div(gross * rate_bp, 10_000 + rate_bp, mode)


def tax_added_to(net: int, rate_bp: int, mode: Rounding) -> int:
    """The tax on top of a tax-exclusive amount: net * r."""
    return round_div(net * rate_bp, 10_000, mode)


def net_price(price: int, rate_bp: int, policy: TaxPolicy) -> int:
    """A shelf price without the tax inside it (the price itself when prices exclude tax): what a
    margin is earned on."""
    return price - tax_included_in(price, rate_bp, policy.rounding) if policy.prices_include_tax else price


def _split(amount: int, tax: int, prices_include_tax: bool) -> TaxedAmount:
    if prices_include_tax:
        return TaxedAmount(net=amount - tax, tax=tax, gross=amount)
    return TaxedAmount(net=amount, tax=tax, gross=amount + tax)


def _tax_of(amount: int, rate_bp: int, policy: TaxPolicy) -> int:
    if policy.prices_include_tax:
        return tax_included_in(amount, rate_bp, policy.rounding)
    return tax_added_to(amount, rate_bp, policy.rounding)


def tax_lines(amounts: Sequence[tuple[int, int]], policy: TaxPolicy) -> list[TaxedAmount]:
    """Tax for each ``(amount, rate_bp)``; ``amount`` is gross or net as the policy prices."""
    if policy.tax_rounding is TaxRounding.LINE:
        return [_split(a, _tax_of(a, r, policy), policy.prices_include_tax) for a, r in amounts]
    taxes = [0] * len(amounts)
    for rate in sorted({r for _, r in amounts}):
        members = [i for i, (_, r) in enumerate(amounts) if r == rate]
        group_total = sum(amounts[i][0] for i in members)
        group_tax = _tax_of(group_total, rate, policy)
        weights = [abs(amounts[i][0]) for i in members]
        for i, part in zip(members, allocate(group_tax, weights), strict=True):
            taxes[i] = part
    return [_split(a, t, policy.prices_include_tax) for (a, _), t in zip(amounts, taxes, strict=True)]
