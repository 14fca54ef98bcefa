"""Paying: tender methods, split tender, change from cash only, and cash rounding.

The settlement invariant, checked by ``pos db verify`` for every sale:
``sum(tenders) - change == total + rounding``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pos_tui.domain.errors import InvalidAmount, InvalidInput, RuleViolation
from pos_tui.domain.money import Rounding, check_amount, round_to_step


@dataclass(frozen=True)
class TenderMethod:
    """A way to pay. Only cash gives change; ``account`` may contain ``{terminal}``."""

    code: str
    label: str
    is_cash: bool
    account: str

    def account_for(self, terminal: str) -> str:
        return self.account.replace("{terminal}", terminal)


@dataclass(frozen=True)
class Tender:
    method: str
    amount: int
    card: str = ""  # the gift card paid with, for the gift-card method


@dataclass(frozen=True)
class Settlement:
    total: int
    tenders: tuple[Tender, ...]
    rounding: int  # added to the total by cash rounding (negative when rounded down)
    change: int

    @property
    def due(self) -> int:
        return self.total + self.rounding


def settle(
    total: int,
    tenders: Sequence[Tender],
    methods: Mapping[str, TenderMethod],
    *,
    cash_step: int = 1,
    mode: Rounding = Rounding.HALF_UP,
    show: Callable[[int], str] = str,
) -> Settlement:
    """Check that ``tenders`` pay ``total`` and work out change and cash rounding.

    Card and wallet pay exact amounts; the rest is due in cash, rounded to ``cash_step`` (the
    smallest coin in use). A tender short of the total, or card paying more than the total,
    is refused with how much is still due or too much.
    """
    for tender in tenders:
        if tender.method not in methods:
            known = ", ".join(sorted(methods))
            raise InvalidInput(f"{tender.method!r} is not a payment method here.", f"Use one of: {known}.")
        if tender.amount <= 0:
            raise InvalidAmount("A payment must be more than zero.", "Type the amount the customer gave.")
        check_amount(tender.amount)
    cash = sum(t.amount for t in tenders if methods[t.method].is_cash)
    exact = sum(t.amount for t in tenders if not methods[t.method].is_cash)
    if exact > total:
        raise RuleViolation(
            f"Card and wallet payments come to {show(exact)}, more than the total {show(total)}.",
            "No change is given on cards: lower the card amount or pay the rest in cash.",
        )
    remaining = total - exact
    due_in_cash = round_to_step(remaining, cash_step, mode)
    if cash == 0:
        # What is left after card may be less than the smallest coin: it is rounded away, not owed.
        if due_in_cash:
            raise RuleViolation(f"{show(due_in_cash)} is still due.", "Add a payment for the rest.")
        return Settlement(total=total, tenders=tuple(tenders), rounding=-remaining, change=0)
    if cash < due_in_cash:
        raise RuleViolation(
            f"{show(due_in_cash - cash)} is still due (cash {show(cash)} of {show(due_in_cash)}).",
            "Take more cash or add another payment.",
        )
    return Settlement(
        total=total,
        tenders=tuple(tenders),
        rounding=due_in_cash - remaining,
        change=cash - due_in_cash,
    )
