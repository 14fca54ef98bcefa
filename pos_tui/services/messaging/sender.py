"""The sender: takes due messages from the outbox one at a time and sends them, never inside a sale.

`pos outbox send` runs ``send_due`` once; `pos outbox run` (its own process, systemd unit
pos-outbox.service) and the till's background thread (``OutboxWorker``) run it in a loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pos_tui.domain.errors import PosError
from pos_tui.services.messaging import outbox
from pos_tui.services.messaging.render import receipt_email, receipt_sms
from pos_tui.services.messaging.transports import SendFailed, send_email, send_sms

if TYPE_CHECKING:
    from pos_tui.services.session import Session

log = logging.getLogger(__name__)


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)


def send_one(session: Session, message: outbox.OutboxMessage) -> None:
    """Send ``message`` now; raises SendFailed."""
    if message.channel == "email":
        send_email(session.settings.email, receipt_email(session, message.sale_seq, message.address))
    else:
        send_sms(session.settings.sms, message.address, receipt_sms(session, message.sale_seq))


def send_due(session: Session, claimant: str | None = None, *, limit: int = 100) -> SendReport:
    """Send every message that is due now (at most ``limit``), each once; failures wait for their next try."""
    claimant = claimant or outbox.sender_id()
    report = SendReport()
    for _ in range(limit):
        message = outbox.claim_next(session, claimant)
        if message is None:
            break
        try:
            send_one(session, message)
        except PosError as error:  # the receipt cannot be made (never expected): keep it, do not loop on it
            outbox.mark_failed(session, message, str(error), permanent=True)
            report.failed.append((message.id, str(error)))
            continue
        except SendFailed as error:
            state = outbox.mark_failed(session, message, str(error), permanent=error.permanent)
            (report.failed if state == "failed" else report.retrying).append((message.id, str(error)))
            log.warning("outbox message %d (%s): %s", message.id, message.channel, error)
            if not error.permanent:
                break  # the network is down: the rest would fail the same way; they wait for the next round
            continue
        outbox.mark_sent(session, message)
        report.sent.append(message.id)
    return report


class OutboxWorker:
    """The till's own sender: a daemon thread that sends due receipts and reports how many wait.

    ``open_session`` gives the thread its own session (its own SQLite connection); ``on_waiting`` is
    called from the thread with the count after each round (the till posts it to its status line)."""

    def __init__(self, open_session: Callable[[], Session], poll_s: float,  # float-ok: seconds
                 on_waiting: Callable[[int], None] | None = None) -> None:
        self._open_session = open_session
        self._poll_s = poll_s
        self._on_waiting = on_waiting
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """A receipt was queued: look now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:  # float-ok: seconds to wait for the thread
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            session = self._open_session()
        except Exception:  # the till sells on; `pos outbox run` can still send what waits
            log.exception("the outbox sender could not open the store")
            return
        try:
            while not self._stop.is_set():
                try:
                    send_due(session)
                    if self._on_waiting is not None:
                        self._on_waiting(outbox.waiting_count(session))
                except Exception:  # a sender problem must never reach the till's sales
                    log.exception("outbox sender round failed")
                self._wake.wait(self._poll_s)
                self._wake.clear()
        finally:
            session.close()
