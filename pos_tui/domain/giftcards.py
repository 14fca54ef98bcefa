"""Gift cards as pure rules: numbers with a Luhn check digit, a card's moves, and what a card allows.

A card is an activity ledger: its balance is the sum of its moves (sold, reloaded, redeemed, refunded
onto it), never a column anyone can edit. The moves ride in the sale or return that made them, so a
card changes in the same journal event as the money that paid for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Literal

from pos_tui.domain.errors import BarcodeError, InvalidAmount, NotFound, RuleViolation
from pos_tui.domain.money import check_amount

GIFT_CARDS = "liabilities:gift-cards"
GIFT_CARD_TENDER = "gift-card"  # the tender method's code; its account is GIFT_CARDS
NUMBER_LENGTH = 16  # prefix + random body + one Luhn digit: prints as a short CODE128

MoveKind = Literal["sold", "reloaded", "redeemed", "refunded"]
# Which way each kind moves the balance: money in (the shop owes more) or out.
SIGN: dict[str, int] = {"sold": 1, "reloaded": 1, "refunded": 1, "redeemed": -1}


def luhn_digit(body: str) -> int:
    """The Luhn (mod 10) check digit of the digits ``body``: doubles every second digit from the right."""
    total = 0
    for i, char in enumerate(reversed(body)):
        digit = int(char)
        if i % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def card_number(body: str) -> str:
    """``body`` with its check digit appended."""
    return body + str(luhn_digit(body))


def check_number(text: str) -> str:
    """A typed or scanned card number, spaces and dashes dropped, refused unless its check digit holds."""
    number = "".join(ch for ch in text if ch not in " -")
    if not (number.isascii() and number.isdigit()) or not 8 <= len(number) <= 19:
        raise BarcodeError(f"{text!r} is not a gift card number.", "Scan the card's barcode or type its digits.")
    if luhn_digit(number[:-1]) != int(number[-1]):
        raise BarcodeError(
            f"Gift card {number} has a wrong check digit.", "Check the number on the card and type it again."
        )
    return number


def masked(number: str) -> str:
    """A card number as a screen or message may show it: the last four digits only."""
    return "*" * max(len(number) - 4, 0) + number[-4:]


@dataclasses.dataclass(frozen=True)
class GiftCardMove:
    """One move of one card, carried in the event (a sale, a return) that made it.

    ``amount`` is positive; ``SIGN[kind]`` says which way it moves the balance."""

    number: str
    kind: str  # a MoveKind
    amount: int
    currency: str

    @property
    def delta(self) -> int:
        return SIGN[self.kind] * self.amount


@dataclasses.dataclass(frozen=True)
class CardState:
    """A card as the projections know it: the sum of its moves, and whether it is blocked."""

    number: str
    currency: str
    balance: int
    blocked: bool


def balance_of(moves: Iterable[GiftCardMove]) -> int:
    return sum(move.delta for move in moves)


def check_load(state: CardState | None, move: GiftCardMove, show: Callable[[int], str] = str) -> None:
    """Refuse selling a card that exists, or reloading one that is unknown, blocked or of another currency."""
    if move.amount <= 0:
        raise InvalidAmount("A gift card's amount must be more than zero.", "Type the amount to put on the card.")
    check_amount(move.amount)
    if move.kind == "sold":
        if state is not None:
            raise RuleViolation(f"Gift card {masked(move.number)} is already sold (balance {show(state.balance)}).",
                                "Reload it instead, or sell a new card.")
        return
    _check_usable(state, move, show)


def check_redeem(state: CardState | None, move: GiftCardMove, show: Callable[[int], str] = str) -> None:
    """Refuse paying with a card that is unknown, blocked, of another currency or short of the amount."""
    if move.amount <= 0:
        raise InvalidAmount("A gift card payment must be more than zero.", "Type the amount to take from the card.")
    state = _check_usable(state, move, show)
    if move.amount > state.balance:
        raise RuleViolation(
            f"Gift card {masked(move.number)} holds {show(state.balance)}, less than {show(move.amount)}.",
            f"Take at most {show(state.balance)} from the card and the rest another way.",
        )


def _check_usable(state: CardState | None, move: GiftCardMove, show: Callable[[int], str] = str) -> CardState:
    if state is None:
        raise NotFound(f"Gift card {masked(move.number)} is not known here.", "Check the number, or sell it first.")
    if state.blocked:
        raise RuleViolation(
            f"Gift card {masked(move.number)} is blocked (reported lost); it holds {show(state.balance)}.",
            "A manager can unblock it once the owner shows it is theirs.")
    if state.currency != move.currency:
        # ``show`` formats this store's currency: the card's balance is given in its own minor units.
        raise RuleViolation(
            f"Gift card {masked(move.number)} holds {state.currency}, not {move.currency}"
            f" ({state.balance} {state.currency} minor units).",
            "It can only be used where it was sold; take another payment.")
    return state


def card_states_after(
    before: dict[str, CardState], moves: Iterable[GiftCardMove], show: Callable[[int], str] = str
) -> dict[str, CardState]:
    """Check ``moves`` in order against ``before`` (the cards they touch), and return the states after.

    One sale may load a card and pay with another, or pay twice from one card: each move is checked
    against the balance the earlier moves left."""
    states = dict(before)
    for move in moves:
        state = states.get(move.number)
        if move.kind == "redeemed":
            check_redeem(state, move, show)
        elif move.kind in ("sold", "reloaded"):
            check_load(state, move, show)
        else:
            _check_usable(state, move, show)
        if state is None:
            state = CardState(move.number, move.currency, 0, False)
        states[move.number] = dataclasses.replace(state, balance=state.balance + move.delta)
    return states
