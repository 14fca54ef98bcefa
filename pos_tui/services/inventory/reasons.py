"""Why stock moves: the reasons a site lists in ``[inventory]`` of pos.toml, each with its account.

The command line and the till offer these lists and refuse anything else, so every write-off,
adjustment and return lands on an account the books know.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pos_tui.domain.errors import InvalidInput

if TYPE_CHECKING:
    from pos_tui.config import Settings

ReasonKind = Literal["adjustment", "return"]


def reasons(settings: Settings, kind: ReasonKind) -> dict[str, str]:
    """The reasons of ``kind``, each with its account, in the order pos.toml lists them."""
    inventory = settings.inventory
    return dict(inventory.adjustment_reasons if kind == "adjustment" else inventory.return_reasons)


def account_for(settings: Settings, kind: ReasonKind, reason: str) -> str:
    """The account of a listed reason; anything else is refused with the list."""
    listed = reasons(settings, kind)
    account = listed.get(reason.strip())
    if account is None:
        shown = f"{reason.strip()!r} is not" if reason.strip() else "No reason was given: it must be"
        raise InvalidInput(f"{shown} one of the {kind} reasons: {', '.join(listed)}.",
                           f"Pick one of them, or add it under [inventory] {kind}_reasons in pos.toml.")
    return account
