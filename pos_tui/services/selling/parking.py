"""Parked carts: put a sale on hold under a name, serve the next customer, take it back later; and a cart
thrown away unsold, journalled as abandoned with its lines."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.domain.cart import Cart, cart_from_json, cart_to_json, price_cart
from pos_tui.domain.errors import InvalidInput, NotFound
from pos_tui.domain.events import CartAbandoned, CartParked, CartResumed

if TYPE_CHECKING:
    from pos_tui.services.session import Session


@dataclass(frozen=True)
class ParkedCart:
    cart_id: str
    name: str
    terminal: str
    username: str
    at: str  # UTC journal time
    line_count: int
    local_at: str = ""  # "YYYY-MM-DD HH:MM" in the store's timezone, as people read it


def park_cart(session: Session, cart: Cart, name: str, customer_id: int | None = None) -> str:
    """Park ``cart`` under ``name``; the customer attached to it (an id only, never their details) comes
    back with it on resume."""
    if not cart.lines:
        raise InvalidInput("There is nothing in the cart to park.", "Scan items first.")
    name = name.strip() or f"Cart {session.ledger.head().seq + 1}"
    cart_id = str(uuid.uuid4())
    data = cart_to_json(cart)
    if customer_id is not None:
        data["customer_id"] = customer_id  # absent without one: older parked carts keep their shape
    with session.ledger.write():
        session.record(CartParked(cart_id, name, session.terminal, data))
    return cart_id


def list_parked(session: Session) -> list[ParkedCart]:
    rows = session.ledger.conn.execute(
        "SELECT cart_id, name, terminal, username, at, cart FROM parked_carts ORDER BY at"
    ).fetchall()
    return [ParkedCart(*row[:5], line_count=len(json.loads(row[5])["lines"]),
                       local_at=session.local_time(row[4]).strftime("%Y-%m-%d %H:%M")) for row in rows]


def resume_cart(session: Session, cart_id: str, *, discard: bool = False) -> Cart:
    return resume_cart_with_customer(session, cart_id, discard=discard)[0]


def resume_cart_with_customer(session: Session, cart_id: str, *, discard: bool = False) -> tuple[Cart, int | None]:
    """The parked cart taken back, and the id of the customer it was parked with (None: none)."""
    with session.ledger.write() as conn:
        row = conn.execute("SELECT cart FROM parked_carts WHERE cart_id = ?", (cart_id,)).fetchone()
        if row is None:
            raise NotFound("That parked cart is gone (resumed at another till?).", "Pick another from the list.")
        session.record(CartResumed(cart_id, discard))
    cart: dict[str, object] = json.loads(row[0])
    customer_id = cart.get("customer_id")
    return cart_from_json(cart), customer_id if isinstance(customer_id, int) else None


def abandon_cart(session: Session, cart: Cart, why: str) -> None:
    """Throw ``cart`` away unsold, leaving its lines and total in the journal for the audit."""
    if not cart.lines:
        raise InvalidInput("There is nothing in the cart to throw away.", "Nothing needs doing.")
    total = price_cart(cart, session.tax_policy).total
    with session.ledger.write():
        session.record(CartAbandoned(session.terminal, why, total, cart_to_json(cart)))
