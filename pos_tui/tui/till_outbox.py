"""The till's side of the outbox: queue a receipt the cashier asked to send, and (where [email] or [sms]
is set) a background thread that sends it, so "3 receipts waiting" can show on the device line.

Queueing is one local INSERT after the sale committed; sending happens on the worker's own session in
its own thread, so no network wait ever reaches the counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import App
from textual.message import Message

from pos_tui.services.session import Session, open_session

if TYPE_CHECKING:
    from pos_tui.services.messaging.sender import OutboxWorker


@dataclass
class ReceiptsWaiting(Message):
    """How many receipts by email or SMS have not left yet."""

    count: int


def receipts_waiting(session: Session) -> int:
    # Imported here, after the first frame: the outbox brings the sale service (its references) and
    # with it cash, customers and gift cards, 0.1 s of a cold start that shows only the PIN box.
    from pos_tui.services.messaging import outbox

    return outbox.waiting_count(session)


class TillOutbox:
    def __init__(self, app: App[object], session: Session) -> None:
        self.app = app
        self.session = session
        self.worker: OutboxWorker | None = None

    @property
    def sends_here(self) -> bool:
        """Whether this till sends itself; otherwise `pos outbox run` (its own service) does."""
        settings = self.session.settings
        return bool(settings.email.host or settings.sms.url) and not self.session.ledger.read_only

    def start(self) -> None:
        if not self.sends_here or self.worker is not None:
            return
        # Imported here: the sender brings smtplib, email and the HTTP client, which a till that leaves
        # sending to `pos outbox run` never needs at start-up.
        from pos_tui.services.messaging.sender import OutboxWorker

        settings, path = self.session.settings, self.session.ledger.path
        self.worker = OutboxWorker(lambda: open_session(settings, path), settings.outbox.poll_s,
                                   lambda count: self.app.post_message(ReceiptsWaiting(count)))
        self.worker.start()

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def queue(self, session: Session, sale_ref: str, channel: str, typed: str, customer_id: int | None = None) -> str:
        """Queue the receipt (refusals are PosError sentences) and say so; the sender is woken at once.
        With nothing typed, the attached customer's consented address is used."""
        from pos_tui.services.messaging import outbox
        from pos_tui.services.messaging.recipients import recipient_for

        address = recipient_for(session, channel, typed, customer_id)
        message_id = outbox.queue_receipt(session, sale_ref, channel, address)
        waiting = outbox.waiting_count(session)
        self.app.post_message(ReceiptsWaiting(waiting))
        if self.worker is not None:
            self.worker.wake()
        how = "email" if channel == "email" else "SMS"
        return f"Receipt {sale_ref} queued for {how} (message {message_id}); {waiting} receipts waiting."
