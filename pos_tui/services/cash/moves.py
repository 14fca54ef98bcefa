"""Cash in and out of a drawer outside a sale, an expense from the safe, and the no-sale.

The API (stable; the cash screens and `pos cash` call it). Amounts are minor units, above zero.
Every drawer movement needs an open shift on the session's terminal and records its id.

``paid_in(session, amount, category, note="", *, approval=None) -> CashMove``
    Cash into the drawer; ``category`` from ``[cash.paid_in_categories]`` (its account is credited).
    Guarded by ``Action.PAID_IN``.
``paid_out(session, amount, category, note, *, approval=None) -> CashMove``
    Cash out of the drawer for ``[cash.expense_categories]``. Guarded by ``Action.PAID_OUT``; more
    than the drawer should hold is refused (RuleViolation naming what it should hold), before any
    approval is asked: no approval makes cash that is not there.
``drop(session, amount, note="", *, approval=None) -> CashMove``
    Drawer to safe; never more than the drawer should hold (refused the same way). Guarded by
    ``Action.CASH_DROP``.
``expense(session, amount, category, note, *, approval=None) -> CashMove``
    An expense paid from the safe (no drawer, no shift). Guarded by ``Action.PAID_OUT``.
``no_sale(session, reason, *, approval=None) -> CashMove``
    Records that the drawer was opened with no sale, and why. Guarded by ``Action.NO_SALE``. The
    caller kicks the drawer (``ReceiptPrinter.kick_drawer``) after this returns.
``categories(session, kind) -> dict[str, str]``
    ``kind`` "paid_in" or "expense": category -> account, for pick lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.domain.cash_events import SAFE, CashDropped, CashPaidIn, CashPaidOut, DrawerOpened, ExpensePaid
from pos_tui.domain.errors import InvalidAmount, InvalidInput, RuleViolation
from pos_tui.domain.money import check_amount
from pos_tui.domain.permissions import Action, Approval
from pos_tui.services.cash.shifts import ShiftInfo, drawer_expected, require_open_shift
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.domain.events import Event
    from pos_tui.services.session import Session


@dataclass(frozen=True)
class CashMove:
    seq: int
    kind: str
    shift_id: str  # "" for an expense from the safe
    amount: int
    category: str
    account: str  # where the money came from or went (the safe for a drop)
    note: str
    drawer_after: int | None  # what the drawer should hold now (None: no drawer involved)


def categories(session: Session, kind: str) -> dict[str, str]:
    cash = session.settings.cash
    return dict(cash.paid_in_categories if kind == "paid_in" else cash.expense_categories)


def _amount(session: Session, amount: int, what: str) -> int:
    if amount <= 0:
        raise InvalidAmount(f"A {what} must be more than zero.", "Type the amount of cash.")
    return check_amount(amount, session.currency.exponent)


def _account(session: Session, kind: str, category: str) -> str:
    known = categories(session, kind)
    if category not in known:
        label = "a paid-in" if kind == "paid_in" else "an expense"
        raise InvalidInput(f"{category!r} is not {label} category here.",
                           f"Use one of: {', '.join(known) or 'none (add some under [cash] in the config)'}.")
    return known[category]


def _note(note: str, what: str, required: bool) -> str:
    note = " ".join(note.split())
    if required and not note:
        raise InvalidInput(f"A {what} needs a note.", "Say who was paid and for what.")
    return note


_TAKE_LESS = {
    "paid-out": "Pay out {} or less, or pay it from the safe as an expense.",
    "drop": "Drop {} or less; count the drawer at the shift close to find any difference.",
}


def _within_drawer(session: Session, amount: int, what: str) -> None:
    """Refuse taking out more cash than the drawer should hold: it would leave the books saying the
    drawer holds a negative amount. Checked before asking for approval, and again inside the write."""
    held = drawer_expected(session)
    if amount > held:
        raise RuleViolation(
            f"The drawer should hold {session.money(held)}; a {what} of {session.money(amount)} is more than that.",
            _TAKE_LESS[what].format(session.money(max(held, 0))),
        )


def _record(session: Session, event: Event, shift: ShiftInfo | None) -> CashMove:
    entry = session.record(event)
    p = entry.payload
    after = drawer_expected(session) if shift is not None else None
    return CashMove(entry.seq, entry.kind, p.get("shift_id", ""), p.get("amount", 0),
                    p.get("category", ""), p.get("account", SAFE if entry.kind == "cash.dropped" else ""),
                    p.get("note", p.get("reason", "")), after)


def paid_in(session: Session, amount: int, category: str, note: str = "", *,
            approval: Approval | None = None) -> CashMove:
    amount = _amount(session, amount, "paid-in")
    account = _account(session, "paid_in", category)
    note = _note(note, "paid-in", False)
    approvals = authz.require(session, Action.PAID_IN, approval)
    with session.ledger.write():
        shift = require_open_shift(session)
        return _record(session, CashPaidIn(session.terminal, shift.shift_id, shift.drawer, amount, category, account,
                                           note, approvals=approvals), shift)


def paid_out(session: Session, amount: int, category: str, note: str, *,
             approval: Approval | None = None) -> CashMove:
    amount = _amount(session, amount, "paid-out")
    account = _account(session, "expense", category)
    note = _note(note, "paid-out", True)
    _within_drawer(session, amount, "paid-out")
    approvals = authz.require(session, Action.PAID_OUT, approval)
    with session.ledger.write():
        shift = require_open_shift(session)
        _within_drawer(session, amount, "paid-out")  # a sale or a drop may have moved it meanwhile
        return _record(session, CashPaidOut(session.terminal, shift.shift_id, shift.drawer, amount, category, account,
                                            note, approvals=approvals), shift)


def drop(session: Session, amount: int, note: str = "", *, approval: Approval | None = None) -> CashMove:
    amount = _amount(session, amount, "drop")
    note = _note(note, "drop", False)
    _within_drawer(session, amount, "drop")
    approvals = authz.require(session, Action.CASH_DROP, approval)
    with session.ledger.write():
        shift = require_open_shift(session)
        _within_drawer(session, amount, "drop")
        return _record(session, CashDropped(session.terminal, shift.shift_id, shift.drawer, amount, note,
                                            approvals=approvals), shift)


def expense(session: Session, amount: int, category: str, note: str, *,
            approval: Approval | None = None) -> CashMove:
    amount = _amount(session, amount, "expense")
    account = _account(session, "expense", category)
    note = _note(note, "expense", True)
    approvals = authz.require(session, Action.PAID_OUT, approval)
    with session.ledger.write():
        return _record(session, ExpensePaid(session.terminal, amount, category, account, note, approvals=approvals),
                       None)


def no_sale(session: Session, reason: str, *, approval: Approval | None = None) -> CashMove:
    reason = _note(reason, "no-sale", False)
    if not reason:
        raise InvalidInput("A no-sale needs a reason.", "Say why the drawer is opened, e.g. 'change for a note'.")
    approvals = authz.require(session, Action.NO_SALE, approval)
    with session.ledger.write():
        shift = require_open_shift(session)
        return _record(session, DrawerOpened(session.terminal, shift.shift_id, reason, approvals=approvals), shift)
