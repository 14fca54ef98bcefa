"""Gift cards: sold and reloaded on a sale as a liability (never income, never taxed), paid with as a
tender, refunded onto, checked, blocked and unblocked; every refusal changes nothing."""

from __future__ import annotations

import sqlite3
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import BarcodeError, InvalidInput, NotFound, RuleViolation
from pos_tui.domain.giftcards import CardState, GiftCardMove, card_number, check_number, check_redeem, luhn_digit
from pos_tui.domain.permissions import Action, PermissionRequired
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.giftcards import cards
from pos_tui.services.reports import export
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.services.staff import authz, users

from .conftest import TEA_BARCODE, assert_verifies, make_store
from .support.tools import require_tool

GIFT_CARDS = "liabilities:gift-cards"


def _head(session: Session) -> int:
    return int(session.ledger.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM journal").fetchone()[0])


def _tea(session: Session) -> Cart:
    return Cart().add(products.resolve_scan(session, TEA_BARCODE))


def _sell_card(session: Session, amount: int, number: str | None = None) -> str:
    cart = cards.add_to_cart(session, Cart(), number, amount)
    sales.complete_sale(session, cart, [Tender("cash", amount)])
    return cart.gift_cards[0].number


def _posted(session: Session, seq: int) -> dict[str, int]:
    return dict(session.ledger.conn.execute("SELECT account, amount FROM postings WHERE seq = ?", (seq,)).fetchall())


def test_luhn_check_digits_match_the_published_examples() -> None:
    assert luhn_digit("7992739871") == 3  # the textbook example 79927398713
    assert card_number("453201511283036") == "4532015112830366"
    assert check_number("4532 0151 1283 0366") == "4532015112830366"
    with pytest.raises(BarcodeError, match="wrong check digit"):
        check_number("4532015112830367")
    with pytest.raises(BarcodeError, match="not a gift card number"):
        check_number("12ab")


def test_a_card_sold_with_goods_posts_to_the_liability_untaxed_and_holds_its_amount(store: Session) -> None:
    cart = cards.add_to_cart(store, _tea(store), None, 500_000)
    number = cart.gift_cards[0].number
    assert len(number) == 16 and number.startswith("9") and check_number(number) == number
    sale = sales.complete_sale(store, cart, [Tender("cash", 1_000_000)])
    posted = _posted(store, sale.seq)
    assert posted[GIFT_CARDS] == -500_000
    assert posted["income:sales"] + posted["liabilities:tax:std"] == -45_000  # the tea alone is income and taxed
    assert sale.change == 1_000_000 - 545_000
    card = cards.balance(store, number)
    assert (card.balance, card.blocked, [m.kind for m in card.moves]) == (500_000, False, ["sold"])
    row = store.ledger.conn.execute("SELECT total, tax_total FROM sales WHERE seq = ?", (sale.seq,)).fetchone()
    assert row == (45_000, posted["liabilities:tax:std"] * -1)  # the sale's total is the goods: reports stay true


def test_reloading_and_paying_with_a_card_moves_its_balance_both_ways(store: Session) -> None:
    number = _sell_card(store, 100_000)
    sales.complete_sale(store, cards.add_to_cart(store, Cart(), number, 50_000, reload=True), [Tender("card", 50_000)])
    assert cards.balance(store, number).balance == 150_000
    sale = sales.complete_sale(store, _tea(store), [cards.tender(store, number, 45_000)])
    assert _posted(store, sale.seq)[GIFT_CARDS] == 45_000
    card = cards.balance(store, number)
    assert card.balance == 105_000 == sum(m.delta for m in card.moves)
    assert [m.kind for m in card.moves] == ["sold", "reloaded", "redeemed"]


def test_paying_more_than_the_balance_is_refused_with_the_balance_and_nothing_changes(store: Session) -> None:
    number = _sell_card(store, 30_000)
    head = _head(store)
    with pytest.raises(RuleViolation, match=r"holds Rs\s?300\.00, less than Rs\s?450\.00"):
        sales.complete_sale(store, _tea(store), [Tender("gift-card", 45_000, card=number)])
    with pytest.raises(RuleViolation, match="holds"):
        cards.tender(store, number, 45_000)
    assert _head(store) == head and cards.balance(store, number).balance == 30_000
    # Two payments from one card in one sale are checked together, not each against the full balance.
    with pytest.raises(RuleViolation, match="holds Rs"):
        sales.complete_sale(store, _tea(store), [Tender("gift-card", 20_000, card=number),
                                                 Tender("gift-card", 20_000, card=number), Tender("cash", 5_000)])
    assert _head(store) == head


def test_unknown_cards_bad_check_digits_and_selling_a_sold_card_are_refused(store: Session) -> None:
    number = _sell_card(store, 10_000)
    head = _head(store)
    unknown = card_number("900000000000012")
    with pytest.raises(NotFound, match="not known here"):
        sales.complete_sale(store, _tea(store), [Tender("gift-card", 45_000, card=unknown)])
    with pytest.raises(BarcodeError, match="wrong check digit"):
        cards.tender(store, number[:-1] + str((int(number[-1]) + 1) % 10), 1_000)
    with pytest.raises(RuleViolation, match="already sold"):
        cards.load(store, number, 5_000)
    with pytest.raises(NotFound):
        cards.load(store, unknown, 5_000, reload=True)
    with pytest.raises(NotFound):
        cards.balance(store, unknown)
    assert _head(store) == head


def test_a_card_of_another_currency_is_refused_with_its_balance() -> None:
    state = CardState("4532015112830366", "USD", 2_500, False)
    with pytest.raises(RuleViolation, match=r"holds USD, not PKR \(2500 USD minor units\)"):
        check_redeem(state, GiftCardMove(state.number, "redeemed", 100, "PKR"))


def test_a_lost_card_is_blocked_by_a_cashier_and_unblocked_only_by_a_manager(store: Session) -> None:
    users.add_user(store, "ayesha", "1234", role="cashier")
    users.add_user(store, "sana", "345678", role="manager")
    number = _sell_card(store, 80_000)
    cashier = store.as_user("ayesha")
    cards.block(cashier, number, "reported lost by the owner")
    head = _head(store)
    with pytest.raises(RuleViolation, match=r"blocked \(reported lost\); it holds Rs\s?800\.00"):
        sales.complete_sale(cashier, _tea(store), [Tender("gift-card", 45_000, card=number)])
    with pytest.raises(RuleViolation, match="blocked"):
        cards.load(cashier, number, 1_000, reload=True)
    with pytest.raises(PermissionRequired):
        cards.unblock(cashier, number, "owner showed the receipt")
    assert _head(store) == head and cards.balance(store, number).blocked
    approval = authz.approve(cashier, "sana", "345678", Action.GIFT_CARD_UNBLOCK, "owner showed the receipt")
    cards.unblock(cashier, number, "owner showed the receipt", approval)
    sales.complete_sale(cashier, _tea(store), [Tender("gift-card", 45_000, card=number)])
    assert cards.balance(store, number).balance == 35_000


def test_a_refund_onto_a_card_raises_its_balance_and_a_card_sale_cannot_be_voided(store: Session) -> None:
    number = _sell_card(store, 20_000)
    sale = sales.complete_sale(store, _tea(store), [Tender("cash", 45_000)])
    returned = sales.return_items(store, sale.reference, [(1, 1000)], reason="changed mind", refund_method="gift-card",
                                  gift_card=number)
    assert _posted(store, returned.seq)[GIFT_CARDS] == -45_000
    assert cards.balance(store, number).balance == 65_000
    card_sale = sales.complete_sale(store, _tea(store), [Tender("gift-card", 45_000, card=number)])
    head = _head(store)
    with pytest.raises(RuleViolation, match="cannot be voided whole"):
        sales.void_sale(store, card_sale.reference, reason="rang twice")
    assert _head(store) == head


def test_the_liability_equals_the_outstanding_balances_and_the_exports_carry_it(store: Session, tmp_path: Path) -> None:
    first, second = _sell_card(store, 100_000), _sell_card(store, 70_000)
    sales.complete_sale(store, _tea(store), [Tender("gift-card", 45_000, card=first)])
    sales.complete_sale(store, _tea(store), [Tender("gift-card", 45_000, card=first)])
    sales.complete_sale(store, _tea(store), [Tender("gift-card", 10_000, card=first), Tender("cash", 35_000)])
    outstanding = dict(cards.outstanding(store))
    assert outstanding == {second: 70_000}  # the first card is spent to nothing
    assert export.account_balances(store)[GIFT_CARDS] == -sum(outstanding.values())
    from beancount import loader

    path = tmp_path / "books.beancount"
    with path.open("w", encoding="utf-8") as handle:
        export.export_journal(store, "beancount", handle)
    _, errors, _ = loader.load_file(str(path))
    assert errors == [] and "Liabilities:Gift-cards" in path.read_text()
    hledger = require_tool("hledger")
    journal = tmp_path / "books.journal"
    with journal.open("w", encoding="utf-8") as handle:
        export.export_journal(store, "hledger", handle)
    subprocess.run([hledger, "check", "-f", str(journal), "accounts", "commodities"], check=True)
    balance = subprocess.run([hledger, "-f", str(journal), "bal", GIFT_CARDS, "-N", "--flat"], check=True,
                             capture_output=True, text=True).stdout
    assert "-700.00 PKR" in balance
    ledger = require_tool("ledger")
    books = tmp_path / "books.ledger"
    with books.open("w", encoding="utf-8") as handle:
        export.export_journal(store, "ledger", handle)
    held = subprocess.run([ledger, "--pedantic", "-f", str(books), "bal", GIFT_CARDS, "--flat", "--no-total",
                           "--format", "%(quantity(amount))\n"], check=True, capture_output=True, text=True).stdout
    assert [Decimal(figure) for figure in held.split()] == [Decimal("-700")]


def test_verify_catches_a_hand_edited_card_move(store_path: Path) -> None:
    session = make_store(store_path)
    number = _sell_card(session, 100_000)
    session.close()
    assert_verifies(store_path)
    conn = sqlite3.connect(store_path)
    conn.execute("UPDATE gift_card_moves SET amount = 900000, delta = 900000 WHERE number = ?", (number,))
    conn.commit()
    conn.close()
    from pos_tui.ledger.database import open_ledger
    from pos_tui.ledger.verify import verify_ledger

    ledger = open_ledger(store_path, read_only=True)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    assert not report.ok
    assert any("gift_card_moves" in str(p) for p in report.problems)
    assert any("liabilities:gift-cards" in str(p) for p in report.problems)


@pytest.mark.xdist_group("processes")
def test_two_tills_paying_with_one_card_at_once_one_succeeds_the_other_hears_the_new_balance(
    store_path: Path,
) -> None:
    import json
    import sys

    session = make_store(store_path)
    number = _sell_card(session, 50_000)
    session.close()
    payer = Path(__file__).parent / "support" / "giftcard_payer.py"
    tills = [subprocess.Popen([sys.executable, str(payer), str(store_path), terminal, number, "40000", TEA_BARCODE],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for terminal in ("T1", "T2")]
    for till in tills:
        assert till.stdout is not None and till.stdout.readline().strip() == "ready", till.stderr
    for till in tills:  # both are built and waiting: say go to both before reading either answer
        assert till.stdin is not None
        till.stdin.write("go\n")
        till.stdin.flush()
    answers = []
    for till in tills:
        out, err = till.communicate(timeout=60)
        assert till.returncode == 0, err
        answers.append(json.loads(out.strip().splitlines()[-1]))
    assert sorted("sold" in a for a in answers) == [False, True], answers
    refusal = next(a["refused"] for a in answers if "refused" in a)
    assert "holds Rs" in refusal and "100.00" in refusal  # the balance the winner left
    conn = sqlite3.connect(store_path)
    try:
        held = conn.execute("SELECT SUM(delta) FROM gift_card_moves WHERE number = ?", (number,)).fetchone()[0]
    finally:
        conn.close()
    assert held == 10_000
    assert_verifies(store_path)


def test_a_card_named_for_a_cash_refund_is_refused_and_nothing_is_returned(store: Session) -> None:
    number = _sell_card(store, 20_000)
    sale = sales.complete_sale(store, _tea(store), [Tender("cash", 45_000)])
    head = _head(store)
    with pytest.raises(InvalidInput, match="does not go onto one"):
        sales.return_items(store, sale.reference, [(1, 1000)], reason="changed mind", gift_card=number)
    with pytest.raises(InvalidInput, match="needs the card's number"):
        sales.return_items(store, sale.reference, [(1, 1000)], reason="changed mind", refund_method="gift-card")
    assert _head(store) == head and cards.balance(store, number).balance == 20_000


def test_verify_catches_a_card_unblocked_by_hand(store_path: Path) -> None:
    session = make_store(store_path)
    number = _sell_card(session, 100_000)
    cards.block(session, number, "reported lost")
    session.close()
    conn = sqlite3.connect(store_path)
    conn.execute("UPDATE gift_cards SET blocked = 0, blocked_seq = NULL WHERE number = ?", (number,))
    conn.commit()
    conn.close()
    from pos_tui.ledger.database import open_ledger
    from pos_tui.ledger.verify import verify_ledger

    ledger = open_ledger(store_path, read_only=True)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    assert any("gift_cards" in str(p) for p in report.problems), report.problems


def test_a_parked_cart_keeps_its_gift_card_and_is_sold_with_it_after_resuming(store: Session) -> None:
    from pos_tui.services.selling import parking

    cart = cards.add_to_cart(store, _tea(store), None, 25_000)
    cart_id = parking.park_cart(store, cart, "Mrs Khan")
    resumed = parking.resume_cart(store, cart_id)
    assert resumed == cart
    sales.complete_sale(store, resumed, [Tender("card", 70_000)])
    assert cards.balance(store, cart.gift_cards[0].number).balance == 25_000
