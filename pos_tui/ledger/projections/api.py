"""Projections of the integration API: tokens, webhook subscriptions, and the requests that wrote.

A write the API makes (a sale, a stock adjustment, a product edit) carries its request's token and
Idempotency-Key in the event's payload (``api_request``); ``api_requests`` maps that key to the first
seq it wrote, so a repeat of the request is answered from the journal and changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from pos_tui.ledger.entry import Handler, JournalEntry


def _token_added(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO api_tokens (token_id, name, token_sha256, scopes, acts_as, expires_at, rate_limit_per_minute,"
        " added_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (p["token_id"], p["name"], p["token_sha256"], json.dumps(p["scopes"]), p["acts_as"], p["expires_at"],
         p["rate_limit_per_minute"], e.seq),
    )


def _token_revoked(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE api_tokens SET revoked_seq = ?, revoked_reason = ? WHERE token_id = ?",
                 (e.seq, p["reason"], p["token_id"]))


def _token_first_used(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE api_tokens SET first_used_seq = ? WHERE token_id = ? AND first_used_seq IS NULL",
                 (e.seq, p["token_id"]))


def _webhook_added(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO api_webhooks (webhook_id, url, events, starts_after_seq, added_seq) VALUES (?, ?, ?, ?, ?)",
        (p["webhook_id"], p["url"], json.dumps(p["events"]), p["starts_after_seq"], e.seq),
    )


def _webhook_disabled(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE api_webhooks SET disabled_seq = ?, disabled_reason = ? WHERE webhook_id = ?",
                 (e.seq, p["reason"], p["webhook_id"]))


def _webhook_replayed(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE api_webhooks SET disabled_seq = NULL, disabled_reason = '', replayed_from_seq = ? WHERE webhook_id = ?",
        (p["from_seq"], p["webhook_id"]),
    )


def _api_request(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    request = p.get("api_request")
    if request is None:
        return
    # A request that wrote two events (a product edit that also reprices) is answered from the first.
    conn.execute(
        "INSERT OR IGNORE INTO api_requests (token_id, idempotency_key, digest, seq) VALUES (?, ?, ?, ?)",
        (request["token_id"], request["key"], request["digest"], e.seq),
    )


# The kinds an API request writes (services/api/writes.py); a kind added there gets a row here.
API_WRITTEN_KINDS = ("sale.completed", "stock.adjusted", "product.changed", "price.changed")

HANDLERS: dict[str, Handler] = {
    "api.token_added": _token_added,
    "api.token_revoked": _token_revoked,
    "api.token_first_used": _token_first_used,
    "api.webhook_added": _webhook_added,
    "api.webhook_disabled": _webhook_disabled,
    "api.webhook_replayed": _webhook_replayed,
    **{kind: _api_request for kind in API_WRITTEN_KINDS},
}

TABLES: dict[str, str] = {
    "api_tokens": "token_id",
    "api_webhooks": "webhook_id",
    "api_requests": "token_id, idempotency_key",
}
