"""Events of a restaurant's floor: tables opened, order lines added and voided one by one, what was sent
to each kitchen station (a fact, never worked out by comparing orders), transfers, merges and splits,
and bills paid.

Each line is its own event, so waiters on several seats adding to one table never overwrite each
other. A paid bill is an ordinary ``sale.completed`` written in the same transaction as the
``table.paid`` below, which links the sale to the order's lines and posts the tip to
``liabilities:tips``.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from pos_tui.domain.events import Event
from pos_tui.domain.postings import Posting

TIPS = "liabilities:tips"


@dataclasses.dataclass(frozen=True)
class Modifier:
    """A sub-line of an order line: "extra cheese" at 150 a unit, "no onions" free."""

    name: str
    price: int  # minor units per unit of the line


@dataclasses.dataclass(frozen=True)
class TableOpened(Event):
    KIND: ClassVar[str] = "table.opened"
    table: int
    order: int  # the order's number, unique in the store
    covers: int  # guests at the table


@dataclasses.dataclass(frozen=True)
class OrderLineAdded(Event):
    """One line on an order: a portion (a product of a group, with its own price) with its modifiers."""

    KIND: ClassVar[str] = "table.line_added"
    order: int
    line: int  # unique in the store: a line keeps its number through transfers, merges and splits
    product_id: int
    sku: str
    name: str  # the product's name with its portion: "Pizza (Large)"
    category: str
    unit_price: int  # the portion's price, before modifiers
    quantity: int  # thousandths
    modifiers: tuple[Modifier, ...]
    note: str
    course: int  # 1 first
    seat: int  # 0 for the table as a whole
    station: str  # where its ticket prints, fixed when the line is added

    @property
    def price_with_modifiers(self) -> int:
        return self.unit_price + sum(m.price for m in self.modifiers)


@dataclasses.dataclass(frozen=True)
class OrderLineVoided(Event):
    """A line taken off. After it was sent, a supervisor approves and its station gets a VOID ticket."""

    KIND: ClassVar[str] = "table.line_voided"
    order: int
    line: int
    reason: str
    ticket: int  # the VOID ticket's number; 0 when the line had not been sent


@dataclasses.dataclass(frozen=True)
class KitchenTicket:
    number: int  # unique in the store, in the order tickets were made
    station: str
    lines: tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class OrderSent(Event):
    """Lines sent to their stations: every line not sent yet whose course is fired. ``fired`` is the
    course fired up to (a Send keeps the order's; "fire course N" raises it to N)."""

    KIND: ClassVar[str] = "table.sent"
    order: int
    fired: int
    tickets: tuple[KitchenTicket, ...]


@dataclasses.dataclass(frozen=True)
class TicketReprinted(Event):
    KIND: ClassVar[str] = "table.ticket_reprinted"
    ticket: int


@dataclasses.dataclass(frozen=True)
class TableTransferred(Event):
    """An order moved to a free table."""

    KIND: ClassVar[str] = "table.transferred"
    order: int
    from_table: int
    to_table: int


@dataclasses.dataclass(frozen=True)
class OrdersMerged(Event):
    """One order's lines and covers moved onto another table's order; the first order is closed."""

    KIND: ClassVar[str] = "table.merged"
    order: int
    into_order: int


@dataclasses.dataclass(frozen=True)
class LinesMoved(Event):
    """A table split: some lines moved to another order (``opened`` when it was opened for them, on a
    free table, with ``covers`` guests taken from the first)."""

    KIND: ClassVar[str] = "table.split"
    order: int
    into_order: int
    to_table: int
    lines: tuple[int, ...]
    covers: int
    opened: bool


@dataclasses.dataclass(frozen=True)
class BillPresented(Event):
    """The pre-bill printed: the table is billing until it is paid (or a line is added)."""

    KIND: ClassVar[str] = "table.prebilled"
    order: int


@dataclasses.dataclass(frozen=True)
class BillSplitEqually(Event):
    """What is left on the order, split into ``parts`` equal parts (the remainder paisa go to the first)."""

    KIND: ClassVar[str] = "table.bill_split"
    order: int
    parts: int


@dataclasses.dataclass(frozen=True)
class PaidLine:
    """An order line on a paying sale: the sale's line ``line_no`` was order line ``line``."""

    line: int
    gross: int  # what this sale took for it (a share, for an equal part)


@dataclasses.dataclass(frozen=True)
class BillPaid(Event):
    """A bill, or a part of one, paid by the sale ``terminal``-``number`` written just before it
    (journal entry ``sale_seq``, in the same transaction).

    ``lines``: the order lines that sale paid, in the sale's line order; for an equal part, a share of
    each, ``part`` of ``parts``. ``closed``: nothing is left to pay, the table is free.
    """

    KIND: ClassVar[str] = "table.paid"
    order: int
    sale_seq: int
    terminal: str
    number: int
    total: int  # the sale's total
    lines: tuple[PaidLine, ...]
    part: int  # 0 for whole lines; k of ``parts`` for an equal part
    parts: int
    tip: int
    tip_account: str  # the tender's account the tip came in on; "" without a tip
    closed: bool

    def postings(self) -> tuple[Posting, ...]:
        if not self.tip:
            return ()
        return (Posting(self.tip_account, self.tip), Posting(TIPS, -self.tip))


@dataclasses.dataclass(frozen=True)
class TableClosed(Event):
    """A table freed with nothing left to pay: opened by mistake, or every unpaid line voided."""

    KIND: ClassVar[str] = "table.closed"
    order: int


RESTAURANT_EVENTS: tuple[type[Event], ...] = (
    TableOpened,
    OrderLineAdded,
    OrderLineVoided,
    OrderSent,
    TicketReprinted,
    TableTransferred,
    OrdersMerged,
    LinesMoved,
    BillPresented,
    BillSplitEqually,
    BillPaid,
    TableClosed,
)
