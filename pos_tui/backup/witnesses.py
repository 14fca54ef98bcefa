"""Backup manifests as witnesses for ``pos db verify``: each signed head the store once had.

A manifest names the journal head its snapshot or segment holds and is signed by the backup
account's key, which the till's account cannot read: a till that rewrites its journal cannot sign a
manifest for the old head again, nor (with the destinations owned by the backup account) remove the
ones already written. Each manifest of this store whose signature verifies is a witness; the rest
are named and not counted. The copies of one manifest in two destinations are one witness.

Reading is lean on purpose (1,000 manifests in well under a second): each file is parsed and its
signature checked once; the payload is not opened.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pos_tui.backup.errors import BackupError
from pos_tui.backup.keys import load_verify_key
from pos_tui.backup.manifest import read_manifest, verify_signature
from pos_tui.backup.naming import MANIFEST_SUFFIX
from pos_tui.backup.settings import BackupSettings
from pos_tui.ledger.witness import Witness, parse_typed_head


@dataclass
class ManifestWitnesses:
    witnesses: list[Witness] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # manifests found but not counted, with why
    notes: list[str] = field(default_factory=list)
    signature_checked: bool = False


def trusted_key(settings: BackupSettings) -> Ed25519PublicKey | None:
    """The public key manifests must be signed with: ``signer_public_key``, else the public half of a
    signing key this account can read (the backup account's own runs); None when neither is there."""
    for path in (settings.signer_public_key, settings.signing_key):
        if path is not None and os.access(path, os.R_OK):  # the till's account cannot read signing_key
            try:
                return load_verify_key(path)
            except (BackupError, OSError):
                continue
    return None


def manifest_files(places: Iterable[Path]) -> list[Path]:
    """The manifest files in these directories (or given directly); missing directories are skipped:
    a USB stick may be out."""
    found: list[Path] = []
    for place in places:
        try:
            if place.is_dir():
                found += sorted(place.glob(f"pos-*{MANIFEST_SUFFIX}"))
            elif place.is_file():
                found.append(place)
        except PermissionError:
            continue  # named by gather_witnesses: a destination this account may not read
    return found


def manifest_witnesses(
    files: Iterable[Path], store_id: str, trusted: Ed25519PublicKey | None, *, require_signature: bool = True
) -> ManifestWitnesses:
    """The witnesses the manifest ``files`` of store ``store_id`` give.

    With ``trusted`` None the signatures cannot be checked: the manifests are counted only when
    ``require_signature`` is off (a file the admin passed by hand), else named as skipped."""
    result = ManifestWitnesses(signature_checked=trusted is not None)
    seen: dict[str, int] = {}  # manifest digest -> its witness's index: a copy in a second destination is one witness
    copies: dict[str, int] = {}
    for path in files:
        try:
            signed = read_manifest(path)
        except BackupError as error:
            result.skipped.append(f"{path}: {error.message}")
            continue
        manifest = signed.manifest
        if manifest.store_id != store_id:
            continue  # another store's backup in a shared destination: not about this journal
        digest = manifest.digest()
        if digest in seen:
            copies[digest] = copies.get(digest, 1) + 1
            continue
        if trusted is not None:
            try:
                verify_signature(signed, trusted, path.name)
            except BackupError:
                result.skipped.append(f"{path}: its signature does not verify with the trusted key.")
                continue
        elif require_signature:
            result.skipped.append(f"{path}: no public key to check its signature (set backup.signer_public_key).")
            continue
        seen[digest] = len(result.witnesses)
        result.witnesses.append(Witness(f"the backup manifest {path.name}", manifest.head_seq, manifest.head_hash))
    for digest, count in copies.items():
        witness = result.witnesses[seen[digest]]
        result.witnesses[seen[digest]] = Witness(f"{witness.source} ({count} copies)", witness.seq,
                                                 witness.hash_prefix)
    return result


def gather_witnesses(settings: BackupSettings, given: Iterable[str], store_id: str) -> ManifestWitnesses:
    """Every witness ``pos db verify`` can reach outside the store: the signed manifests in the
    configured destinations, and each of ``given`` (a manifest file or a directory of them, or a head
    typed as SEQ:HASH). A manifest passed by hand counts even when no public key is configured to
    check it (it is named as unchecked): the admin vouches for it."""
    trusted = trusted_key(settings)
    found = manifest_witnesses(manifest_files(settings.destinations), store_id, trusted)
    for destination in settings.destinations:
        if not os.access(destination, os.R_OK | os.X_OK):
            found.skipped.append(f"{destination}: not reachable from this account (not mounted, or not readable"
                                 " by group pos-data).")
    typed: list[Witness] = []
    by_hand: list[Path] = []
    for text in given:
        path = Path(text)
        if path.exists():
            by_hand.append(path)
        else:
            typed.append(parse_typed_head(text))
    if by_hand:
        files = manifest_files(by_hand)
        if not files:
            raise BackupError(
                f"No backup manifest in {', '.join(map(str, by_hand))}.",
                "Pass a pos-....manifest.json file (or the directory holding them), or a head as SEQ:HASH.",
            )
        extra = manifest_witnesses(files, store_id, trusted, require_signature=False)
        found.witnesses += extra.witnesses
        found.skipped += extra.skipped
        if trusted is None:
            found.notes.append("the signatures of the manifests given by hand were not checked"
                               " (no backup.signer_public_key).")
    found.witnesses += typed
    return found
