"""The outbox: receipts waiting to leave by email or SMS, in a table of their own.

Not the journal: a message holds an address (personal data, which must never sit in a hashed payload)
and delivery state (operational, not books). Queueing is one small local INSERT after the sale has
committed, so a sale never waits for the network; the sender (`pos outbox run`, or the till's own
worker) takes due messages one at a time, and a message that could not leave waits with a back-off.

A message is claimed ('sending') inside a BEGIN IMMEDIATE transaction, so two senders never take the
same one; it becomes 'sent' only after the server or gateway accepted it. If a sender dies between
the two, its claim goes stale and the message is tried again: a receipt may then arrive twice, never
not at all.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from pos_tui.domain.errors import InvalidInput, NotFound
from pos_tui.services.selling.sales import parse_sale_reference, sale_reference

if TYPE_CHECKING:
    from pos_tui.services.session import Session

Channel = Literal["email", "sms"]
STALE_CLAIM = timedelta(minutes=10)  # a claim older than this belongs to a sender that died
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    channel: str
    address: str
    sale_seq: int
    sale: str  # "T1-000042"
    created_at: str
    state: str
    attempts: int
    next_attempt_at: str
    last_error: str
    sent_at: str


def check_address(channel: str, address: str) -> str:
    """An email address or a phone number as typed, tidied, or refused with what to type."""
    address = address.strip()
    if channel == "email":
        if not _EMAIL.match(address):
            raise InvalidInput(f"{address!r} is not an email address.", "Type it as name@example.org.")
        return address
    if channel == "sms":
        phone = re.sub(r"[\s().-]", "", address)
        if not re.fullmatch(r"\+?[0-9]{7,15}", phone):
            raise InvalidInput(f"{address!r} is not a phone number.", "Type the number with its country code, "
                                                                       "e.g. +923001234567.")
        return phone
    raise InvalidInput(f"{channel!r} is not a way to send a receipt.", "Use email or sms.")


def queue_receipt(session: Session, sale_ref: str, channel: str, address: str) -> int:
    """Put a sale's receipt in the outbox for ``address``; returns the message's id. Nothing is sent here.

    ``address`` comes from ``services/messaging/recipients.py``: the one typed, or the attached customer's
    consented email/phone."""
    address = check_address(channel, address)
    terminal, number = parse_sale_reference(sale_ref, session.terminal)
    now = _utc(session.clock())
    with session.ledger.write() as conn:
        row = conn.execute("SELECT seq FROM sales WHERE terminal = ? AND number = ?", (terminal, number)).fetchone()
        if row is None:
            raise NotFound(f"There is no sale {sale_reference(terminal, number)}.", "Check the number on the receipt.")
        cursor = conn.execute(
            "INSERT INTO outbox_messages (channel, address, sale_seq, created_at, next_attempt_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (channel, address, row[0], now, now),
        )
        return int(cursor.lastrowid or 0)


def sale_customer(session: Session, sale_ref: str) -> int | None:
    """The customer attached to a sale (None: none), whose consented address a receipt may go to."""
    terminal, number = parse_sale_reference(sale_ref, session.terminal)
    row = session.ledger.conn.execute(
        "SELECT c.customer_id FROM sales s JOIN customer_sales c ON c.sale_seq = s.seq"
        " WHERE s.terminal = ? AND s.number = ?", (terminal, number)).fetchone()
    return None if row is None else int(row[0])


_SELECT = (
    "SELECT m.id, m.channel, m.address, m.sale_seq, s.terminal, s.number, m.created_at, m.state, m.attempts,"
    " m.next_attempt_at, m.last_error, m.sent_at FROM outbox_messages m JOIN sales s ON s.seq = m.sale_seq"
)


def _message(row: tuple[object, ...]) -> OutboxMessage:
    (id_, channel, address, sale_seq, terminal, number, created, state, attempts, next_at, error, sent) = row
    return OutboxMessage(int(id_), str(channel), str(address), int(sale_seq),  # type: ignore[call-overload]
                         sale_reference(str(terminal), int(number)), str(created), str(state),  # type: ignore[call-overload]
                         int(attempts), str(next_at), str(error), str(sent))  # type: ignore[call-overload]


def messages(session: Session, *, include_sent: bool = False, limit: int = 200) -> list[OutboxMessage]:
    where = "" if include_sent else " WHERE m.state != 'sent'"
    rows = session.ledger.conn.execute(f"{_SELECT}{where} ORDER BY m.id LIMIT ?", (limit,)).fetchall()
    return [_message(row) for row in rows]


def waiting_count(session: Session) -> int:
    """Receipts not yet sent (waiting, being sent, or failed for good): the till's "3 receipts waiting"."""
    return int(session.ledger.conn.execute(
        "SELECT COUNT(*) FROM outbox_messages WHERE state != 'sent'").fetchone()[0])


def retry(session: Session, message_id: int | None = None) -> int:
    """Send failed or waiting messages (one, or all) at the next chance, with their tries counted afresh."""
    now = _utc(session.clock())
    with session.ledger.write() as conn:
        if message_id is not None and conn.execute(
                "SELECT 1 FROM outbox_messages WHERE id = ? AND state != 'sent'", (message_id,)).fetchone() is None:
            raise NotFound(f"There is no unsent message {message_id} in the outbox.", "See `pos outbox list`.")
        which = "" if message_id is None else " AND id = ?"
        params: tuple[object, ...] = (now,) if message_id is None else (now, message_id)
        return conn.execute(
            "UPDATE outbox_messages SET state = 'waiting', attempts = 0, next_attempt_at = ?, claimed_by = ''"
            f" WHERE state IN ('waiting', 'failed'){which}", params).rowcount


def purge(session: Session, *, sent_before: datetime | None = None, failed: bool = False) -> int:
    """Delete sent messages (all, or those sent before ``sent_before``), and with ``failed`` the failed
    ones too: their addresses go with them."""
    cutoff = _utc(sent_before) if sent_before is not None else "9999"
    with session.ledger.write() as conn:
        count = conn.execute("DELETE FROM outbox_messages WHERE state = 'sent' AND sent_at < ?", (cutoff,)).rowcount
        if failed:
            count += conn.execute("DELETE FROM outbox_messages WHERE state = 'failed'").rowcount
        return count


# --- the sender's side --------------------------------------------------------------------------


def sender_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_next(session: Session, claimant: str) -> OutboxMessage | None:
    """The oldest due message, marked as being sent by ``claimant``; None when nothing is due."""
    now = session.clock()
    stale = _utc(now - STALE_CLAIM)
    # A plain read first: an idle sender polling every few seconds must not take the write lock each time.
    if session.ledger.conn.execute("SELECT 1 FROM outbox_messages WHERE state IN ('waiting', 'sending')"
                                   " AND next_attempt_at <= ? LIMIT 1", (_utc(now),)).fetchone() is None:
        return None
    with session.ledger.write() as conn:
        row = conn.execute(
            f"{_SELECT} WHERE (m.state = 'waiting' AND m.next_attempt_at <= ?)"
            " OR (m.state = 'sending' AND m.next_attempt_at <= ?) ORDER BY m.next_attempt_at, m.id LIMIT 1",
            (_utc(now), stale),
        ).fetchone()
        if row is None:
            return None
        # While it is being sent its next_attempt_at is the claim's time: a claim left this long is stale.
        conn.execute("UPDATE outbox_messages SET state = 'sending', claimed_by = ?, next_attempt_at = ? WHERE id = ?",
                     (claimant, _utc(now), row[0]))
    return _message(row)


def mark_sent(session: Session, message: OutboxMessage) -> None:
    with session.ledger.write() as conn:
        conn.execute("UPDATE outbox_messages SET state = 'sent', sent_at = ?, last_error = '', claimed_by = ''"
                     " WHERE id = ?", (_utc(session.clock()), message.id))


def mark_failed(session: Session, message: OutboxMessage, error: str, *, permanent: bool = False) -> str:
    """Record a failed attempt: the message waits for its next try (the back-off in [outbox] retry_s), or
    is failed for good (refused outright, or out of tries). Returns its new state."""
    settings = session.settings.outbox
    attempts = message.attempts + 1
    wait = settings.retry_s[min(attempts - 1, len(settings.retry_s) - 1)]
    state = "failed" if permanent or attempts >= settings.max_attempts else "waiting"
    with session.ledger.write() as conn:
        conn.execute(
            "UPDATE outbox_messages SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, claimed_by = ''"
            " WHERE id = ?",
            (state, attempts, _utc(session.clock() + timedelta(seconds=wait)), error[:500], message.id),
        )
    return state
