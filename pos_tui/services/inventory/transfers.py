"""Stock transfers between the chain's stores, at the till: request, ship, receive, list, show.

The sending store requests (``pos transfer request --to STORE``) and, once head office has approved
(`pos hq transfer approve ID`, reference such as ``AP-7F3A9C``), ships. The approval reaches the store
as head office's event through `pos sync` and goes on the request, so nobody types it; a store cut off
from head office ships with the reference typed as head office gave it (by phone), and one that
disagrees with an approval already here is refused. The receiving
store counts what arrived against the transfer's id, whether or not the sender has synced: it does
not know what was shipped, so the difference (shrinkage, with the receiver's reason) is posted where
both ends meet, at head office. Nothing here ever blocks a sale: shipping more than the shelf holds
is recorded, and the store's stock going below zero is reported as an alert.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.domain.errors import InvalidAmount, InvalidInput, NotFound, RuleViolation
from pos_tui.domain.money import extend, format_quantity
from pos_tui.domain.permissions import Action, Approval
from pos_tui.domain.scan import parse_quantity
from pos_tui.domain.transfer_events import (
    TransferLine,
    TransferReceived,
    TransferRequested,
    TransferShipped,
    transfer_id,
)
from pos_tui.services.catalog import products
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session

_ID = re.compile(r"TR-([0-9a-f]{8})-([1-9][0-9]{0,8})", re.IGNORECASE)
_APPROVAL = re.compile(r"AP-[0-9A-F]{6}", re.IGNORECASE)
DEFAULT_REASON = "transit"


@dataclass(frozen=True)
class TransferLineView:
    product_id: int
    sku: str
    name: str
    requested: int
    shipped: int
    received: int


@dataclass(frozen=True)
class Transfer:
    transfer_id: str
    direction: str  # "out" (this store sends) or "in" (this store received it)
    other_store: str
    state: str  # requested, shipped, received
    approval_ref: str
    reason: str
    lines: tuple[TransferLineView, ...]


def parse_line(text: str, *, zero_allowed: bool = False) -> tuple[str, int]:
    """"CODE:QTY" -> (code, thousandths). A receiving count may be 0 (none of it arrived); a negative
    quantity is always refused."""
    code, colon, quantity = text.rpartition(":")
    if not colon or not code.strip():
        raise InvalidInput(f"{text!r} is not a transfer line.", "Write CODE:QTY, e.g. TEA-200:12.")
    typed = quantity.strip()
    if typed.startswith("-"):
        raise InvalidAmount(f"The quantity of {code.strip()} cannot be negative ({typed}).",
                            "Nothing was changed; type how many go (or arrived), zero or more.")
    if zero_allowed and typed.strip("0.") == "" and typed:
        return code.strip(), 0
    return code.strip(), parse_quantity(typed)


def normal_id(text: str) -> str:
    match = _ID.fullmatch(text.strip())
    if match is None:
        raise InvalidInput(f"{text.strip()!r} is not a transfer id.",
                           "Type it as printed when it was requested, e.g. TR-1a2b3c4d-1.")
    return f"TR-{match.group(1).lower()}-{int(match.group(2))}"


def get_transfer(session: Session, tid: str) -> Transfer:
    tid = normal_id(tid)
    conn = session.ledger.conn
    row = conn.execute("SELECT direction, other_store, state, approval_ref, reason FROM transfers"
                       " WHERE transfer_id = ?", (tid,)).fetchone()
    if row is None:
        raise NotFound(f"This store has no transfer {tid}.",
                       "`pos transfer list` shows this store's transfers; one is shipped by the store that requested"
                       " it and known at the other once received.")
    lines = conn.execute("SELECT l.product_id, l.sku, coalesce(p.name, ''), l.requested, l.shipped, l.received"
                         " FROM transfer_lines l LEFT JOIN products p USING (product_id) WHERE l.transfer_id = ?"
                         " ORDER BY l.sku", (tid,)).fetchall()
    direction, other_store, state, approval_ref, reason = row
    return Transfer(tid, direction, other_store, state, approval_ref, reason,
                    tuple(TransferLineView(*line) for line in lines))


def list_transfers(session: Session, *, state: str = "", limit: int = 100) -> list[Transfer]:
    rows = session.ledger.conn.execute(
        "SELECT transfer_id FROM transfers WHERE ? = '' OR state = ? ORDER BY max(requested_seq, shipped_seq,"
        " received_seq) DESC LIMIT ?", (state, state, limit)).fetchall()
    return [get_transfer(session, tid) for (tid,) in rows]


def _lines(session: Session, lines: Sequence[tuple[str, int]], what: str) -> tuple[TransferLine, ...]:
    if not lines:
        raise InvalidInput(f"A transfer {what} needs at least one line.", "Add CODE:QTY lines, e.g. TEA-200:12.")
    chosen: dict[int, TransferLine] = {}
    for code, quantity in lines:
        if quantity < 0:
            raise InvalidAmount(f"The quantity of {code} cannot be negative.", "Nothing was changed.")
        product = products.show_product(session, code)
        before = chosen.get(product.product_id)
        total = quantity + (before.quantity if before else 0)
        chosen[product.product_id] = TransferLine(product.product_id, product.sku, total, product.cost,
                                                  extend(total, product.cost))
    return tuple(sorted(chosen.values(), key=lambda line: line.sku))


def request(session: Session, to_store: str, lines: Sequence[tuple[str, int]], *,
            approval: Approval | None = None) -> Transfer:
    """Ask head office to move these goods from this store to ``to_store`` (a store id as `pos hq store
    list` shows it). Nothing moves until the transfer is shipped."""
    to_store = to_store.strip()
    own = session.ledger.store_info().store_id
    if not to_store:
        raise InvalidInput("A transfer needs the store it goes to.", "Give --to with the store's id.")
    if to_store == own:
        raise InvalidInput("A transfer goes to another store, not to this one.", "Check the store id given with --to.")
    approvals = authz.require(session, Action.STOCK_ADJUST, approval)
    with session.ledger.write():
        wanted = _lines(session, lines, "request")
        for line in wanted:
            products.refuse_retired(products.get_product(session, line.product_id), "transferred")
        (count,) = session.ledger.conn.execute("SELECT count(*) FROM transfers WHERE direction = 'out'").fetchone()
        tid = transfer_id(own, count + 1)
        session.record(TransferRequested(tid, to_store, wanted, approvals=approvals))
    return get_transfer(session, tid)


def ship(session: Session, tid: str, approval_ref: str, lines: Sequence[tuple[str, int]] = (), *,
         approval: Approval | None = None) -> tuple[Transfer, list[str]]:
    """The goods leave this store into in-transit: the requested lines, or ``lines`` as packed. Returns
    the transfer and the alerts for stock gone below zero (never a refusal)."""
    tid = normal_id(tid)
    typed = approval_ref.strip().upper()
    approvals = authz.require(session, Action.STOCK_ADJUST, approval)
    with session.ledger.write():
        transfer = get_transfer(session, tid)
        reference = typed or transfer.approval_ref
        if transfer.direction != "out":
            raise RuleViolation(f"Transfer {tid} came to this store: it is shipped by the store that requested it.",
                                "Nothing was changed.")
        if transfer.state != "requested":
            raise RuleViolation(f"Transfer {tid} was already shipped.", "Nothing was changed; `pos transfer show "
                                f"{tid}` shows what left.")
        if not reference:
            raise RuleViolation(f"Transfer {tid} is not approved: nothing leaves without head office's approval.",
                                f"Nothing was changed; ask head office to run `pos hq transfer approve {tid}`: the"
                                " approval arrives with `pos sync` (or give the reference it prints with"
                                " --approval).")
        if _APPROVAL.fullmatch(reference) is None:
            raise InvalidInput(f"{approval_ref.strip()!r} is not an approval reference.",
                               "Nothing was changed; type it as head office printed it, e.g. AP-7F3A9C.")
        if transfer.approval_ref and reference != transfer.approval_ref:
            raise RuleViolation(f"Head office approved transfer {tid} as {transfer.approval_ref}, not {reference}.",
                                "Nothing was changed; ship it without --approval (the approval is here).")
        requested = [(line.sku, line.requested) for line in transfer.lines if line.requested]
        packed = _lines(session, lines or requested, "shipment")
        if not any(line.quantity for line in packed):
            raise InvalidAmount(f"Nothing would leave with transfer {tid}.", "Give at least one quantity above zero.")
        session.record(TransferShipped(tid, transfer.other_store, reference, packed, approvals=approvals))
        alerts = []
        for line in packed:
            product = products.get_product(session, line.product_id)
            if product.on_hand < 0:
                alerts.append(f"{product.sku} is now at {format_quantity(product.on_hand)} in this store's stock:"
                              " count it (`pos stock adjust`).")
    return get_transfer(session, tid), alerts


def receive(session: Session, tid: str, lines: Sequence[tuple[str, int]], reason: str = "", *,
            approval: Approval | None = None) -> Transfer:
    """What arrived of another store's transfer, counted here; ``reason`` names any difference from what
    was shipped (head office posts it to shrinkage when it holds both ends)."""
    tid = normal_id(tid)
    sender = tid.split("-")[1]
    own = session.ledger.store_info().store_id
    if own.startswith(sender):
        raise RuleViolation(f"Transfer {tid} is this store's own: it is received at the store it was sent to.",
                            "Nothing was changed.")
    approvals = authz.require(session, Action.STOCK_RECEIVE, approval)
    with session.ledger.write():
        held = session.ledger.conn.execute("SELECT received_seq FROM transfers WHERE transfer_id = ?",
                                           (tid,)).fetchone()
        if held is not None:
            raise RuleViolation(f"Transfer {tid} was already received here (journal entry {held[0]}).",
                                "Nothing was changed; a later find is a stock adjustment (`pos stock adjust`).")
        counted = _lines(session, lines, "receipt")
        session.record(TransferReceived(tid, sender, reason.strip() or DEFAULT_REASON, counted, approvals=approvals))
    return get_transfer(session, tid)
