"""age encryption and decryption of whole files, streamed, hashing both sides on the way.

pyrage (bindings to the Rust ``age`` crate) reads and writes through Python file objects, so a
500 MB database never sits in memory and the sha256 of plaintext and ciphertext cost no extra pass.
The files are plain age-encryption.org/v1: the Debian ``age`` CLI decrypts them without pos_tui.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

import pyrage
from pyrage import x25519

from pos_tui.backup.errors import DamagedBackup, WrongIdentity
from pos_tui.backup.manifest import FileDigest

CHUNK = 1 << 20


class _HashingReader:
    """A file reader that hashes what it hands out."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.hash = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self._handle.read(n)
        self.hash.update(data)
        self.size += len(data)
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:
        count: int = self._handle.readinto(buffer)  # type: ignore[attr-defined]
        self.hash.update(memoryview(buffer)[:count])
        self.size += count
        return count

    def digest(self) -> FileDigest:
        return FileDigest(self.hash.hexdigest(), self.size)


class _HashingWriter:
    """A file writer that hashes what it is given and remembers the first failed write."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.hash = hashlib.sha256()
        self.size = 0
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        try:
            written = self._handle.write(data)
        except OSError as error:
            self.error = self.error or error
            raise
        self.hash.update(data)
        self.size += len(data)
        return written

    def flush(self) -> None:
        self._handle.flush()

    def digest(self) -> FileDigest:
        return FileDigest(self.hash.hexdigest(), self.size)


def encrypt_stream(
    source: BinaryIO, target: BinaryIO, recipients: list[x25519.Recipient]
) -> tuple[FileDigest, FileDigest]:
    """Encrypt ``source`` into ``target``; returns the (plaintext, ciphertext) digests."""
    reader, writer = _HashingReader(source), _HashingWriter(target)
    try:
        pyrage.encrypt_io(reader, writer, recipients)
    except (pyrage.EncryptError, OSError) as error:
        if writer.error is not None:
            raise writer.error from error
        raise
    return reader.digest(), writer.digest()


def decrypt_stream(
    source: BinaryIO, target: BinaryIO, identities: list[x25519.Identity], what: str
) -> tuple[FileDigest, FileDigest]:
    """Decrypt ``source`` into ``target``; returns the (plaintext, ciphertext) digests.

    Raises WrongIdentity when no identity opens the header, DamagedBackup when the bytes were cut
    or changed, and the original OSError when writing the plaintext failed."""
    reader, writer = _HashingReader(source), _HashingWriter(target)
    try:
        pyrage.decrypt_io(reader, writer, identities)
    except (pyrage.DecryptError, OSError) as error:
        if writer.error is not None:
            raise writer.error from error
        if "No matching keys" in str(error):
            raise WrongIdentity(
                f"The identity given cannot open {what}: it was encrypted to other recipients.",
                "Pass the backup-identity file whose public key is in this till's backup settings.",
            ) from error
        raise DamagedBackup(
            f"{what} is damaged: it is truncated or some bytes were changed ({error}).",
            "Use the copy on the other destination, or another snapshot.",
        ) from error
    return writer.digest(), reader.digest()


def file_digest(path: Path) -> FileDigest:
    """sha256 and size of a file on disk."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return FileDigest(digest.hexdigest(), size)
