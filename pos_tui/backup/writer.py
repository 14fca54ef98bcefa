"""Encrypt once, sign, and publish the same file to each destination, atomically.

The payload is renamed into place before its manifest, so a manifest always describes a complete
payload; a crash between the two leaves a payload without manifest that ``list`` shows as
interrupted and the next job removes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyrage import x25519

from pos_tui.backup.age_stream import encrypt_stream
from pos_tui.backup.atomic import atomic_output, destination_lock, remove_stale_temps, write_atomically
from pos_tui.backup.errors import BackupError
from pos_tui.backup.manifest import FileDigest, Manifest, sign

if TYPE_CHECKING:
    from pos_tui.backup.naming import BackupName

ManifestFor = Callable[[FileDigest, FileDigest], Manifest]


@dataclass
class WriteResult:
    """Manifests written (one per destination that worked) and what went wrong elsewhere."""

    manifest: Manifest | None = None
    written: list[Path] = field(default_factory=list)
    failures: list[BackupError] = field(default_factory=list)


def publish_backup(
    plain: BinaryIO,
    name: BackupName,
    manifest_for: ManifestFor,
    destinations: Sequence[Path],
    recipients: list[x25519.Recipient],
    signing_key: Ed25519PrivateKey,
) -> WriteResult:
    """Encrypt ``plain`` to every destination. Raises the first error if no destination worked."""
    if not destinations:
        raise BackupError(
            "No backup destination is configured.",
            "Set backup.destinations in the config (one or two directories) or pass --to DIR.",
        )
    result = WriteResult()
    source: Path | None = None
    for directory in destinations:
        try:
            with destination_lock(directory):
                remove_stale_temps(directory)
                payload = directory / name.payload_name
                if source is None:
                    plain.seek(0)
                    with atomic_output(payload, 0o640) as handle:
                        plain_digest, cipher_digest = encrypt_stream(plain, handle, recipients)
                    result.manifest = manifest_for(plain_digest, cipher_digest)
                    source = payload
                else:
                    with atomic_output(payload, 0o640) as handle, source.open("rb") as copy_from:
                        shutil.copyfileobj(copy_from, handle, 1 << 20)
                assert result.manifest is not None
                write_atomically(directory / name.manifest_name, sign(result.manifest, signing_key), 0o640)
                result.written.append(directory / name.manifest_name)
        except BackupError as error:
            result.failures.append(error)
    if not result.written:
        raise result.failures[0]
    return result
