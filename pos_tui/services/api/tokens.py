"""API tokens: one per integration, with scopes, an optional expiry and rate limit.

A token is ``pos_<id>_<secret>`` with 256 random bits of secret; only its sha256 is stored. A fast
hash is enough here, and right: scrypt or argon2 exist to make guessing a *low-entropy* secret (a
PIN, a password) slow, but nobody can guess 256 random bits however fast the hash, and a slow hash
would cost every API request tens of milliseconds of CPU on a till's box.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from pos_tui.domain.api_events import ApiTokenAdded, ApiTokenFirstUsed, ApiTokenRevoked
from pos_tui.domain.errors import InvalidInput, NotFound, PosError
from pos_tui.domain.permissions import Action
from pos_tui.ledger.journal import format_time, parse_time
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session

# Scopes are "resource:verb"; a route names the one it needs (pos_tui/api/app.py).
SCOPES: tuple[str, ...] = (
    "items:read", "items:write", "inventory:read", "inventory:write", "sales:read", "sales:write", "reports:read",
)
PREFIX = "pos_"


class Unauthorized(PosError):
    """No token, or one that is not (or no longer) valid: HTTP 401."""


class Forbidden(PosError):
    """A valid token without the scope the request needs: HTTP 403."""


class RateLimited(PosError):
    """More requests in a minute than the token's limit: HTTP 429."""

    def __init__(self, message: str, hint: str, retry_after: int) -> None:
        super().__init__(message, hint)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Token:
    token_id: str
    name: str
    scopes: tuple[str, ...]
    acts_as: str
    expires_at: str
    rate_limit_per_minute: int
    added_seq: int
    first_used_seq: int | None
    revoked_seq: int | None

    @property
    def state(self) -> str:
        if self.revoked_seq is not None:
            return "revoked"
        if self.expires_at and parse_time(self.expires_at) <= datetime.now(UTC):
            return "expired"
        return "active"


@dataclass(frozen=True)
class NewToken:
    token: Token
    secret: str  # the whole token, shown once


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_rate_limit(text: str) -> int:
    """"120/min" (or "120") -> 120 requests a minute; "" or "0" -> no limit."""
    number = text.strip().lower().removesuffix("/min").removesuffix("/minute").strip()
    if not number:
        return 0
    if not number.isdigit():
        raise InvalidInput(f"{text!r} is not a rate limit.", "Give requests a minute, e.g. --rate-limit 120/min.")
    return int(number)


def check_scopes(scopes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise InvalidInput(f"Unknown scope {', '.join(unknown)}." if unknown else "A token needs at least one scope.",
                           f"Use --scope with any of: {', '.join(SCOPES)}.")
    return tuple(dict.fromkeys(scopes))


_COLUMNS = ("token_id, name, scopes, acts_as, expires_at, rate_limit_per_minute, added_seq, first_used_seq,"
            " revoked_seq")


def _token(row: tuple[object, ...]) -> Token:
    token_id, name, scopes, acts_as, expires_at, limit, added, first, revoked = row
    return Token(str(token_id), str(name), tuple(json.loads(str(scopes))), str(acts_as), str(expires_at),
                 int(limit), int(added), first, revoked)  # type: ignore[call-overload, arg-type]


def add_token(
    session: Session,
    name: str,
    scopes: list[str],
    *,
    acts_as: str,
    expires_days: int | None = None,
    rate_limit_per_minute: int = 0,
) -> NewToken:
    """A new token for an integration: one ``api.token_added`` event; the token is returned once."""
    authz.require(session, Action.USER_ADMIN)
    if not name.strip():
        raise InvalidInput("A token needs a name.", "Name the integration, e.g. webshop.")
    checked = check_scopes(scopes)
    if expires_days is not None and expires_days <= 0:
        raise InvalidInput("--expires must be a number of days above zero.", "Leave it out for no expiry.")
    if rate_limit_per_minute < 0:
        raise InvalidInput("A rate limit cannot be negative.", "Use 0 for no limit.")
    if authz.user_role(session, acts_as) is None:
        raise NotFound(f"There is no user {acts_as!r} for the token to act as.",
                       "Name a user whose role may do what the token will (`pos user list`).")
    token_id = secrets.token_hex(4)
    secret = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    expires = format_time(session.clock() + timedelta(days=expires_days)) if expires_days else ""
    with session.ledger.write():
        session.record(ApiTokenAdded(token_id, name.strip(), token_sha256(secret), checked, acts_as, expires,
                                     rate_limit_per_minute))
    return NewToken(get_token(session, token_id), secret)


def get_token(session: Session, token_id: str) -> Token:
    row = session.ledger.conn.execute(f"SELECT {_COLUMNS} FROM api_tokens WHERE token_id = ?", (token_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no API token {token_id!r}.", "See `pos api token list`.")
    return _token(row)


def list_tokens(session: Session) -> list[Token]:
    rows = session.ledger.conn.execute(f"SELECT {_COLUMNS} FROM api_tokens ORDER BY added_seq")
    return [_token(row) for row in rows]


def revoke_token(session: Session, token_id: str, reason: str = "") -> Token:
    authz.require(session, Action.USER_ADMIN)
    with session.ledger.write():
        token = get_token(session, token_id.removeprefix(PREFIX).split("_")[0])
        if token.revoked_seq is not None:
            raise InvalidInput(f"Token {token.token_id} is already revoked.", "Nothing was changed.")
        session.record(ApiTokenRevoked(token.token_id, reason.strip() or "revoked"))
    return get_token(session, token.token_id)


def authenticate(session: Session, authorization: str | None) -> Token:
    """The token an ``Authorization: Bearer ...`` header names, if it is valid now; else ``Unauthorized``."""
    hint = "Send `Authorization: Bearer <token>` with a token from `pos api token add`."
    if not authorization:
        raise Unauthorized("This request has no API token.", hint)
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip().startswith(PREFIX):
        raise Unauthorized("The Authorization header does not hold an API token.", hint)
    row = session.ledger.conn.execute(
        f"SELECT {_COLUMNS} FROM api_tokens WHERE token_sha256 = ?", (token_sha256(value.strip()),)
    ).fetchone()
    if row is None:
        raise Unauthorized("This API token is not known here.", hint)
    token = _token(row)
    if token.state != "active":
        raise Unauthorized(f"API token {token.token_id} ({token.name}) is {token.state}.",
                           "Ask for a new one (`pos api token add`).")
    return token


def require_scope(token: Token, scope: str) -> None:
    if scope not in token.scopes:
        raise Forbidden(f"API token {token.token_id} ({token.name}) does not have the scope {scope}.",
                        "Ask the store for a token with that scope; nothing was changed.")


def record_first_use(session: Session, token: Token) -> None:
    """Journal a token's first request once, however many requests race to be first."""
    with session.ledger.write() as conn:
        row = conn.execute("SELECT first_used_seq FROM api_tokens WHERE token_id = ?", (token.token_id,)).fetchone()
        if row is not None and row[0] is None:
            session.record(ApiTokenFirstUsed(token.token_id))


class RateLimiter:
    """Requests a minute per token, in this process: a sliding window of request times."""

    def __init__(self, clock: object = time.monotonic) -> None:
        self._clock = clock
        self._seen: dict[str, list[float]] = {}
        self._lock = threading.Lock()  # requests are served by a pool of threads

    def check(self, token: Token) -> None:
        if token.rate_limit_per_minute:
            with self._lock:
                self._check(token)

    def _check(self, token: Token) -> None:
        limit = token.rate_limit_per_minute
        now = self._clock()  # type: ignore[operator]
        recent = [t for t in self._seen.get(token.token_id, []) if now - t < 60.0]
        if len(recent) >= limit:
            retry = int(60.0 - (now - recent[0])) + 1
            self._seen[token.token_id] = recent
            raise RateLimited(f"API token {token.token_id} has made its {limit} requests for this minute.",
                              f"Try again in {retry} s.", retry)
        recent.append(now)
        self._seen[token.token_id] = recent
