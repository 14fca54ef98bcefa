"""Forgetting a customer empties the outbox of them too: a queued or sent receipt holds their address.

Its own small module (no import of the sales area), so the customers area can call it without a circle.
"""

from __future__ import annotations

import sqlite3

from pos_tui.domain.loyalty import phone_digits


def delete_customer_messages(conn: sqlite3.Connection, customer_id: int, email: str, phone: str) -> int:
    """Delete every outbox message for a sale of this customer (or of one merged into them) or sent to their
    email or phone; inside the caller's write, under secure_delete. Returns how many went."""
    cursor = conn.execute(
        "WITH RECURSIVE who(id) AS (SELECT ?"
        " UNION SELECT c.customer_id FROM customers c JOIN who ON c.merged_into = who.id)"
        " DELETE FROM outbox_messages WHERE sale_seq IN (SELECT sale_seq FROM customer_sales WHERE customer_id IN who)"
        " OR (channel = 'email' AND ? != '' AND lower(address) = ?)"
        " OR (channel = 'sms' AND ? != '' AND ltrim(address, '+') = ?)",
        (customer_id, email, email.lower(), phone_digits(phone), phone_digits(phone)),
    )
    return cursor.rowcount
