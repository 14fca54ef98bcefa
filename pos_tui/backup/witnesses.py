"""Backup manifests as witnesses for ``pos db verify``: each signed head the store once had.

A manifest names the journal head its snapshot or segment holds and is signed by the backup
account's key, which the till's account cannot read: a till that rewrites its journal cannot sign a
manifest for the old head again, nor (with the destinations owned by the backup account) remove the
ones already written. Each manifest of this store whose signature verifies is a witness; the rest
are named and not counted. The copies of one manifest in two destinations are one witness.

Reading is lean on purpose (1,000 manifests in well under a second): each file is parsed once and
its payload never opened; a signature is checked only for a manifest that disagrees with the
journal (``ManifestWitnesses.confirm``), the one case where who made it matters.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pos_tui.backup.errors import BackupError
from pos_tui.backup.keys import load_verify_key
from pos_tui.backup.manifest import SignedManifest, read_manifest, verify_signature
from pos_tui.backup.naming import MANIFEST_SUFFIX
from pos_tui.backup.settings import BackupSettings
from pos_tui.ledger.witness import Witness, parse_typed_head


@dataclass
class ManifestWitnesses:
    witnesses: list[Witness] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # manifests found but not counted, with why
    notes: list[str] = field(default_factory=list)
    trusted: Ed25519PublicKey | None = None
    signed: dict[Witness, tuple[Path, SignedManifest]] = field(default_factory=dict)

    def confirm(self, witness: Witness) -> str:
        """For verify, about a witness that disagrees with the journal: "" when it counts, else why not.

        Signatures are checked here, only for manifests that disagree: one that agrees cannot hide a
        forgery whoever made it, and a thousand signatures would cost verify a fifth of a second."""
        found = self.signed.get(witness)
        if found is None or self.trusted is None:
            return ""
        path, signed = found
        try:
            verify_signature(signed, self.trusted, path.name)
        except BackupError:
            return f"{path}: disagrees with the journal, but its signature does not verify with the trusted key."
        return ""


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
                with os.scandir(place) as entries:  # a third of the time of Path.glob on a thousand files
                    found += sorted(place / entry.name for entry in entries
                                    if entry.name.startswith("pos-") and entry.name.endswith(MANIFEST_SUFFIX))
            elif place.is_file():
                found.append(place)
        except PermissionError:
            continue  # named by gather_witnesses: a destination this account may not read
    return found


def manifest_witnesses(files: Iterable[Path], store_id: str, trusted: Ed25519PublicKey | None) -> ManifestWitnesses:
    """The witnesses the manifest ``files`` of store ``store_id`` give, their signatures to be checked
    with ``trusted`` by ``confirm`` (with no key they count unchecked, and a note says so)."""
    result = ManifestWitnesses(trusted=trusted)
    # A copy in a second destination is the same witness: same payload, same head (what it says is all
    # that matters here; a full digest of each manifest cost more than reading it).
    first_copy: dict[tuple[str, int, str], int] = {}
    copies: dict[tuple[str, int, str], int] = {}
    for path in files:
        try:
            signed = read_manifest(path)
        except BackupError as error:
            result.skipped.append(f"{path}: {error.message}")
            continue
        manifest = signed.manifest
        if manifest.store_id != store_id:
            continue  # another store's backup in a shared destination: not about this journal
        digest = (manifest.payload, manifest.head_seq, manifest.head_hash)
        if digest in first_copy:
            copies[digest] = copies.get(digest, 1) + 1
            continue
        first_copy[digest] = len(result.witnesses)
        witness = Witness(f"the backup manifest {path.name}", manifest.head_seq, manifest.head_hash)
        result.witnesses.append(witness)
        result.signed[witness] = (path, signed)
    for digest, count in copies.items():
        index = first_copy[digest]
        old = result.witnesses[index]
        renamed = Witness(f"{old.source} ({count} copies)", old.seq, old.hash_prefix)
        result.witnesses[index] = renamed
        result.signed[renamed] = result.signed.pop(old)
    if result.witnesses and trusted is None:
        result.notes.append("the manifests' signatures cannot be checked: set backup.signer_public_key"
                            " (till-signing.pub).")
    return result


def gather_witnesses(settings: BackupSettings, given: Iterable[str], store_id: str) -> ManifestWitnesses:
    """Every witness ``pos db verify`` can reach outside the store: the signed manifests in the
    configured destinations, and each of ``given`` (a manifest file or a directory of them, or a head
    typed as SEQ:HASH). Signatures are checked by ``confirm``, for the manifests that disagree."""
    trusted = trusted_key(settings)
    places = [*settings.destinations]
    typed: list[Witness] = []
    for text in given:
        if Path(text).exists():
            if not manifest_files([Path(text)]):
                raise BackupError(
                    f"No backup manifest in {text}.",
                    "Pass a pos-....manifest.json file (or the directory holding them), or a head as SEQ:HASH.",
                )
            places.append(Path(text))
        else:
            typed.append(parse_typed_head(text))
    found = manifest_witnesses(manifest_files(places), store_id, trusted)
    for destination in settings.destinations:
        if not os.access(destination, os.R_OK | os.X_OK):
            found.skipped.append(f"{destination}: not reachable from this account (not mounted, or not readable"
                                 " by group pos-data).")
    found.witnesses += typed
    return found
