"""Customers: add, find, show, edit, merge, export and forget.

The personal fields (name, phone, email, consent) live in ``customer_people``, outside the journal;
each ``customer.added``/``customer.changed`` event carries only the id, the card number and a salted
commitment to them. ``forget`` deletes the row and its salt with ``secure_delete`` on, so the bytes are
zeroed in the file, and checkpoints the WAL so no copy of the page stays beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.domain.customer_events import CustomerAdded, CustomerChanged, CustomerForgotten, CustomersMerged
from pos_tui.domain.errors import InvalidInput, NotFound, RuleViolation
from pos_tui.domain.loyalty import card_customer_id, card_number, commitment, new_salt, phone_digits
from pos_tui.domain.permissions import Action
from pos_tui.services.messaging.purge import delete_customer_messages
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIND_LIMIT = 20


@dataclass(frozen=True)
class Person:
    """A customer's personal fields; after a forget, a customer has none."""

    name: str
    phone: str = ""
    email: str = ""
    email_ok: bool = False
    sms_ok: bool = False


@dataclass(frozen=True)
class Customer:
    customer_id: int
    card: str
    person: Person | None  # None once forgotten
    merged_into: int | None

    @property
    def label(self) -> str:
        return self.person.name if self.person else f"Customer #{self.customer_id} (forgotten)"


def _clean(person: Person) -> Person:
    name = " ".join(person.name.split())
    if not name:
        raise InvalidInput("A customer needs a name.", "Type the name the customer gives.")
    if len(name) > 80:
        raise InvalidInput("That name is longer than 80 characters.", "Shorten it.")
    phone = phone_digits(person.phone)
    if person.phone.strip() and not 7 <= len(phone) <= 15:
        raise InvalidInput(f"{person.phone!r} is not a phone number.", "Type 7 to 15 digits, e.g. 0300 1234567.")
    email = person.email.strip().lower()
    if email and not _EMAIL.match(email):
        raise InvalidInput(f"{person.email!r} is not an email address.",
                           "Type it as name@example.com, or leave it out.")
    if person.email_ok and not email:
        raise InvalidInput("Receipts by email need an email address.", "Add --email, or leave consent off.")
    if person.sms_ok and not phone:
        raise InvalidInput("Receipts by SMS need a phone number.", "Add --phone, or leave consent off.")
    return Person(name, phone, email, person.email_ok, person.sms_ok)


def _refuse_taken_phone(session: Session, phone: str, other_than: int = 0) -> None:
    if not phone:
        return
    row = session.ledger.conn.execute(
        "SELECT customer_id FROM customer_people WHERE phone = ? AND customer_id != ?", (phone, other_than)
    ).fetchone()
    if row is not None:
        raise RuleViolation(f"Phone {phone} already belongs to customer #{row[0]}.",
                            "Find that customer instead, or merge the two with `pos customer merge`.")


def add_customer(session: Session, person: Person) -> Customer:
    """A new customer: one ``customer.added`` event, the personal fields beside it outside the chain."""
    person = _clean(person)
    salt = new_salt()
    with session.ledger.write() as conn:
        _refuse_taken_phone(session, person.phone)
        customer_id = conn.execute("SELECT COALESCE(MAX(customer_id), 0) + 1 FROM customers").fetchone()[0]
        card = card_number(session.settings.loyalty.card_prefix, customer_id)
        session.record(CustomerAdded(customer_id, card, commitment(salt, person.name, person.phone, person.email)))
        _write_person(session, customer_id, person, salt)
    return Customer(customer_id, card, person, None)


def _write_person(session: Session, customer_id: int, person: Person, salt: str) -> None:
    session.ledger.conn.execute(
        "INSERT OR REPLACE INTO customer_people (customer_id, name, name_key, phone, email, email_ok, sms_ok, salt)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (customer_id, person.name, person.name.casefold(), person.phone, person.email, int(person.email_ok),
         int(person.sms_ok), salt),
    )


def edit_customer(session: Session, customer_id: int, person: Person) -> Customer:
    """New personal fields: a new salt and commitment (``customer.changed``); the old row is overwritten."""
    person = _clean(person)
    salt = new_salt()
    with session.ledger.write():
        found = get_customer(session, customer_id)
        _refuse_merged_or_forgotten(found)
        _refuse_taken_phone(session, person.phone, customer_id)
        session.record(CustomerChanged(customer_id, commitment(salt, person.name, person.phone, person.email)))
        _secure_delete(session)
        _write_person(session, customer_id, person, salt)
    return Customer(customer_id, found.card, person, None)


def _refuse_merged_or_forgotten(customer: Customer) -> None:
    if customer.merged_into is not None:
        raise RuleViolation(f"Customer #{customer.customer_id} was merged into #{customer.merged_into}.",
                            f"Use customer #{customer.merged_into}.")
    if customer.person is None:
        raise RuleViolation(f"Customer #{customer.customer_id} was forgotten: their details are gone for good.",
                            "Add them again as a new customer if they ask.")


def get_customer(session: Session, customer_id: int) -> Customer:
    row = session.ledger.conn.execute(
        "SELECT c.card, c.merged_into, p.name, p.phone, p.email, p.email_ok, p.sms_ok FROM customers c"
        " LEFT JOIN customer_people p ON p.customer_id = c.customer_id WHERE c.customer_id = ?",
        (customer_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"There is no customer #{customer_id}.", "Find them with `pos customer find` by phone or name.")
    card, merged_into, name, phone, email, email_ok, sms_ok = row
    person = None if name is None else Person(name, phone, email, bool(email_ok), bool(sms_ok))
    return Customer(customer_id, card, person, merged_into)


def active_customer(session: Session, customer_id: int) -> Customer:
    """A customer who can be attached to a sale: known, not merged away (the survivor is used instead)."""
    customer = get_customer(session, customer_id)
    if customer.merged_into is not None:
        return active_customer(session, customer.merged_into)
    return customer


def live_customer_id(session: Session, customer_id: int) -> int:
    """The customer to attach for ``customer_id``: itself, or the one it was merged into; refused if unknown.
    One primary-key read (it runs inside every sale with a customer)."""
    conn = session.ledger.conn
    while True:
        row = conn.execute("SELECT merged_into FROM customers WHERE customer_id = ?", (customer_id,)).fetchone()
        if row is None:
            raise NotFound(f"There is no customer #{customer_id}.",
                           "Find them with `pos customer find` by phone or name.")
        if row[0] is None:
            return customer_id
        customer_id = row[0]


def find_customers(session: Session, text: str, limit: int = FIND_LIMIT) -> list[Customer]:
    """By card scan, phone prefix (digits), email, or name prefix; at most ``limit``, merged ones left out.

    Each is one index range: a phone prefix among a million customers is a few page reads."""
    text = text.strip()
    if not text:
        raise InvalidInput("Type part of a phone number, a name or an email, or scan the card.", "")
    card_id = card_customer_id(session.settings.loyalty.card_prefix, text)
    if card_id is not None:
        return [active_customer(session, card_id)]
    digits = phone_digits(text)
    if "@" in text:
        key, column = text.lower(), "email"
    elif digits and len(digits) >= len(text.replace(" ", "").replace("-", "").lstrip("+")):
        key, column = digits, "phone"
    else:
        key, column = " ".join(text.split()).casefold(), "name_key"
    # A prefix as a range on the column's index: [key, key + U+10FFFF) holds every string starting with key.
    rows = session.ledger.conn.execute(
        "SELECT p.customer_id, c.card, p.name, p.phone, p.email, p.email_ok, p.sms_ok FROM customer_people p"
        f" JOIN customers c ON c.customer_id = p.customer_id WHERE p.{column} >= ? AND p.{column} < ?"
        f" AND c.merged_into IS NULL ORDER BY p.{column} LIMIT ?",
        (key, key + "\U0010ffff", limit),
    ).fetchall()
    return [Customer(cid, card, Person(name, phone, email, bool(eo), bool(so)), None)
            for cid, card, name, phone, email, eo, so in rows]


def merge_customers(session: Session, from_id: int, into_id: int) -> Customer:
    """Two records of one person: ``from_id``'s visits and balances move to ``into_id``, whose details stay;
    ``from_id``'s personal fields are erased."""
    authz.require(session, Action.CUSTOMER_ADMIN)
    if from_id == into_id:
        raise InvalidInput("A customer cannot be merged into themselves.", "Give two different customer numbers.")
    with session.ledger.write():
        source, target = get_customer(session, from_id), get_customer(session, into_id)
        for customer in (source, target):
            if customer.merged_into is not None:
                _refuse_merged_or_forgotten(customer)
        session.record(CustomersMerged(from_id, into_id))
        _erase_person(session, from_id)
    return get_customer(session, into_id)


def forget_customer(session: Session, customer_id: int) -> bool:
    """Erase a customer's personal fields and salt; their id, visits and balances stay in the books.

    False when another till was reading at that moment, so older copies of the pages may still sit in
    the write-ahead log until it is checkpointed (the next quiet moment does it; running
    ``wipe_old_pages`` again then makes sure)."""
    authz.require(session, Action.CUSTOMER_ADMIN)
    with session.ledger.write():
        customer = get_customer(session, customer_id)
        if customer.person is None:
            raise RuleViolation(f"Customer #{customer_id} is already forgotten.", "Nothing was changed.")
        session.record(CustomerForgotten(customer_id))
        _secure_delete(session)
        delete_customer_messages(session.ledger.conn, customer_id, customer.person.email, customer.person.phone)
        _erase_person(session, customer_id)
    return wipe_old_pages(session)


def wipe_old_pages(session: Session) -> bool:
    """Copy the zeroed pages back into the file and empty the write-ahead log, where older images of
    them may still sit. False when a reader kept it from finishing."""
    busy, _, _ = session.ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


def _secure_delete(session: Session) -> None:
    session.ledger.conn.execute("PRAGMA secure_delete = ON").fetchone()


def _erase_person(session: Session, customer_id: int) -> None:
    _secure_delete(session)
    session.ledger.conn.execute("DELETE FROM customer_people WHERE customer_id = ?", (customer_id,))


def export_customers(session: Session) -> Iterator[tuple[object, ...]]:
    """Every customer with their fields and balances, for a spreadsheet (or a subject's access request)."""
    authz.require(session, Action.CUSTOMER_ADMIN)
    yield from session.ledger.conn.execute(
        "SELECT c.customer_id, c.card, COALESCE(p.name, ''), COALESCE(p.phone, ''), COALESCE(p.email, ''),"
        " COALESCE(p.email_ok, 0), COALESCE(p.sms_ok, 0),"
        " (SELECT COALESCE(SUM(points), 0) FROM customer_activity a WHERE a.customer_id = c.customer_id),"
        " (SELECT COALESCE(SUM(credit), 0) FROM customer_activity a WHERE a.customer_id = c.customer_id),"
        " COALESCE(c.merged_into, ''), c.forgotten_seq IS NOT NULL"
        " FROM customers c LEFT JOIN customer_people p ON p.customer_id = c.customer_id ORDER BY c.customer_id"
    )


EXPORT_HEADER = ("customer_id", "card", "name", "phone", "email", "email_ok", "sms_ok", "points", "store_credit",
                 "merged_into", "forgotten")


def customer_by_reference(session: Session, text: str) -> Customer:
    """"12" or "#12" (a customer number), a card as scanned, or a phone, email or name that finds exactly one."""
    text = text.strip()
    number = text.removeprefix("#")
    # A phone starts with 0 or is long; a customer number is short (or written #12).
    if number.isdigit() and (text.startswith("#") or (len(number) <= 6 and not number.startswith("0"))):
        return active_customer(session, int(number))
    found = find_customers(session, text, limit=2)
    if not found:
        raise NotFound(f"No customer matches {text!r}.", "Try part of the phone number, or `pos customer find`.")
    if len(found) > 1:
        raise InvalidInput(f"More than one customer matches {text!r}.",
                           "Give more of the phone number, or the customer number from `pos customer find`.")
    return found[0]
