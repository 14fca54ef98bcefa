"""In a chain, a store that has not heard from head office for longer than pos.toml allows refuses gift-card
and points redemption above a limit, says why, and changes nothing; a store outside a chain never does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pos_tui.config import LoyaltySettings, Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import RuleViolation
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.chain import outbox
from pos_tui.services.chain.wire import Head
from pos_tui.services.customers import accounts, balances
from pos_tui.services.customers.accounts import Person
from pos_tui.services.giftcards import cards
from pos_tui.services.giftcards.settings import GiftCardSettings
from pos_tui.services.selling import sales
from pos_tui.services.session import Session

from .conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store

SETTINGS = Settings(gift_cards=GiftCardSettings(offline_after_minutes=60, offline_redeem_limit=50_000),
                    loyalty=LoyaltySettings(offline_after_minutes=60, offline_redeem_limit=2_000))


def _heard_from_head_office(session: Session, ago: timedelta) -> None:
    """What the sync worker does when head office answers: record its verified head, at that moment."""
    state = outbox.sync_state(session.ledger, session.terminal)
    assert state is not None
    head = session.ledger.head()
    outbox.record_head(session.ledger, Head(state.store, state.terminal, state.epoch, head.seq, head.hash),
                       now=datetime.now(UTC) - ago)


def _head(session: Session) -> int:
    return session.ledger.head().seq


def _sell_card(session: Session, amount: int) -> str:
    cart = cards.add_to_cart(session, Cart(), None, amount)
    sales.complete_sale(session, cart, [Tender("cash", amount)])
    return cart.gift_cards[0].number


def _goods(session: Session, *codes: str) -> Cart:
    cart = Cart()
    for code in codes:
        cart = cart.add(products.resolve_scan(session, code))
    return cart


def test_offline_for_three_hours_a_gift_card_above_the_limit_is_refused_with_why_and_nothing_changes(
        store_path: Path) -> None:
    session = make_store(store_path, SETTINGS)
    number = _sell_card(session, 200_000)
    _heard_from_head_office(session, timedelta(hours=3, minutes=5))
    head = _head(session)
    two_teas = _goods(session, TEA_BARCODE, TEA_BARCODE)  # Rs 900
    said = (r"offline from head office for 3 h; gift cards above Rs\s?500\.00 can't be redeemed until the store"
            r" syncs \(Rs\s?900\.00 was asked\)")
    with pytest.raises(RuleViolation, match=said):
        cards.tender(session, number, 90_000)
    with pytest.raises(RuleViolation, match=said):
        sales.complete_sale(session, two_teas, [Tender("gift-card", 90_000, card=number)])
    # Two payments from one card in one sale count together.
    with pytest.raises(RuleViolation, match="offline"):
        sales.complete_sale(session, two_teas, [Tender("gift-card", 45_000, card=number),
                                                Tender("gift-card", 45_000, card=number)])
    assert _head(session) == head and cards.balance(session, number).balance == 200_000
    # Up to the limit still works offline.
    sales.complete_sale(session, _goods(session, TEA_BARCODE), [cards.tender(session, number, 45_000)])
    # Head office answers: the store is online again, and the rest can be spent.
    _heard_from_head_office(session, timedelta(0))
    sales.complete_sale(session, two_teas, [cards.tender(session, number, 90_000)])
    assert cards.balance(session, number).balance == 200_000 - 45_000 - 90_000
    session.close()
    assert_verifies(store_path)


def test_offline_points_above_the_limit_are_refused_and_a_short_gap_is_not_offline(store_path: Path) -> None:
    session = make_store(store_path, SETTINGS)
    customer = accounts.add_customer(session, Person("Ayesha Khan", "0300 1234567")).customer_id
    for _ in range(12):  # 5400 points, worth Rs 54
        sales.complete_sale(session, _goods(session, TEA_BARCODE), [Tender("cash", 45_000)], customer_id=customer)
    held = balances.balance(session, customer)
    _heard_from_head_office(session, timedelta(minutes=75))
    head = _head(session)
    with pytest.raises(RuleViolation, match=r"for 75 min; points above Rs\s?20\.00 can't be redeemed"):
        sales.complete_sale(session, _goods(session, MILK_BARCODE), [Tender("points", 2_500), Tender("cash", 25_500)],
                            customer_id=customer)
    assert _head(session) == head and balances.balance(session, customer) == held
    sales.complete_sale(session, _goods(session, MILK_BARCODE), [Tender("points", 2_000), Tender("cash", 26_000)],
                        customer_id=customer)
    _heard_from_head_office(session, timedelta(minutes=30))  # heard half an hour ago: not offline yet
    sales.complete_sale(session, _goods(session, MILK_BARCODE), [Tender("points", 2_500), Tender("cash", 25_500)],
                        customer_id=customer)
    session.close()
    assert_verifies(store_path)


def test_a_store_outside_a_chain_is_never_offline_and_one_that_never_synced_is(store_path: Path) -> None:
    session = make_store(store_path, SETTINGS)
    number = _sell_card(session, 200_000)
    sales.complete_sale(session, _goods(session, TEA_BARCODE, TEA_BARCODE), [cards.tender(session, number, 90_000)])
    outbox.sync_state(session.ledger, session.terminal)  # joined a chain (`pos sync` ran), never heard back
    with pytest.raises(RuleViolation, match="it has not synced yet"):
        cards.tender(session, number, 90_000)
    session.close()
    assert_verifies(store_path)
