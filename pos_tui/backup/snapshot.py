"""``pos backup create``: a consistent, checked, encrypted and signed snapshot of the store.

1. One-step copy of the live database into a hidden temp file beside it (never plaintext on a USB
   stick or network share), taken while tills keep selling.
2. ``quick_check`` and ``foreign_key_check`` on the copy; store, schema and journal head read from
   the copy itself, so the manifest describes exactly what was copied.
3. age-encrypt to the recipients into a temp file in each destination, sign the manifest, fsync,
   rename into place, fsync the directory. The plaintext copy is deleted.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pos_tui.backup.atomic import destination_lock, remove_stale_temps, space_error, temp_path_in
from pos_tui.backup.errors import BackupError, NoSpace
from pos_tui.backup.keys import key_id, load_signing_key, parse_recipients
from pos_tui.backup.ledger_facts import LedgerFacts, facts_of, opened
from pos_tui.backup.manifest import FileDigest, Manifest
from pos_tui.backup.naming import make_name
from pos_tui.backup.sqlite_files import copy_database, require_healthy
from pos_tui.backup.writer import WriteResult, publish_backup
from pos_tui.domain.errors import LedgerError

if TYPE_CHECKING:
    from pos_tui.backup.settings import BackupSettings


@dataclass(frozen=True)
class BackupJob:
    """Everything a backup job needs: the live database, this till, the keys and destinations."""

    database: Path
    terminal: str
    settings: BackupSettings
    destinations: tuple[Path, ...]

    @classmethod
    def from_settings(
        cls, database: Path, terminal: str, settings: BackupSettings, to: Sequence[Path] = ()
    ) -> BackupJob:
        return cls(database, terminal, settings, tuple(to) or tuple(settings.destinations))

    @property
    def work_dir(self) -> Path:
        """Where the plaintext copy is made and the job's lock held (``backup.work_dir``, else beside the database)."""
        return self.settings.work_dir or self.database.parent

    def recipient_keys(self) -> tuple[str, ...]:
        return tuple(str(recipient) for recipient in parse_recipients(self.settings.recipients))

    def signing_key_path(self) -> Path:
        if self.settings.signing_key is None:
            raise BackupError(
                "No signing key is configured, so the backup could not be signed.",
                "Run `pos backup keygen --out DIR` and set backup.signing_key to DIR/till-signing.key.",
            )
        return self.settings.signing_key


def create_snapshot(job: BackupJob, now: datetime | None = None, *, lock_held: bool = False) -> WriteResult:
    """Write one snapshot to every destination; see the module docstring for the steps.

    ``lock_held``: the caller (a restore, a segment) already holds the lock of the work directory."""
    recipients = parse_recipients(job.settings.recipients)
    signing_key = load_signing_key(job.signing_key_path())
    if not job.database.exists():
        raise BackupError(f"There is no store database at {job.database}.", "Check --db or database.path.")
    created = (now or datetime.now(UTC)).astimezone(UTC)
    work = job.work_dir
    with contextlib.nullcontext() if lock_held else destination_lock(work):
        if not lock_held:
            remove_stale_temps(work)
        plain = temp_path_in(work, "snapshot")
        try:
            try:
                os.close(os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # plaintext: owner only
                copy_database(job.database, plain)
            except OSError as error:
                raise space_error(error, work) from error
            except Exception as error:  # sqlite3.Error: disk full, I/O error, not a database
                text = str(error)
                if "full" in text or "I/O" in text:
                    raise NoSpace(
                        f"Could not copy {job.database.name} beside it ({text}).",
                        f"A snapshot first needs as much free space in {work} as the "
                        "database takes; free some, then run the backup again.",
                    ) from error
                raise BackupError(
                    f"Could not copy {job.database.name}: {text}.",
                    "Run `pos db verify`; if the database is damaged, restore the last good snapshot.",
                ) from error
            require_healthy(plain, full=False, what=f"The copy of {job.database.name}")
            try:
                with opened(plain) as copy:
                    facts = facts_of(copy)
            except LedgerError as error:
                raise BackupError(f"{job.database.name} cannot be backed up: {error.message}", error.hint) from error
            name = make_name(created, "snapshot", job.terminal, facts.store_id)
            stamp = created.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

            def manifest_for(plain_digest: FileDigest, cipher_digest: FileDigest) -> Manifest:
                return snapshot_manifest(
                    facts, name.payload_name, stamp, job, plain_digest, cipher_digest, key_id(signing_key.public_key())
                )

            with plain.open("rb") as source:
                return publish_backup(source, name, manifest_for, job.destinations, recipients, signing_key)
        finally:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{plain}{suffix}").unlink(missing_ok=True)


def snapshot_manifest(
    facts: LedgerFacts,
    payload: str,
    created_at: str,
    job: BackupJob,
    plain: FileDigest,
    cipher: FileDigest,
    signer: str,
) -> Manifest:
    return Manifest(
        kind="snapshot",
        payload=payload,
        created_at=created_at,
        store_id=facts.store_id,
        store_name=facts.store_name,
        terminal=job.terminal,
        schema_version=facts.schema_version,
        application_id=facts.application_id,
        head_seq=facts.head_seq,
        head_hash=facts.head_hash,
        head_at=facts.head_at,
        first_seq=1,
        base_hash="",
        plaintext=plain,
        ciphertext=cipher,
        recipients=job.recipient_keys(),
        previous="",
        signer=signer,
    )
