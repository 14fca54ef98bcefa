-- pos_tui schema 8: the integration API's tokens, webhook subscriptions and request keys.
--
-- api_tokens, api_webhooks and api_requests are projections of the api.* events (and of the writes an
-- API request made: their Idempotency-Key rides in the event's payload). The two tables after them are
-- not in the journal and not compared by verify: a webhook's signing secret (a secret never goes into a
-- hashed payload) and each subscription's delivery cursor (moved on every delivery: operational state,
-- not books; a cursor restored from an older snapshot only sends deliveries again, with the same ids).

CREATE TABLE api_tokens (
    token_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,                 -- JSON list, e.g. ["items:read","sales:read"]
    acts_as TEXT NOT NULL,
    expires_at TEXT NOT NULL,             -- UTC, journal format; '' never
    rate_limit_per_minute INTEGER NOT NULL,
    added_seq INTEGER NOT NULL,
    first_used_seq INTEGER,
    revoked_seq INTEGER,
    revoked_reason TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE api_webhooks (
    webhook_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    events TEXT NOT NULL,                 -- JSON list of event kinds
    starts_after_seq INTEGER NOT NULL,
    added_seq INTEGER NOT NULL,
    disabled_seq INTEGER,
    disabled_reason TEXT NOT NULL DEFAULT '',
    replayed_from_seq INTEGER             -- the last replay's start, for the dispatcher to pick up
) STRICT;

CREATE TABLE api_requests (
    token_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    digest TEXT NOT NULL,
    seq INTEGER NOT NULL,                 -- the first event the request wrote: its answer is made from it
    PRIMARY KEY (token_id, idempotency_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE api_webhook_secrets (
    webhook_id TEXT PRIMARY KEY,
    secret TEXT NOT NULL                  -- "whsec_" + base64 of 32 random bytes (Standard Webhooks)
) STRICT;

CREATE TABLE api_webhook_cursors (
    webhook_id TEXT PRIMARY KEY,
    after_seq INTEGER NOT NULL,           -- every entry up to here is delivered (or not of its kinds)
    attempts INTEGER NOT NULL DEFAULT 0,  -- failed attempts at the entry after after_seq
    failing_since_ms INTEGER NOT NULL DEFAULT 0,  -- Unix ms of the first failure since the last success
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,   -- Unix ms before which the next attempt waits (backoff)
    last_error TEXT NOT NULL DEFAULT '',
    replay_seen INTEGER                   -- the api_webhooks.replayed_from_seq this cursor has taken up
) STRICT;
