"""What the till needs to make and keep backups: who may read them, who signs them, where they go.

The lead's config root holds this as ``backup: BackupSettings``. The till holds only public age
recipients and its own Ed25519 signing key; the age identity that can decrypt stays with the admin.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator


class RetentionPolicy(BaseModel):
    """How many snapshots ``pos backup prune`` keeps; a snapshot kept by any rule stays."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    keep_last: int = Field(default=24, ge=0)
    """The newest N snapshots, whatever their age."""

    keep_daily: int = Field(default=14, ge=0)
    """The newest snapshot of each of the last N days that have one."""

    keep_weekly: int = Field(default=8, ge=0)
    """The newest snapshot of each of the last N ISO weeks that have one."""

    keep_monthly: int = Field(default=12, ge=0)
    """The newest snapshot of each of the last N months that have one."""


class BackupSettings(BaseModel):
    """Encrypted snapshots and journal segments of the ledger."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    recipients: list[str] = Field(default_factory=list)
    """age public keys (``age1...``) every snapshot is encrypted to; the matching identities stay
    off the till, with the admin."""

    signing_key: Path | None = None
    """The Ed25519 private key (PEM, mode 0600) that signs every manifest. It belongs to the backup
    account (the backup units' ``User=``), never to the till's account: a till that could sign would
    sign a rewritten journal as readily as an honest one."""

    signer_public_key: Path | None = None
    """The public half of ``signing_key`` (``till-signing.pub``, readable by everyone): what
    ``pos db verify`` and ``pos backup list`` check the manifests' signatures with."""

    work_dir: Path | None = None
    """Where a backup job makes its plaintext copy and holds its lock: a directory of the backup
    account on the database's disk (``/var/lib/pos-backup``), which the till's and the managers'
    accounts cannot read. Unset: beside the database."""

    destinations: list[Path] = Field(default_factory=list, max_length=2)
    """One or two directories that receive each snapshot: local disk, a mounted USB stick, a network
    share. They hold files, never the live database."""

    retention: RetentionPolicy = Field(default_factory=RetentionPolicy)
    """Which snapshots ``pos backup prune`` keeps."""

    @field_validator("recipients")
    @classmethod
    def _recipients_look_like_age_keys(cls, value: list[str]) -> list[str]:
        for recipient in value:
            if not recipient.startswith("age1"):
                raise ValueError(
                    f"{recipient!r} is not an age public key; it should start with 'age1' "
                    "(see backup-recipient.txt made by `pos backup keygen`)"
                )
        return value
