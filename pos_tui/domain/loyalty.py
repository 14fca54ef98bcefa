"""Customers' pure rules: card numbers, the salted commitment, phone numbers, and loyalty points.

Points are whole numbers; their value is ``value_per_point`` minor units each. A line earns
``gross * multiplier / spend_per_point`` points, rounded down, where the multiplier (per cent) is its
category's (100 when not listed, 0 to exclude the category).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from pos_tui.domain.barcode import gtin_check_digit
from pos_tui.domain.errors import BarcodeError, InvalidInput
from pos_tui.domain.money import Rounding, round_div

CARD_DIGITS = 13  # an EAN-13 in a restricted-circulation prefix: any scanner reads it
_COMMITMENT_TAG = b"pos_tui customer v1\x00"


@dataclass(frozen=True)
class LoyaltyRules:
    spend_per_point: int = 100  # minor units spent for one point (at multiplier 100)
    value_per_point: int = 1  # minor units one point pays for
    multipliers: Mapping[str, int] = field(default_factory=dict)  # category -> per cent; 0 excludes
    min_redeem: int = 0  # points: fewer than this in the balance cannot be spent
    expiry_months: int = 0  # 0: points never expire
    spent_points_on_return: str = "reduce-refund"  # or "negative": the balance may go below zero

    def line_points(self, gross: int, category: str) -> int:
        multiplier = self.multipliers.get(category, 100)
        if gross <= 0 or multiplier <= 0:
            return 0
        return gross * multiplier // (100 * self.spend_per_point)

    def value(self, points: int) -> int:
        return points * self.value_per_point


def earned_points(rules: LoyaltyRules, lines: Iterable[tuple[int, int, str]]) -> dict[int, int]:
    """``(line_no, gross, category)`` -> the points each line earns (lines earning none left out)."""
    earned = {line_no: rules.line_points(gross, category) for line_no, gross, category in lines}
    return {line_no: points for line_no, points in earned.items() if points}


def points_share(line_points: int, sold: int, before: int, quantity: int) -> int:
    """The points ``quantity`` more units of a line (``before`` already back) take back. Shares telescope
    like a return's money, so returning a line in several goes takes back exactly what it earned."""

    def upto(units: int) -> int:
        return round_div(line_points * units, sold, Rounding.HALF_UP)

    return upto(before + quantity) - upto(before)


def expiring_points(credits_before_cutoff: int, debits: int) -> int:
    """Points earned before the cutoff still unspent, spending the oldest first: what expires now.

    ``debits`` are every point ever taken out (spent, expired, taken back), as a positive number."""
    return max(0, credits_before_cutoff - debits)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day if shorter)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


# --- cards ------------------------------------------------------------------------------------


def card_number(prefix: str, customer_id: int) -> str:
    """The barcode printed on a customer's card: prefix, the id padded, a GS1 check digit."""
    width = CARD_DIGITS - 1 - len(prefix)
    body = f"{prefix}{customer_id:0{width}d}"
    if len(body) != CARD_DIGITS - 1:
        raise InvalidInput(f"Customer number {customer_id} does not fit on a card.", "Use a shorter card prefix.")
    return body + str(gtin_check_digit(body))


def card_customer_id(prefix: str, code: str) -> int | None:
    """The customer a scanned code names, or None when it is not a customer card of this shop.
    A card of ours with a wrong check digit is refused, so a misread never attaches someone else."""
    code = code.strip()
    if len(code) != CARD_DIGITS or not code.isdigit() or not code.startswith(prefix):
        return None
    if gtin_check_digit(code[:-1]) != int(code[-1]):
        raise BarcodeError(f"Card {code} has a wrong check digit.", "Scan it again or type the phone number.")
    return int(code[len(prefix):-1])


# --- personal fields --------------------------------------------------------------------------


def phone_digits(text: str) -> str:
    """A phone number as stored and searched: its digits only ("+92 300-1234567" -> "923001234567")."""
    return "".join(ch for ch in text if ch.isdigit())


def mask_phone(phone: str) -> str:
    """What a receipt shows of a phone: the first 4 and last 3 digits ("0300****567")."""
    if len(phone) <= 7:
        return "*" * max(len(phone) - 2, 0) + phone[-2:]
    return phone[:4] + "*" * (len(phone) - 7) + phone[-3:]


def new_salt() -> str:
    return secrets.token_hex(16)


def commitment(salt: str, name: str, phone: str, email: str) -> str:
    """sha256 over the salt and the personal fields: it proves what was recorded while the salt exists,
    and says nothing once the salt is erased (a phone number alone could be guessed from a plain hash)."""
    fields = json.dumps({"email": email, "name": name, "phone": phone}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(_COMMITMENT_TAG + bytes.fromhex(salt) + fields.encode()).hexdigest()
