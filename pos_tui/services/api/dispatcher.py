"""`pos api webhooks run`: the journal is the outbox; each subscription has its own cursor.

One pass takes each enabled subscription in turn: the entries after its cursor, in order, each
delivered (every message it makes answered 2xx) before the cursor moves past it. A failure (a dropped
connection, a timeout, a non-2xx answer) leaves the cursor where it is and waits the next step of
``[api] webhook_retry_ms`` before trying the same messages again, with the same ids; a subscription
that has failed for ``webhook_disable_after_ms`` without a success is disabled (a journal event), and
`pos api webhook replay` starts it again. Cursors are rows outside the journal: moving one is not a
change to the books.
"""

from __future__ import annotations

import http.client
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pos_tui.ledger.journal import entries_after
from pos_tui.services.api.webhooks import Message, Webhook, list_webhooks, messages_for, secret_of, sign

if TYPE_CHECKING:
    from pos_tui.services.session import Session

log = logging.getLogger("pos.webhooks")
BATCH = 200


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class Dispatcher:
    def __init__(self, session: Session, *, clock: Callable[[], int] = _now_ms) -> None:
        self.session = session
        self.settings = session.settings.api
        self.clock = clock

    def close(self) -> None:
        """Nothing held open: each delivery has its own connection (a receiver that hangs affects one)."""

    def _cursor(self, hook: Webhook) -> tuple[int, int, int, int]:
        """(after_seq, attempts, failing_since_ms, next_attempt_ms), taking up a replay the admin asked for."""
        conn = self.session.ledger.conn
        with self.session.ledger.write():
            row = conn.execute("SELECT after_seq, attempts, failing_since_ms, next_attempt_ms, replay_seen"
                               " FROM api_webhook_cursors WHERE webhook_id = ?", (hook.webhook_id,)).fetchone()
            if row is None:
                conn.execute("INSERT INTO api_webhook_cursors (webhook_id, after_seq, replay_seen) VALUES (?, ?, ?)",
                             (hook.webhook_id, hook.starts_after_seq, hook.replayed_from_seq))
                row = (hook.starts_after_seq, 0, 0, 0, hook.replayed_from_seq)
            if hook.replayed_from_seq is not None and row[4] != hook.replayed_from_seq:
                row = (hook.replayed_from_seq - 1, 0, 0, 0, hook.replayed_from_seq)
                conn.execute("UPDATE api_webhook_cursors SET after_seq = ?, attempts = 0, failing_since_ms = 0,"
                             " next_attempt_ms = 0, last_error = '', replay_seen = ? WHERE webhook_id = ?",
                             (row[0], row[4], hook.webhook_id))
        return row[0], row[1], row[2], row[3]

    def _post(self, hook: Webhook, secret: str, message: Message) -> str:
        """'' when the receiver took it (2xx); else what went wrong."""
        timestamp = self.clock() // 1000
        headers = {
            "content-type": "application/json",
            "webhook-id": message.message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, message.message_id, timestamp, message.body),
        }
        return self._send(hook.url, message.body, headers)

    def _send(self, url: str, body: bytes, headers: dict[str, str]) -> str:
        # http.client rather than an HTTP library: no redirects followed (a receiver that moved must be
        # subscribed again), and nothing heavy imported into a process that runs for months.
        parts = urlsplit(url)
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = kind(parts.hostname or "", parts.port, timeout=self.settings.webhook_timeout_ms / 1000)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("POST", path, body=body, headers=headers)
            status = connection.getresponse().status
        except (OSError, http.client.HTTPException) as error:
            return f"{type(error).__name__}: {error}"
        finally:
            connection.close()
        return "" if 200 <= status < 300 else f"HTTP {status}"

    def _failed(self, hook: Webhook, attempts: int, failing_since: int, error: str) -> None:
        from pos_tui.services.api.webhooks import disable_webhook

        now = self.clock()
        failing_since = failing_since or now
        retries = self.settings.webhook_retry_ms
        wait = retries[min(attempts + 1, len(retries) - 1)]
        with self.session.ledger.write() as conn:
            conn.execute("UPDATE api_webhook_cursors SET attempts = ?, failing_since_ms = ?, next_attempt_ms = ?,"
                         " last_error = ? WHERE webhook_id = ?",
                         (attempts + 1, failing_since, now + wait, error[:500], hook.webhook_id))
        log.warning("webhook %s: %s (attempt %d)", hook.webhook_id, error, attempts + 1)
        if now - failing_since >= self.settings.webhook_disable_after_ms:
            disable_webhook(self.session, hook.webhook_id,
                            f"failing since {failing_since} ms for {now - failing_since} ms: {error[:200]}")

    def _advance(self, hook: Webhook, seq: int) -> None:
        with self.session.ledger.write() as conn:
            conn.execute("UPDATE api_webhook_cursors SET after_seq = ?, attempts = 0, failing_since_ms = 0,"
                         " next_attempt_ms = 0, last_error = '' WHERE webhook_id = ?", (seq, hook.webhook_id))

    def deliver(self, hook: Webhook) -> bool:
        """One subscription's due work; True when its cursor moved (there may be more)."""
        after, attempts, failing_since, next_attempt = self._cursor(hook)
        if next_attempt > self.clock():
            return False
        secret = secret_of(self.session, hook.webhook_id)
        done = after  # entries without a message for this subscription are passed over in one write
        for count, entry in enumerate(entries_after(self.session.ledger, after, batch=BATCH), start=1):
            for message in messages_for(self.session, hook, entry):
                error = self._post(hook, secret, message)
                if error:
                    if done > after:
                        self._advance(hook, done)
                        attempts, failing_since = 0, 0
                    self._failed(hook, attempts, failing_since, error)
                    return done > after
            done = entry.seq
            if count >= BATCH:
                break
        if done > after:
            self._advance(hook, done)
        return done > after

    def run_once(self) -> bool:
        worked = False
        for hook in list_webhooks(self.session):
            if hook.disabled_seq is None:
                worked |= self.deliver(hook)
        return worked

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            if not self.run_once():
                stop.wait(self.settings.webhook_poll_ms / 1000)
