"""Webhook subscriptions and their signed deliveries (the Standard Webhooks spec).

A delivery's ``webhook-id`` is made of the subscription, the journal seq and the event type, so it is
the same on every retry and every replay: a receiver drops what it has seen. The signature is
``v1,`` + base64 of HMAC-SHA256 over ``id.timestamp.body`` with the subscription's secret
(``whsec_`` + base64 of 32 random bytes), kept outside the journal.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pos_tui.domain.api_events import WebhookAdded, WebhookDisabled, WebhookReplayed
from pos_tui.domain.errors import InvalidInput, NotFound
from pos_tui.domain.permissions import Action
from pos_tui.ledger.entry import JournalEntry
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session

# What a subscription can ask for: journal kinds as they are, and stock.low, derived from the entries
# that move stock (a product falling under its reorder level).
EVENT_TYPES: tuple[str, ...] = (
    "sale.completed", "sale.returned", "stock.received", "stock.adjusted", "price.changed", "product.added",
    "product.changed", "stock.low",
)
STOCK_MOVING = ("sale.completed", "sale.returned", "stock.adjusted", "stock.received")


@dataclass(frozen=True)
class Webhook:
    webhook_id: str
    url: str
    events: tuple[str, ...]
    starts_after_seq: int
    disabled_seq: int | None
    disabled_reason: str
    replayed_from_seq: int | None


@dataclass(frozen=True)
class Message:
    """One delivery: the same id and body on every attempt."""

    message_id: str
    event_type: str
    seq: int
    body: bytes


_COLUMNS = "webhook_id, url, events, starts_after_seq, disabled_seq, disabled_reason, replayed_from_seq"


def _webhook(row: tuple[Any, ...]) -> Webhook:
    webhook_id, url, events, starts, disabled, reason, replayed = row
    return Webhook(webhook_id, url, tuple(json.loads(events)), starts, disabled, reason, replayed)


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"{url!r} is not an http(s) URL.", "Give the receiver's URL, e.g. https://shop.example/hooks.")
    if parts.username or parts.password:  # the URL goes into the journal, hashed for ever: no secrets in it
        raise InvalidInput("The URL holds a user name or password, and URLs are kept in the journal.",
                           "Give the URL without them; the receiver checks each delivery's signature instead.")
    return url.strip()


def add_webhook(session: Session, url: str, events: list[str]) -> tuple[Webhook, str]:
    """A subscription from the next journal entry on; returns it and its signing secret (shown once)."""
    authz.require(session, Action.USER_ADMIN)
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown or not events:
        raise InvalidInput(f"Unknown event {', '.join(unknown)}." if unknown else "A webhook needs an --event.",
                           f"Use --event with any of: {', '.join(EVENT_TYPES)}.")
    checked = check_url(url)
    webhook_id = "wh_" + secrets.token_hex(6)
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    with session.ledger.write() as conn:
        head = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM journal").fetchone()[0]
        session.record(WebhookAdded(webhook_id, checked, tuple(dict.fromkeys(events)), head))
        conn.execute("INSERT INTO api_webhook_secrets (webhook_id, secret) VALUES (?, ?)", (webhook_id, secret))
    return get_webhook(session, webhook_id), secret


def get_webhook(session: Session, webhook_id: str) -> Webhook:
    row = session.ledger.conn.execute(f"SELECT {_COLUMNS} FROM api_webhooks WHERE webhook_id = ?",
                                      (webhook_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no webhook {webhook_id!r}.", "See `pos api webhook list`.")
    return _webhook(row)


def list_webhooks(session: Session) -> list[Webhook]:
    return [_webhook(r) for r in session.ledger.conn.execute(f"SELECT {_COLUMNS} FROM api_webhooks ORDER BY added_seq")]


def delivered_through(session: Session, webhook_id: str) -> int | None:
    row = session.ledger.conn.execute("SELECT after_seq FROM api_webhook_cursors WHERE webhook_id = ?",
                                      (webhook_id,)).fetchone()
    return None if row is None else int(row[0])


def secret_of(session: Session, webhook_id: str) -> str:
    row = session.ledger.conn.execute("SELECT secret FROM api_webhook_secrets WHERE webhook_id = ?",
                                      (webhook_id,)).fetchone()
    if row is None:
        raise NotFound(f"Webhook {webhook_id} has no signing secret in this database.",
                       "Add the subscription again (`pos api webhook add`).")
    return str(row[0])


def disable_webhook(session: Session, webhook_id: str, reason: str) -> None:
    with session.ledger.write():
        hook = get_webhook(session, webhook_id)
        if hook.disabled_seq is None:
            session.record(WebhookDisabled(webhook_id, reason))


def replay_webhook(session: Session, webhook_id: str, from_seq: int) -> Webhook:
    """Deliver again from journal seq ``from_seq`` (and enable the subscription if it was disabled)."""
    authz.require(session, Action.USER_ADMIN)
    if from_seq < 1:
        raise InvalidInput("--from-seq must be 1 or more.", "Give the journal seq to deliver from.")
    with session.ledger.write():
        get_webhook(session, webhook_id)
        session.record(WebhookReplayed(webhook_id, from_seq))
    return get_webhook(session, webhook_id)


# --- messages and signatures ------------------------------------------------------------------


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does (the tests use it): any of the space-separated signatures matches."""
    expected = sign(secret, headers["webhook-id"], int(headers["webhook-timestamp"]), body)
    return any(hmac.compare_digest(expected, given) for given in headers["webhook-signature"].split())


def _stock_low(session: Session, entry: JournalEntry) -> list[dict[str, Any]]:
    """Products this entry took from at or above their reorder level to below it."""
    conn = session.ledger.conn
    moved = conn.execute("SELECT product_id, SUM(quantity) FROM stock_movements WHERE seq = ? GROUP BY product_id",
                         (entry.seq,)).fetchall()
    low = []
    for product_id, quantity in moved:
        if quantity >= 0:
            continue
        before = conn.execute("SELECT COALESCE(SUM(quantity), 0) FROM stock_movements WHERE product_id = ? AND seq < ?",
                              (product_id, entry.seq)).fetchone()[0]
        row = conn.execute("SELECT sku, reorder_level FROM products WHERE product_id = ?", (product_id,)).fetchone()
        if row is not None and before >= row[1] > before + quantity:
            low.append({"product_id": product_id, "sku": row[0], "on_hand": before + quantity, "reorder_level": row[1]})
    return low


def messages_for(session: Session, hook: Webhook, entry: JournalEntry) -> list[Message]:
    """The deliveries one journal entry makes for a subscription (none, one, or two with stock.low)."""
    data: list[tuple[str, Any]] = []
    if entry.kind in hook.events:
        payload = json.loads(entry.payload_json)
        payload.pop("api_request", None)
        data.append((entry.kind, payload))
    if "stock.low" in hook.events and entry.kind in STOCK_MOVING:
        low = _stock_low(session, entry)
        if low:
            data.append(("stock.low", {"products": low}))
    out = []
    for event_type, payload in data:
        message_id = f"msg_{hook.webhook_id}_{entry.seq}_{event_type}"
        body = json.dumps({"type": event_type, "timestamp": entry.at, "seq": entry.seq, "terminal": entry.terminal,
                           "data": payload}, sort_keys=True, separators=(",", ":")).encode()
        out.append(Message(message_id, event_type, entry.seq, body))
    return out
