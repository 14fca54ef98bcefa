"""Events of gift cards that move no money: a lost card blocked, and unblocked by a manager.

Selling, reloading, paying with and refunding onto a card are moves carried by the sale or return
that made them (``SaleCompleted.gift_cards``, ``SaleReturned.gift_cards``), so the card and the money
change in one event. A card number is a bearer number, not personal data: no name goes with it.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from pos_tui.domain.events import Event


@dataclasses.dataclass(frozen=True)
class GiftCardBlocked(Event):
    KIND: ClassVar[str] = "giftcard.blocked"
    AUDITED: ClassVar[bool] = True
    number: str
    reason: str


@dataclasses.dataclass(frozen=True)
class GiftCardUnblocked(Event):
    KIND: ClassVar[str] = "giftcard.unblocked"
    AUDITED: ClassVar[bool] = True
    number: str
    reason: str


GIFT_CARD_EVENTS: tuple[type[Event], ...] = (GiftCardBlocked, GiftCardUnblocked)
