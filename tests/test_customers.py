"""A shop knows its customers without writing their details into the chain: found by phone, name, email or
card; edited, merged and forgotten, with every hash, balance and report still intact after a forget."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import BarcodeError, InvalidInput, NotFound, RuleViolation
from pos_tui.domain.loyalty import card_customer_id, card_number, commitment, mask_phone
from pos_tui.domain.permissions import PermissionRequired
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.customers import accounts, balances
from pos_tui.services.customers.accounts import Person
from pos_tui.services.customers.contact import contact_for
from pos_tui.services.messaging import outbox
from pos_tui.services.messaging.recipients import recipient_for
from pos_tui.services.selling import sales
from pos_tui.services.session import Session

from .conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies

AYESHA = Person("Ayesha Khanum", "+92 300 1234567", "Ayesha.Khanum@example.com", email_ok=True, sms_ok=False)


def _journal_count(session: Session) -> int:
    count: int = session.ledger.conn.execute("SELECT COUNT(*) FROM journal").fetchone()[0]
    return count


def test_a_customer_is_found_by_phone_prefix_name_email_and_card(store: Session) -> None:
    ayesha = accounts.add_customer(store, AYESHA)
    accounts.add_customer(store, Person("Bilal Ahmed", "0321 7654321"))
    assert ayesha.card == card_number("28", ayesha.customer_id) and len(ayesha.card) == 13
    assert [c.customer_id for c in accounts.find_customers(store, "92300")] == [ayesha.customer_id]
    assert [c.person.name for c in accounts.find_customers(store, "ayesha k") if c.person] == ["Ayesha Khanum"]
    assert [c.customer_id for c in accounts.find_customers(store, "ayesha.khanum@")] == [ayesha.customer_id]
    assert [c.customer_id for c in accounts.find_customers(store, ayesha.card)] == [ayesha.customer_id]
    assert accounts.find_customers(store, "0399") == []


def test_a_card_with_a_wrong_check_digit_is_refused_not_read_as_someone_else() -> None:
    good = card_number("28", 42)
    assert card_customer_id("28", good) == 42
    assert card_customer_id("28", "4006381333931") is None  # a product's barcode is no card
    with pytest.raises(BarcodeError, match="check digit"):
        card_customer_id("28", good[:-1] + str((int(good[-1]) + 1) % 10))


def test_no_personal_field_goes_into_the_journal_only_an_id_and_a_salted_commitment(store: Session) -> None:
    ayesha = accounts.add_customer(store, AYESHA)
    payloads = b"".join(row[0] if isinstance(row[0], bytes) else row[0].encode() for row in
                        store.ledger.conn.execute("SELECT payload FROM journal WHERE kind LIKE 'customer.%'"))
    for field in (b"Ayesha", b"1234567", b"example.com"):
        assert field not in payloads
    salt = store.ledger.conn.execute("SELECT salt FROM customer_people").fetchone()[0]
    stored = store.ledger.conn.execute("SELECT commitment FROM customers").fetchone()[0]
    assert stored == commitment(salt, "Ayesha Khanum", "923001234567", "ayesha.khanum@example.com")
    assert ayesha.person is not None and mask_phone(ayesha.person.phone) == "9230*****567"


def test_edit_writes_a_new_commitment_and_keeps_what_was_not_changed(store: Session) -> None:
    ayesha = accounts.add_customer(store, AYESHA)
    before = store.ledger.conn.execute("SELECT commitment FROM customers").fetchone()[0]
    edited = accounts.edit_customer(store, ayesha.customer_id, Person("Ayesha K.", "0300 1234567", "", False, True))
    assert edited.person == Person("Ayesha K.", "03001234567", "", False, True)
    assert store.ledger.conn.execute("SELECT commitment FROM customers").fetchone()[0] != before
    assert contact_for(store, ayesha.customer_id) == (None, "03001234567", False, True)


def test_contact_for_gives_the_outbox_the_email_phone_and_consent(store: Session) -> None:
    ayesha = accounts.add_customer(store, AYESHA)
    assert contact_for(store, ayesha.customer_id) == ("ayesha.khanum@example.com", "923001234567", True, False)
    assert contact_for(store, 999) == (None, None, False, False)


@pytest.mark.parametrize(("person", "match"), [
    (Person("   "), "needs a name"),
    (Person("Ali", "12"), "not a phone number"),
    (Person("Ali", "", "not-an-email"), "not an email"),
    (Person("Ali", "", "", email_ok=True), "need an email"),
])
def test_bad_details_are_refused_with_what_to_do_and_nothing_is_written(store: Session, person: Person,
                                                                        match: str) -> None:
    before = _journal_count(store)
    with pytest.raises(InvalidInput, match=match):
        accounts.add_customer(store, person)
    assert _journal_count(store) == before


def test_a_phone_that_belongs_to_another_customer_is_refused(store: Session) -> None:
    accounts.add_customer(store, AYESHA)
    before = _journal_count(store)
    with pytest.raises(RuleViolation, match="already belongs to customer #1"):
        accounts.add_customer(store, Person("Someone Else", "923001234567"))
    assert _journal_count(store) == before


def test_merging_moves_visits_and_points_to_the_survivor_and_erases_the_duplicate(store: Session) -> None:
    admin = store.as_user("admin")
    first = accounts.add_customer(store, AYESHA)
    second = accounts.add_customer(store, Person("Ayesha Khan", "0300 7777777"))
    for customer in (first, second):
        cart = Cart().add(products.resolve_scan(store, TEA_BARCODE))
        sales.complete_sale(store, cart, [Tender("cash", 45_000)], customer_id=customer.customer_id)
    with pytest.raises(PermissionRequired):
        accounts.merge_customers(_cashier(store), first.customer_id,
                                 second.customer_id)
    accounts.merge_customers(admin, first.customer_id, second.customer_id)
    assert balances.balance(store, second.customer_id).points == 900
    assert balances.balance(store, first.customer_id).points == 0
    assert len(balances.last_visits(store, second.customer_id)) == 2
    assert accounts.get_customer(store, first.customer_id).person is None
    # The old card still works: it attaches the survivor.
    assert accounts.find_customers(store, first.card)[0].customer_id == second.customer_id


def _cashier(store: Session) -> Session:
    from pos_tui.services.staff import users

    users.add_user(store.as_user("admin"), "cara", "1234", role="cashier")
    return store.as_user("cara")


def test_an_unknown_customer_is_refused_and_nothing_is_sold(store: Session) -> None:
    before = _journal_count(store)
    cart = Cart().add(products.resolve_scan(store, MILK_BARCODE))
    with pytest.raises(NotFound, match="no customer #77"):
        sales.complete_sale(store, cart, [Tender("cash", 28_000)], customer_id=77)
    assert _journal_count(store) == before


def test_forget_leaves_no_personal_field_anywhere_in_the_file_and_every_balance_and_hash_intact(
        store: Session, store_path: Path) -> None:
    secret = Person("Zubaida Qureshi-Farooqui", "0333 9876543", "zubaida.farooqui@example.org", True, True)
    zubaida = accounts.add_customer(store, secret)
    # An edit leaves an older copy of the row to erase too; other customers fill pages around hers.
    accounts.edit_customer(store, zubaida.customer_id, secret)
    for n in range(300):
        accounts.add_customer(store, Person(f"Neighbour {n}", f"0345{n:07d}"))
    cart = Cart().add(products.resolve_scan(store, TEA_BARCODE))
    reference = sales.complete_sale(store, cart, [Tender("cash", 45_000)], customer_id=zubaida.customer_id).reference
    # Her receipt waits in the outbox (by her consented email), and one was typed for her phone on a sale
    # without a customer attached: forgetting her empties both.
    outbox.queue_receipt(store, reference, "email", recipient_for(store, "email", "", zubaida.customer_id))
    anonymous = sales.complete_sale(store, cart, [Tender("cash", 45_000)]).reference
    outbox.queue_receipt(store, anonymous, "sms", "0333 9876543")
    assert outbox.waiting_count(store) == 2
    held = balances.balance(store, zubaida.customer_id)
    head = store.ledger.head()

    accounts.forget_customer(store.as_user("admin"), zubaida.customer_id)

    assert balances.balance(store, zubaida.customer_id) == held
    assert contact_for(store, zubaida.customer_id) == (None, None, False, False)
    assert outbox.waiting_count(store) == 0
    store.close()
    assert_verifies(store_path)
    files = [store_path, *(store_path.with_name(store_path.name + suffix) for suffix in ("-wal", "-journal"))]
    raw = b"".join(f.read_bytes() for f in files if f.exists())
    for field in (b"Zubaida", b"zubaida", b"Qureshi", b"Farooqui", b"9876543", b"example.org"):
        assert field not in raw, f"{field!r} is still in the database file"
    raw_db = sqlite3.connect(store_path)
    try:
        assert raw_db.execute("SELECT hash FROM journal WHERE seq = ?", (head.seq,)).fetchone()[0] == head.hash
        assert raw_db.execute("SELECT COUNT(*) FROM customer_people").fetchone()[0] == 300
    finally:
        raw_db.close()


def test_a_parked_cart_comes_back_with_its_customer_id_and_a_cart_without_one_keeps_its_old_shape(
        store: Session, store_path: Path) -> None:
    from pos_tui.services.selling import parking

    ayesha = accounts.add_customer(store, AYESHA)
    cart = Cart().add(products.resolve_scan(store, TEA_BARCODE))
    with_customer = parking.park_cart(store, cart, "Table 3", ayesha.customer_id)
    without = parking.park_cart(store, cart, "Walk-in")
    payloads = [row[0] for row in store.ledger.conn.execute(
        "SELECT payload FROM journal WHERE kind = 'cart.parked' ORDER BY seq")]
    assert '"customer_id"' in payloads[0] and '"customer_id"' not in payloads[1]
    assert "3001234567" not in payloads[0] and "example.com" not in payloads[0]  # an id, no personal field
    assert parking.resume_cart_with_customer(store, with_customer) == (cart, ayesha.customer_id)
    assert parking.resume_cart_with_customer(store, without) == (cart, None)
    assert_verifies(store_path)
