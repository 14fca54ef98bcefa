"""``[email]``, ``[sms]`` and ``[outbox]`` in pos.toml: how receipts leave the shop by email or SMS."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EmailSettings(_Section):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    host: str = ""
    """SMTP server; "" sends no email (receipts asked for by email wait in the outbox)."""
    port: int = Field(default=587, ge=1, le=65535)
    from_address: str = Field(default="", alias="from")
    """The sender, e.g. "Shop <receipts@example.org>" (written `from = ...` in pos.toml)."""
    starttls: bool = True
    """Upgrade the connection with STARTTLS before logging in (port 587). False: plain (a relay on the LAN)."""
    user: str = ""
    """SMTP login; "" for a server that takes mail without one."""
    password_file: Path | None = None
    """A file holding the SMTP password (one line), readable by the till's user only; never the password here."""
    ca_file: Path | None = None
    """A CA certificate to trust for STARTTLS (a relay with a private CA); the system's CAs otherwise."""
    timeout_s: int = Field(default=10, ge=1, le=300)
    """How long one connection may take before the message waits for the next try."""


class SmsSettings(_Section):
    url: str = ""
    """The SMS gateway's HTTP endpoint; it is POSTed JSON {"to": PHONE, "text": TEXT}. "" sends no SMS."""
    token_file: Path | None = None
    """A file holding the gateway's API token (sent as `Authorization: Bearer ...`)."""
    template: str = "{store}: receipt {sale}, total {total}. Thank you!"
    """The text sent; {store}, {sale}, {total} and {at} are filled in. No line items: SMS is short."""
    timeout_s: int = Field(default=10, ge=1, le=300)


class OutboxSettings(_Section):
    retry_s: list[int] = Field(default_factory=lambda: [30, 120, 600, 1800, 3600])
    """Waits after each failed attempt (the last repeats) before the message is tried again."""
    max_attempts: int = Field(default=20, ge=1)
    """After this many failures a message is marked failed (`pos outbox retry` sends it again)."""
    poll_s: float = Field(default=5.0, gt=0)  # float-ok: seconds between looks at the outbox
    """How often `pos outbox run` looks for messages that are due."""
