"""How to reach a customer with a receipt, and whether they agreed to it: for the email/SMS outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pos_tui.services.session import Session


def contact_for(session: Session, customer_id: int) -> tuple[str | None, str | None, bool, bool]:
    """``(email, phone, email_ok, sms_ok)``: None for what the customer did not give (or after a forget,
    when nothing is left and neither consent holds). A merged customer is reached at the survivor."""
    conn = session.ledger.conn
    row = conn.execute("SELECT merged_into FROM customers WHERE customer_id = ?", (customer_id,)).fetchone()
    while row is not None and row[0] is not None:
        customer_id = row[0]
        row = conn.execute("SELECT merged_into FROM customers WHERE customer_id = ?", (customer_id,)).fetchone()
    person = conn.execute("SELECT email, phone, email_ok, sms_ok FROM customer_people WHERE customer_id = ?",
                          (customer_id,)).fetchone()
    if person is None:
        return None, None, False, False
    email, phone, email_ok, sms_ok = person
    return email or None, phone or None, bool(email_ok and email), bool(sms_ok and phone)
