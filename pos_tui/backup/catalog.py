"""What a destination directory holds: snapshots and segments, with their signed manifests.

Only manifests whose signature verifies with the trusted till key are ever used to choose what to
restore or what to keep; the rest are shown with the reason and left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pos_tui.backup.errors import BackupError
from pos_tui.backup.manifest import Manifest, read_manifest, verify_signature
from pos_tui.backup.naming import MANIFEST_SUFFIX, BackupName, parse_name


@dataclass(frozen=True)
class CatalogEntry:
    """One backup file (or a leftover) in a destination."""

    directory: Path
    name: BackupName
    payload: Path
    manifest_path: Path | None
    manifest: Manifest | None
    signature_ok: bool | None
    problem: str

    @property
    def usable(self) -> bool:
        return self.manifest is not None and bool(self.signature_ok) and not self.problem

    @property
    def created_at(self) -> datetime:
        return self.name.created_at


def scan(directory: Path, trusted: Ed25519PublicKey | None) -> list[CatalogEntry]:
    """Every snapshot, segment and leftover payload in ``directory``, oldest first."""
    if not directory.is_dir():
        raise BackupError(
            f"Backup destination {directory} does not exist or is not a directory.",
            "Mount it or fix the destinations in the backup settings.",
        )
    entries: list[CatalogEntry] = []
    seen_payloads: set[str] = set()
    for path in sorted(directory.glob(f"pos-*{MANIFEST_SUFFIX}")):
        name = parse_name(path.name)
        if name is None:
            continue
        payload = path.with_name(name.payload_name)
        seen_payloads.add(payload.name)
        entries.append(_entry(directory, name, path, payload, trusted))
    for path in sorted(directory.glob("pos-*.age")):
        name = parse_name(path.name)
        if name is not None and path.name not in seen_payloads:
            entries.append(CatalogEntry(directory, name, path, None, None, None, "no manifest (interrupted job)"))
    return sorted(entries, key=lambda entry: (entry.created_at, entry.payload.name))


def _entry(
    directory: Path, name: BackupName, path: Path, payload: Path, trusted: Ed25519PublicKey | None
) -> CatalogEntry:
    try:
        signed = read_manifest(path)
    except BackupError as error:
        return CatalogEntry(directory, name, payload, path, None, None, error.message)
    manifest, signature_ok, problem = signed.manifest, None, ""
    if trusted is not None:
        try:
            verify_signature(signed, trusted, path.name)
            signature_ok = True
        except BackupError:
            signature_ok, problem = False, "signature does not verify"
    if not problem:
        if manifest.payload != payload.name:
            problem = "manifest names another file"
        elif not payload.exists():
            problem = "payload file missing"
        elif payload.stat().st_size != manifest.ciphertext.size:
            problem = f"size {payload.stat().st_size} != {manifest.ciphertext.size} in manifest"
    return CatalogEntry(directory, name, payload, path, manifest, signature_ok, problem)


def scan_all(directories: Iterable[Path], trusted: Ed25519PublicKey | None) -> list[CatalogEntry]:
    """Entries of several destinations; unreachable ones are skipped (a USB stick may be out)."""
    entries: list[CatalogEntry] = []
    for directory in directories:
        if directory.is_dir():
            entries += scan(directory, trusted)
    return sorted(entries, key=lambda entry: (entry.created_at, entry.payload.name))


def usable_by_digest(entries: Iterable[CatalogEntry]) -> dict[str, CatalogEntry]:
    """Verified entries keyed by manifest digest; the first copy found of each wins."""
    found: dict[str, CatalogEntry] = {}
    for entry in entries:
        if entry.usable and entry.manifest is not None:
            found.setdefault(entry.manifest.digest(), entry)
    return found
