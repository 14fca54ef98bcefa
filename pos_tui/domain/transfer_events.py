"""Stock transfers between the stores of a chain: request, ship, receive, each an event of the store
that does it, keyed by the transfer's id (``TR-<store>-<n>``, unique across the chain because the
sending store's id is in it).

Head office approves a request on its own side and prints an approval reference; the sending store
types it when it ships. Shipping moves the goods out of the store's stock into
``assets:inventory-in-transit`` (at the sending store's cost); receiving moves what the receiving
store counted out of in-transit into its stock (at its own cost). A difference between shipped and
received is shrinkage, known only where both ends meet: at head office (``services/hq/transfers.py``).
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from pos_tui.domain.events import Event
from pos_tui.domain.postings import INVENTORY, Posting, combine

IN_TRANSIT = "assets:inventory-in-transit"


def transfer_id(store_id: str, number: int) -> str:
    return f"TR-{store_id[:8]}-{number}"


@dataclasses.dataclass(frozen=True)
class TransferLine:
    product_id: int  # this store's own id
    sku: str  # what the stores share: head office matches the two ends by it
    quantity: int  # thousandths, zero or more
    unit_cost: int
    cost: int  # quantity x unit cost, rounded once here


def _value(lines: tuple[TransferLine, ...]) -> int:
    return sum(line.cost for line in lines)


@dataclasses.dataclass(frozen=True)
class TransferRequested(Event):
    """The sending store asks head office to move goods to ``to_store``; nothing moves yet."""

    KIND: ClassVar[str] = "transfer.requested"
    transfer_id: str
    to_store: str
    lines: tuple[TransferLine, ...]


@dataclasses.dataclass(frozen=True)
class TransferShipped(Event):
    """The goods leave the sending store into in-transit, under head office's approval reference."""

    KIND: ClassVar[str] = "transfer.shipped"
    transfer_id: str
    to_store: str
    approval_ref: str
    lines: tuple[TransferLine, ...]

    def postings(self) -> tuple[Posting, ...]:
        value = _value(self.lines)
        return combine([Posting(IN_TRANSIT, value), Posting(INVENTORY, -value)])


@dataclasses.dataclass(frozen=True)
class TransferReceived(Event):
    """What the receiving store counted in; ``reason`` names any difference from what was shipped."""

    KIND: ClassVar[str] = "transfer.received"
    transfer_id: str
    from_store: str  # the prefix the transfer id carries
    reason: str
    lines: tuple[TransferLine, ...]

    def postings(self) -> tuple[Posting, ...]:
        value = _value(self.lines)
        return combine([Posting(INVENTORY, value), Posting(IN_TRANSIT, -value)])


TRANSFER_EVENTS: tuple[type[Event], ...] = (TransferRequested, TransferShipped, TransferReceived)
