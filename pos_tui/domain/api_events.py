"""Events of the integration API: tokens and webhook subscriptions.

No secret goes into a payload. A token's payload carries the sha256 of the token, which is not a
secret: the token is 256 random bits, so its hash cannot be turned back into it, and holding the
hash does not let anyone call the API (the API hashes what it is given). A webhook's signing
secret lives outside the chain (``api_webhook_secrets``, db/0008_api.sql), like personal data.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from pos_tui.domain.events import Event


@dataclasses.dataclass(frozen=True)
class ApiTokenAdded(Event):
    KIND: ClassVar[str] = "api.token_added"
    AUDITED: ClassVar[bool] = True
    token_id: str  # public part of the token ("pos_<token_id>_<secret>"), shown in lists and the audit
    name: str  # the integration: "webshop", "accounting"
    token_sha256: str
    scopes: tuple[str, ...]
    acts_as: str  # the user whose role the token's writes are checked against
    expires_at: str = ""  # UTC time, journal format; "" never
    rate_limit_per_minute: int = 0  # 0: no limit


@dataclasses.dataclass(frozen=True)
class ApiTokenRevoked(Event):
    KIND: ClassVar[str] = "api.token_revoked"
    AUDITED: ClassVar[bool] = True
    token_id: str
    reason: str


@dataclasses.dataclass(frozen=True)
class ApiTokenFirstUsed(Event):
    """The first request a token made: the moment an integration came alive is worth an audit line."""

    KIND: ClassVar[str] = "api.token_first_used"
    AUDITED: ClassVar[bool] = True
    token_id: str


@dataclasses.dataclass(frozen=True)
class WebhookAdded(Event):
    KIND: ClassVar[str] = "api.webhook_added"
    AUDITED: ClassVar[bool] = True
    webhook_id: str
    url: str
    events: tuple[str, ...]
    starts_after_seq: int  # deliveries start with the entry after this one


@dataclasses.dataclass(frozen=True)
class WebhookDisabled(Event):
    KIND: ClassVar[str] = "api.webhook_disabled"
    AUDITED: ClassVar[bool] = True
    webhook_id: str
    reason: str


@dataclasses.dataclass(frozen=True)
class WebhookReplayed(Event):
    """An admin moved a subscription's cursor back (and enabled it again): deliveries start over from
    ``from_seq``, each with the id it had the first time."""

    KIND: ClassVar[str] = "api.webhook_replayed"
    AUDITED: ClassVar[bool] = True
    webhook_id: str
    from_seq: int


API_EVENTS: tuple[type[Event], ...] = (
    ApiTokenAdded, ApiTokenRevoked, ApiTokenFirstUsed, WebhookAdded, WebhookDisabled, WebhookReplayed,
)
