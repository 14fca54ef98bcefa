"""Where a receipt goes: the one place that decides the address of an email or SMS receipt.

Today: the address the cashier typed. After the customers area is merged, the lead wires in the
attached customer's email or phone here, and only if they consented (``contact_for`` in
``services/customers/contact.py`` returns ``(email, phone, email_ok, sms_ok)``); the till and the CLI
already call this function, so nothing else changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_tui.domain.errors import InvalidInput

if TYPE_CHECKING:
    from pos_tui.services.session import Session


def recipient_for(session: Session, channel: str, typed: str, customer_id: int | None = None) -> str:
    """The address to send a receipt to by ``channel`` ("email" or "sms").

    ``typed``: what the cashier typed (wins when given). ``customer_id``: the customer attached to the
    sale, whose consented address is used when nothing was typed (wired after the customers merge)."""
    if typed.strip():
        return typed
    # WIRE-CUSTOMERS: with services/customers/contact.py merged, use the attached customer's address:
    #   email, phone, email_ok, sms_ok = contact_for(session, customer_id)
    #   if channel == "email" and email and email_ok: return email
    #   if channel == "sms" and phone and sms_ok: return phone
    what = "an email address" if channel == "email" else "a phone number"
    raise InvalidInput(f"Type {what} to send the receipt to.", "Nothing was queued.")
