"""Cash control events: shifts on a drawer, cash in and out of it, the no-sale, and the day's Z.

Money moves between a terminal's drawer account (the cash tender's account, e.g.
``assets:cash:drawer:T1``, named in each event so replay never needs the config) and
``assets:cash:safe`` or a category's account. A shift closes by posting its variance and banking the
counted cash into the safe, so a drawer's postings over one shift always net to zero; the next
shift's float comes out of the safe again.

Kinds: ``shift.opened``, ``shift.cashier_added``, ``shift.closed``, ``cash.paid_in``,
``cash.paid_out``, ``cash.dropped``, ``cash.expense``, ``drawer.opened``, ``day.closed``.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from pos_tui.domain.events import Event, JsonValue
from pos_tui.domain.postings import Posting, combine

SAFE = "assets:cash:safe"
CASH_SHORT = "expenses:cash-short"
CASH_OVER = "income:cash-over"


@dataclasses.dataclass(frozen=True)
class DenominationCount:
    value: int
    """Minor units of one note or coin (a Rs 500 note at exponent 2: 50000)."""
    count: int
    """How many of them; never negative."""


# --- shifts -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ShiftOpened(Event):
    """A shift starts on a terminal's drawer with a float taken from the safe."""

    KIND: ClassVar[str] = "shift.opened"
    shift_id: str  # "T1-S0007": terminal and its gapless shift number
    terminal: str
    number: int
    drawer: str
    float_amount: int
    float_counts: tuple[DenominationCount, ...]  # empty when the float was typed as one amount
    cashiers: tuple[str, ...]

    def postings(self) -> tuple[Posting, ...]:
        return combine([Posting(self.drawer, self.float_amount), Posting(SAFE, -self.float_amount)])


@dataclasses.dataclass(frozen=True)
class ShiftCashierAdded(Event):
    """One more cashier works the drawer of an open shift."""

    KIND: ClassVar[str] = "shift.cashier_added"
    shift_id: str
    username: str


@dataclasses.dataclass(frozen=True)
class ShiftClosed(Event):
    """A blind count closes the shift: the variance is booked and the counted cash goes to the safe."""

    KIND: ClassVar[str] = "shift.closed"
    shift_id: str
    terminal: str
    drawer: str
    counts: tuple[DenominationCount, ...]  # empty when only a total was counted
    counted: int
    expected: int  # what the drawer's postings in the shift add up to
    variance: int  # counted - expected: negative is short, positive is over

    def postings(self) -> tuple[Posting, ...]:
        other = CASH_OVER if self.variance > 0 else CASH_SHORT
        return combine([
            Posting(self.drawer, self.variance), Posting(other, -self.variance),
            Posting(SAFE, self.counted), Posting(self.drawer, -self.counted),
        ])


# --- cash in and out of the drawer ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CashPaidIn(Event):
    """Cash put into the drawer from outside a sale (change top-up from the owner, a repayment...)."""

    KIND: ClassVar[str] = "cash.paid_in"
    terminal: str
    shift_id: str
    drawer: str
    amount: int
    category: str
    account: str  # the category's account from config, fixed here so replay never reads the config
    note: str

    def postings(self) -> tuple[Posting, ...]:
        return combine([Posting(self.drawer, self.amount), Posting(self.account, -self.amount)])


@dataclasses.dataclass(frozen=True)
class CashPaidOut(Event):
    """Cash taken out of the drawer to pay for something (the milkman, cleaning, a taxi)."""

    KIND: ClassVar[str] = "cash.paid_out"
    terminal: str
    shift_id: str
    drawer: str
    amount: int
    category: str
    account: str
    note: str

    def postings(self) -> tuple[Posting, ...]:
        return combine([Posting(self.account, self.amount), Posting(self.drawer, -self.amount)])


@dataclasses.dataclass(frozen=True)
class CashDropped(Event):
    """Surplus cash taken from the drawer to the safe during a shift."""

    KIND: ClassVar[str] = "cash.dropped"
    terminal: str
    shift_id: str
    drawer: str
    amount: int
    note: str

    def postings(self) -> tuple[Posting, ...]:
        return combine([Posting(SAFE, self.amount), Posting(self.drawer, -self.amount)])


@dataclasses.dataclass(frozen=True)
class ExpensePaid(Event):
    """An expense paid in cash from the safe (the back office's petty cash), not from a drawer."""

    KIND: ClassVar[str] = "cash.expense"
    terminal: str
    amount: int
    category: str
    account: str
    note: str

    def postings(self) -> tuple[Posting, ...]:
        return combine([Posting(self.account, self.amount), Posting(SAFE, -self.amount)])


@dataclasses.dataclass(frozen=True)
class DrawerOpened(Event):
    """A no-sale: the drawer opened without money changing hands, and why."""

    KIND: ClassVar[str] = "drawer.opened"
    terminal: str
    shift_id: str
    reason: str


# --- closing the day --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class KeyedTotal:
    """One row of a breakdown: a payment method, a tax rate ("1700") or a category."""

    key: str
    count: int
    amount: int
    tax: int = 0


@dataclasses.dataclass(frozen=True)
class PeriodTotals:
    """What an X or Z report adds up over a range of the journal."""

    from_seq: int  # exclusive: the previous Z's last entry (0: the beginning)
    to_seq: int  # inclusive
    sales_count: int
    sales_total: int  # what the sales came to, tax included, before cash rounding
    tax_total: int
    discounts: int
    rounding: int
    returns_count: int
    returns_total: int  # partial and whole returns, voids excluded
    voids_count: int
    voids_total: int
    net_total: int  # sales_total - returns_total - voids_total
    average_sale: int
    by_method: tuple[KeyedTotal, ...]  # money taken in per method, net of change and refunds
    by_tax_rate: tuple[KeyedTotal, ...]  # amount: net of tax; tax: the tax; returns taken off
    by_category: tuple[KeyedTotal, ...]  # amount: gross; returns taken off
    paid_in: int
    paid_out: int
    drops: int
    expenses: int
    no_sales: int
    cash_variance: int  # sum of the variances of shifts closed in the range
    # Gift cards sold and reloaded: paid for on top of the goods (a promise, not a sale), so they explain
    # why the money by method exceeds the sales. Left out of the Z's payload when none were sold, so a
    # Z without gift cards hashes as it always did.
    gift_cards_sold_count: int = 0
    gift_cards_sold: int = 0


OMITTED_WHEN_ZERO = ("gift_cards_sold_count", "gift_cards_sold")


@dataclasses.dataclass(frozen=True)
class DayClosed(Event):
    """The Z: closes the store's business day. One per day, numbered without gaps per store."""

    KIND: ClassVar[str] = "day.closed"
    z_number: int
    day: str
    totals: PeriodTotals
    grand_total: int  # perpetual: every Z's net_total since the store opened
    head_seq: int  # the journal entry the Z covers up to (its hash is the head it certifies)
    head_hash: str
    open_shifts: tuple[str, ...] = ()  # shifts still open when a Z was forced

    def payload(self) -> dict[str, JsonValue]:
        data = super().payload()
        totals = data["totals"]
        assert isinstance(totals, dict)
        for name in OMITTED_WHEN_ZERO:
            if totals.get(name) == 0:
                del totals[name]
        return data


CASH_EVENTS: tuple[type[Event], ...] = (
    ShiftOpened,
    ShiftCashierAdded,
    ShiftClosed,
    CashPaidIn,
    CashPaidOut,
    CashDropped,
    ExpensePaid,
    DrawerOpened,
    DayClosed,
)
