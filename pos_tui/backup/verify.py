"""``pos backup verify``: prove a snapshot or segment is whole, ours, and holds correct books.

In order, cheapest first, each failure a clear error: the manifest's Ed25519 signature; the schema
is not newer than this code; the ciphertext's size and sha256 match the manifest (catches a cut or
a flipped byte anywhere, header included, before any decryption); decryption with the admin's
identity; the plaintext's sha256; then for snapshots SQLite ``integrity_check`` and
``foreign_key_check``, the store and journal head named in the manifest, and ``verify_ledger``
(hash chain, balanced postings, projections == replay, stock, sale arithmetic).
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyrage import x25519

from pos_tui.backup.age_stream import decrypt_stream, file_digest
from pos_tui.backup.atomic import space_error, temp_path_in
from pos_tui.backup.errors import BackupError, DamagedBackup
from pos_tui.backup.ledger_facts import check_schema, open_checked, require_verified
from pos_tui.backup.manifest import Manifest, read_manifest, verify_signature
from pos_tui.backup.naming import manifest_path_for, parse_name
from pos_tui.backup.sqlite_files import require_healthy
from pos_tui.ledger.journal import entry_from_json
from pos_tui.ledger.replay import ChainBroken, checked

if TYPE_CHECKING:
    from pos_tui.ledger.database import Ledger
    from pos_tui.ledger.entry import JournalEntry


@dataclass(frozen=True)
class Trust:
    """The keys a verification trusts: the admin's identities and the till's signing public key."""

    identities: list[x25519.Identity]
    signer: Ed25519PublicKey


def payload_of(path: Path) -> Path:
    """The payload, given either it or its manifest."""
    name = parse_name(path.name)
    if name is None:
        raise BackupError(
            f"{path.name} is not a pos_tui backup file.",
            "Pass a pos-...-snapshot...sqlite.age file (see `pos backup list`).",
        )
    return path.with_name(name.payload_name)


def trusted_manifest(payload: Path, trust: Trust) -> Manifest:
    """The payload's manifest, signature checked, naming this very file."""
    manifest = verify_signature(read_manifest(manifest_path_for(payload)), trust.signer, payload.name)
    if manifest.payload != payload.name:
        raise DamagedBackup(
            f"The manifest beside {payload.name} describes {manifest.payload}.",
            "Files were renamed; put back the original names or use another snapshot.",
        )
    return manifest


def check_ciphertext(payload: Path, manifest: Manifest) -> None:
    if not payload.exists():
        raise DamagedBackup(f"{payload.name} is missing.", "Use the copy on the other destination.")
    size = payload.stat().st_size
    if size != manifest.ciphertext.size:
        raise DamagedBackup(
            f"{payload.name} is damaged: it has {size} bytes, the signed manifest says "
            f"{manifest.ciphertext.size} (truncated or appended to).",
            "Use the copy on the other destination, or another snapshot.",
        )
    if file_digest(payload) != manifest.ciphertext:
        raise DamagedBackup(
            f"{payload.name} is damaged: its sha256 does not match the signed manifest (bytes changed).",
            "Use the copy on the other destination, or another snapshot.",
        )


def decrypt_checked(payload: Path, manifest: Manifest, trust: Trust, target: Path) -> None:
    """Decrypt into the new file ``target`` (0600) and check it against the manifest."""
    check_ciphertext(payload, manifest)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle, payload.open("rb") as source:
            plain = decrypt_stream(source, handle, trust.identities, payload.name)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        raise space_error(error, target.parent) from error
    if plain != manifest.plaintext:
        raise DamagedBackup(
            f"{payload.name} decrypts to something other than what its manifest signed.",
            "Use another snapshot.",
        )


@contextlib.contextmanager
def verified_snapshot(payload: Path, trust: Trust, workdir: Path) -> Iterator[tuple[Manifest, Ledger]]:
    """Decrypt and fully check a snapshot into ``workdir``; yields it opened as a ledger.

    The decrypted file and anything SQLite made beside it are deleted on leaving, unless the caller
    moved the file away first (restore does)."""
    manifest = trusted_manifest(payload, trust)
    if manifest.kind != "snapshot":
        raise BackupError(f"{payload.name} is a journal segment, not a snapshot.", "Pass a snapshot file.")
    check_schema(manifest.schema_version, payload.name)
    plain = temp_path_in(workdir, "restore")
    try:
        decrypt_checked(payload, manifest, trust, plain)
        require_healthy(plain, full=True, what=f"The database in {payload.name}")
        ledger = open_checked(plain, payload.name)
        try:
            info, head = ledger.store_info(), ledger.head()
            if info.store_id != manifest.store_id or (head.seq, head.hash) != (manifest.head_seq, manifest.head_hash):
                raise DamagedBackup(
                    f"The database in {payload.name} is not the one its manifest describes.",
                    "Use another snapshot.",
                )
            require_verified(ledger, f"The database in {payload.name}")
            yield manifest, ledger
        finally:
            ledger.close()
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{plain}{suffix}").unlink(missing_ok=True)


def read_segment(payload: Path, trust: Trust) -> tuple[Manifest, list[JournalEntry]]:
    """A segment's entries, checked against its manifest and chained among themselves."""
    manifest = trusted_manifest(payload, trust)
    if manifest.kind != "segment":
        raise BackupError(f"{payload.name} is a snapshot, not a journal segment.", "Pass a segment file.")
    check_ciphertext(payload, manifest)
    buffer = io.BytesIO()
    with payload.open("rb") as source:
        plain = decrypt_stream(source, buffer, trust.identities, payload.name)
    if plain != manifest.plaintext:
        raise DamagedBackup(f"{payload.name} decrypts to something its manifest did not sign.", "")
    try:
        entries = [entry_from_json(line) for line in buffer.getvalue().splitlines() if line]
        list(checked(entries, manifest.first_seq - 1, manifest.base_hash))
    except (ValueError, KeyError, TypeError, ChainBroken) as error:
        raise DamagedBackup(f"The journal entries in {payload.name} do not chain: {error}.", "") from error
    if not entries or (entries[-1].seq, entries[-1].hash) != (manifest.head_seq, manifest.head_hash):
        raise DamagedBackup(f"{payload.name} does not end at the head its manifest names.", "")
    return manifest, entries
