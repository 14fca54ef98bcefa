"""Events of customers: who they are (by id and a salted commitment, never by name), and the money the
shop owes them (loyalty points and store credit), as an activity ledger.

No personal field goes into a payload: payloads are hashed for ever, and a customer can be forgotten.
A customer's name, phone and email live in ``customer_people`` (db/0009_customers.sql), outside the
chain, with the salt of the commitment; ``pos customer forget`` deletes that row and every hash still
holds. A balance is the sum of a customer's activity rows, each written by one of these events.

A sale's customer rides in the sale itself (``SaleCompleted.customer``, ``domain/events.py``): the
points its lines earned and what it spent. Points move in the books at their value: earning posts
``expenses:loyalty`` against ``liabilities:loyalty`` in the sale's postings; redeeming is the sale's
``points`` tender (it debits the liability in the same postings); expiry moves the liability to
``income:loyalty-breakage``. Store credit is issued by a return refunded with the ``store-credit``
tender and spent as the same tender at a sale.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from pos_tui.domain.events import Event
from pos_tui.domain.postings import Posting, combine

LOYALTY_LIABILITY = "liabilities:loyalty"
LOYALTY_EXPENSE = "expenses:loyalty"
LOYALTY_BREAKAGE = "income:loyalty-breakage"
STORE_CREDIT_LIABILITY = "liabilities:store-credit"


@dataclasses.dataclass(frozen=True)
class CustomerAdded(Event):
    KIND: ClassVar[str] = "customer.added"
    customer_id: int
    card: str  # the number printed on the customer's card (check digit included)
    commitment: str  # sha256 of the salt and the personal fields: proves them while the salt exists


@dataclasses.dataclass(frozen=True)
class CustomerChanged(Event):
    """The personal fields were edited: a new commitment (with a new salt) replaces the old one."""

    KIND: ClassVar[str] = "customer.changed"
    customer_id: int
    commitment: str


@dataclasses.dataclass(frozen=True)
class CustomersMerged(Event):
    """Two records of one person: the first's history and balances move to the second."""

    KIND: ClassVar[str] = "customer.merged"
    from_id: int
    into_id: int


@dataclasses.dataclass(frozen=True)
class CustomerForgotten(Event):
    """The customer's personal fields and salt were erased (in the same transaction). Balances stay."""

    KIND: ClassVar[str] = "customer.forgotten"
    customer_id: int


@dataclasses.dataclass(frozen=True)
class CustomerReturn(Event):
    """A return or void touching a customer's balances (written in the return's transaction, after it).

    ``points_back`` are the points the returned lines had earned, taken back. ``points_restored`` come
    back to the customer: the points a voided sale was paid with, or (default policy) the value of
    earned points already spent, withheld from the refund as a ``points`` refund line so that the
    balance ends at zero, never below. ``credit_issued``: the return's store-credit refund."""

    KIND: ClassVar[str] = "customer.return"
    customer_id: int
    return_seq: int
    points_back: int
    back_value: int
    points_restored: int
    restored_value: int  # posted by the return event's own ``points`` refund line
    credit_issued: int  # posted by the return event's own ``store-credit`` refund line

    def postings(self) -> tuple[Posting, ...]:
        return combine([Posting(LOYALTY_LIABILITY, self.back_value), Posting(LOYALTY_EXPENSE, -self.back_value)])


@dataclasses.dataclass(frozen=True)
class ExpiredPoints:
    customer_id: int
    points: int
    value: int


@dataclasses.dataclass(frozen=True)
class PointsExpired(Event):
    """Breakage: points earned before ``cutoff`` and never spent, out of the liability into income."""

    KIND: ClassVar[str] = "loyalty.points_expired"
    cutoff: str  # UTC, journal format: points earned before this moment expired
    customers: tuple[ExpiredPoints, ...]

    def postings(self) -> tuple[Posting, ...]:
        value = sum(c.value for c in self.customers)
        return combine([Posting(LOYALTY_LIABILITY, value), Posting(LOYALTY_BREAKAGE, -value)])


CUSTOMER_EVENTS: tuple[type[Event], ...] = (
    CustomerAdded,
    CustomerChanged,
    CustomersMerged,
    CustomerForgotten,
    CustomerReturn,
    PointsExpired,
)
