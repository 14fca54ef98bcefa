"""Where a receipt goes: the one place that decides the address of an email or SMS receipt.

What the cashier typed wins; with nothing typed, the customer attached to the sale is reached at their
email or phone, and only by a channel they consented to (``contact_for`` in
``services/customers/contact.py``). The till and the CLI both call this function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_tui.domain.errors import InvalidInput
from pos_tui.services.customers.contact import contact_for

if TYPE_CHECKING:
    from pos_tui.services.session import Session


def customer_address(session: Session, channel: str, customer_id: int | None) -> str:
    """The attached customer's address for ``channel`` if they gave one and agreed to receipts by it, else ""."""
    if customer_id is None:
        return ""
    email, phone, email_ok, sms_ok = contact_for(session, customer_id)
    if channel == "email" and email and email_ok:
        return email
    if channel == "sms" and phone and sms_ok:
        return phone
    return ""


def recipient_for(session: Session, channel: str, typed: str, customer_id: int | None = None) -> str:
    """The address to send a receipt to by ``channel`` ("email" or "sms").

    ``typed``: what the cashier typed (wins when given). ``customer_id``: the customer attached to the
    sale, whose consented address is used when nothing was typed."""
    if typed.strip():
        return typed
    what = "an email address" if channel == "email" else "a phone number"
    address = customer_address(session, channel, customer_id)
    if address:
        return address
    if customer_id is not None:
        email, phone, _, _ = contact_for(session, customer_id)
        if (email if channel == "email" else phone) is None:
            reason = f"Customer #{customer_id} gave no {'email address' if channel == 'email' else 'phone number'}"
        else:
            how = "email" if channel == "email" else "SMS"
            reason = (f"Customer #{customer_id} has not agreed to receipts by {how} (record their consent with"
                      f" `pos customer edit {customer_id} --{channel}-receipts`)")
        raise InvalidInput(f"{reason}, so the receipt was not queued.",
                           f"Type {what} they give you now, or print the receipt.")
    raise InvalidInput(f"Type {what} to send the receipt to.", "Nothing was queued.")
