"""Gift cards: sell and reload them on a sale, pay with them, refund onto them, check, block and unblock.

A card's balance is the sum of its moves in ``gift_card_moves``. The moves of a sale are checked in
``sale_moves`` INSIDE the sale's ``BEGIN IMMEDIATE`` transaction, so two tills paying with one card
at the same moment are serialised by SQLite: the second sees the first's move and is told the
balance it left.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import InvalidInput, NotFound, RuleViolation
from pos_tui.domain.giftcard_events import GiftCardBlocked, GiftCardUnblocked
from pos_tui.domain.giftcards import (
    GIFT_CARD_TENDER,
    GIFT_CARDS,
    NUMBER_LENGTH,
    CardState,
    GiftCardMove,
    card_number,
    card_states_after,
    check_load,
    check_number,
    check_redeem,
    masked,
)
from pos_tui.domain.permissions import Action, Approval
from pos_tui.domain.tender import Tender
from pos_tui.services.chain.offline import refuse_offline_redemption
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session


@dataclass(frozen=True)
class CardMoveRow:
    seq: int
    at: str
    kind: str
    amount: int
    delta: int


@dataclass(frozen=True)
class CardBalance:
    number: str
    currency: str
    balance: int
    blocked: bool
    moves: tuple[CardMoveRow, ...]


def states_of(conn: sqlite3.Connection, numbers: Iterable[str]) -> dict[str, CardState]:
    """The cards among ``numbers`` that exist, with their balances summed from their moves."""
    states = {}
    for number in set(numbers):
        row = conn.execute(
            "SELECT c.currency, c.blocked, (SELECT COALESCE(SUM(delta), 0) FROM gift_card_moves m"
            " WHERE m.number = c.number) FROM gift_cards c WHERE c.number = ?",
            (number,),
        ).fetchone()
        if row is not None:
            states[number] = CardState(number, row[0], row[2], bool(row[1]))
    return states


def _require_tender(session: Session) -> None:
    method = session.tender_methods.get(GIFT_CARD_TENDER)
    if method is None or method.account != GIFT_CARDS:
        raise RuleViolation(
            "Gift cards are not set up on this till.",
            f'Add a [[tenders]] entry with code = "{GIFT_CARD_TENDER}" and account = "{GIFT_CARDS}" to pos.toml.',
        )


def new_number(session: Session) -> str:
    """A card number nobody has: the configured prefix, random digits (a bearer card must not be
    guessable from the last one sold), and the Luhn check digit."""
    prefix = session.settings.gift_cards.prefix
    conn = session.ledger.conn
    while True:
        body = prefix + "".join(str(secrets.randbelow(10)) for _ in range(NUMBER_LENGTH - 1 - len(prefix)))
        number = card_number(body)
        if conn.execute("SELECT 1 FROM gift_cards WHERE number = ?", (number,)).fetchone() is None:
            return number


def load(session: Session, number: str | None, amount: int, *, reload: bool = False) -> GiftCardMove:
    """A card to sell (a new number when ``number`` is None) or reload, as a line for the cart.

    Checked now so the cashier hears at once; checked again when the sale is recorded."""
    _require_tender(session)
    if number is None:
        if reload:
            raise InvalidInput("A reload needs the card's number.", "Scan the card to reload.")
        number = new_number(session)
    number = check_number(number)
    move = GiftCardMove(number, "reloaded" if reload else "sold", amount, session.currency.code)
    check_load(states_of(session.ledger.conn, [number]).get(number), move, session.money)
    return move


def add_to_cart(session: Session, cart: Cart, number: str | None, amount: int, *, reload: bool = False) -> Cart:
    return cart.with_gift_card(load(session, number, amount, reload=reload))


def tender(session: Session, number: str, amount: int) -> Tender:
    """Paying ``amount`` with card ``number``: checked now against its balance (and again at the sale)."""
    _require_tender(session)
    number = check_number(number)
    move = GiftCardMove(number, "redeemed", amount, session.currency.code)
    check_redeem(states_of(session.ledger.conn, [number]).get(number), move, session.money)
    _refuse_offline(session, amount)
    return Tender(GIFT_CARD_TENDER, amount, card=number)


def _refuse_offline(session: Session, redeemed: int) -> None:
    rules = session.settings.gift_cards
    refuse_offline_redemption(session, "gift cards", redeemed, rules.offline_after_minutes, rules.offline_redeem_limit)


def sale_moves(session: Session, cart: Cart, tenders: Sequence[Tender]) -> tuple[GiftCardMove, ...]:
    """The gift-card moves of a sale: the cart's loads, then the cards paid with, checked in order
    against the balances as they are now. Call inside the sale's write transaction."""
    moves = list(cart.gift_cards)
    for t in tenders:
        if t.method == GIFT_CARD_TENDER:
            if not t.card:
                raise InvalidInput("A gift card payment needs the card's number.", "Scan the card.")
            moves.append(GiftCardMove(check_number(t.card), "redeemed", t.amount, session.currency.code))
        elif t.card:
            raise InvalidInput(f"A {t.method} payment does not take a gift card number.", "Pay by gift card.")
    if not moves:
        return ()
    _require_tender(session)
    card_states_after(states_of(session.ledger.conn, (m.number for m in moves)), moves, session.money)
    _refuse_offline(session, sum(m.amount for m in moves if m.kind == "redeemed"))
    return tuple(moves)


def refund_move(session: Session, number: str, amount: int) -> GiftCardMove:
    """A refund put onto card ``number``. Call inside the return's write transaction."""
    _require_tender(session)
    if not number:
        raise InvalidInput("A refund to a gift card needs the card's number.", "Scan the card.")
    move = GiftCardMove(check_number(number), "refunded", amount, session.currency.code)
    card_states_after(states_of(session.ledger.conn, [move.number]), [move], session.money)
    return move


def balance_after(session: Session, number: str, seq: int) -> int:
    """What card ``number`` held just after journal entry ``seq`` (for the receipt of that sale)."""
    return int(session.ledger.conn.execute(
        "SELECT COALESCE(SUM(delta), 0) FROM gift_card_moves WHERE number = ? AND seq <= ?", (number, seq)
    ).fetchone()[0])


def has_moves(session: Session, seq: int) -> bool:
    """Whether the sale or return at ``seq`` moved a gift card."""
    return session.ledger.conn.execute("SELECT 1 FROM gift_card_moves WHERE seq = ?", (seq,)).fetchone() is not None


def moves_of(session: Session, seq: int) -> tuple[GiftCardMove, ...]:
    """The gift-card moves the sale or return at ``seq`` made, in order (for its receipt)."""
    return tuple(
        GiftCardMove(number, kind, amount, currency)
        for number, kind, amount, currency in session.ledger.conn.execute(
            "SELECT m.number, m.kind, m.amount, c.currency FROM gift_card_moves m"
            " JOIN gift_cards c ON c.number = m.number WHERE m.seq = ? ORDER BY m.n",
            (seq,),
        )
    )


def balance(session: Session, number: str) -> CardBalance:
    """A card's balance and its history (every move with its journal entry)."""
    number = check_number(number)
    state = states_of(session.ledger.conn, [number]).get(number)
    if state is None:
        raise NotFound(f"Gift card {masked(number)} is not known here.", "Check the number, or sell it first.")
    moves = tuple(
        CardMoveRow(*row)
        for row in session.ledger.conn.execute(
            "SELECT m.seq, j.at, m.kind, m.amount, m.delta FROM gift_card_moves m JOIN journal j ON j.seq = m.seq"
            " WHERE m.number = ? ORDER BY m.seq, m.n",
            (number,),
        )
    )
    return CardBalance(number, state.currency, state.balance, state.blocked, moves)


def outstanding(session: Session) -> list[tuple[str, int]]:
    """Every card that still holds money, with what it holds: together, the gift-card liability."""
    return [
        (number, held)
        for number, held in session.ledger.conn.execute(
            "SELECT number, SUM(delta) FROM gift_card_moves GROUP BY number HAVING SUM(delta) != 0 ORDER BY number"
        )
    ]


def block(session: Session, number: str, reason: str, approval: Approval | None = None) -> int:
    """Block a card reported lost: nobody can pay with, reload or refund onto it until it is unblocked."""
    return _set_blocked(session, number, reason, approval, blocked=True)


def unblock(session: Session, number: str, reason: str, approval: Approval | None = None) -> int:
    """Give a blocked card its use back (a manager's decision: the owner showed it is theirs)."""
    return _set_blocked(session, number, reason, approval, blocked=False)


def _set_blocked(session: Session, number: str, reason: str, approval: Approval | None, *, blocked: bool) -> int:
    if not reason.strip():
        raise InvalidInput("Say why." if blocked else "An unblock needs a reason.",
                           "E.g. 'reported lost by the owner'." if blocked else "E.g. 'owner showed the receipt'.")
    number = check_number(number)
    approvals = authz.require(session, Action.GIFT_CARD_BLOCK if blocked else Action.GIFT_CARD_UNBLOCK, approval)
    with session.ledger.write():
        state = states_of(session.ledger.conn, [number]).get(number)
        if state is None:
            raise NotFound(f"Gift card {masked(number)} is not known here.", "Check the number on the card.")
        if state.blocked == blocked:
            raise RuleViolation(f"Gift card {masked(number)} is already {'blocked' if blocked else 'usable'}.",
                                "Nothing was changed.")
        event = (GiftCardBlocked if blocked else GiftCardUnblocked)(number, reason.strip(), approvals=approvals)
        return session.record(event).seq
