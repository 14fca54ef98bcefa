"""Double-entry postings for each money event, with hledger-style account names.

Debits are positive, credits negative; every entry sums to zero (the database refuses one that
does not). Account names are chosen so an export to hledger, ledger or beancount needs no renaming.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SALES = "income:sales"
ROUNDING = "income:rounding"
COGS = "expenses:cogs"
INVENTORY = "assets:inventory"
STOCK_ADJUSTMENTS = "expenses:stock-adjustments"
PAYABLE = "liabilities:payable:vendors"


def tax_account(tax_class: str) -> str:
    return f"liabilities:tax:{tax_class}"


def drawer_account(terminal: str) -> str:
    return f"assets:cash:drawer:{terminal}"


@dataclass(frozen=True)
class Posting:
    account: str
    amount: int


def combine(postings: Iterable[Posting]) -> tuple[Posting, ...]:
    """One posting per account in first-seen order, zero legs dropped; refuses an unbalanced set."""
    totals: dict[str, int] = {}
    for posting in postings:
        totals[posting.account] = totals.get(posting.account, 0) + posting.amount
    combined = tuple(Posting(account, amount) for account, amount in totals.items() if amount)
    if sum(p.amount for p in combined):
        raise ValueError(f"unbalanced postings: {combined}")
    return combined


def method_of(account: str, globs: dict[str, str]) -> str:
    """The tender method an account belongs to; other money accounts by name ("cash:safe")."""
    for code, pattern in globs.items():
        prefix, star, suffix = pattern.partition("*")
        if account == pattern or (star and account.startswith(prefix) and account.endswith(suffix)):
            return code
    return account.removeprefix("assets:")
