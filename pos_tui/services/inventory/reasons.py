"""Why stock moves: the reasons a site lists in ``[inventory]`` of pos.toml; an adjustment's with the
account its value goes to.

The command line and the till offer these lists and refuse anything else, so every adjustment lands
on an account the books know and every return on a reason the returns-by-reason report can group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.postings import COGS

if TYPE_CHECKING:
    from pos_tui.config import Settings

ReasonKind = Literal["adjustment", "return"]


def reasons(settings: Settings, kind: ReasonKind) -> dict[str, str]:
    """The reasons of ``kind`` in the order pos.toml lists them, each with its account (a return's is
    expenses:cogs: goods written off stay in the cost of sales)."""
    inventory = settings.inventory
    if kind == "adjustment":
        return dict(inventory.adjustment_reasons)
    return dict.fromkeys(inventory.return_reasons, COGS)


def account_for(settings: Settings, kind: ReasonKind, reason: str) -> str:
    """The account of a listed reason; anything else is refused with the list."""
    listed = reasons(settings, kind)
    account = listed.get(reason.strip())
    if account is None:
        shown = f"{reason.strip()!r} is not" if reason.strip() else "No reason was given: it must be"
        raise InvalidInput(f"{shown} one of the {kind} reasons: {', '.join(listed)}.",
                           f"Pick one of them, or add it to [inventory] {kind}_reasons in pos.toml.")
    return account
