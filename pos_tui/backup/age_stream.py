"""age encryption and decryption of whole files, streamed, hashing both sides on the way.

Encryption is ``age_writer``'s (large blocks, OpenSSL's ChaCha20-Poly1305); decryption is pyrage's
(bindings to the Rust ``age`` crate), which reads and writes through Python file objects, so a
500 MB database never sits in memory and the sha256 of the plaintext costs no extra pass. The files
are plain age-encryption.org/v1: the Debian ``age`` CLI reads and writes them too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

import pyrage
from pyrage import x25519

from pos_tui.backup import age_writer
from pos_tui.backup.errors import DamagedBackup, WrongIdentity
from pos_tui.backup.manifest import FileDigest

CHUNK = 8 << 20  # file_digest's reads: large enough that the per-call cost vanishes


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
    """Encrypt ``source`` into ``target``; returns the (plaintext, ciphertext) digests.

    Written by ``age_writer`` in 1 MiB blocks (the plaintext read once, both sides hashed on the
    way); an OSError from writing ``target`` (a full disk) is raised as it is."""
    digests = age_writer.encrypt(source, target, [str(recipient) for recipient in recipients])
    return (
        FileDigest(digests.plain.hexdigest(), digests.plain_size),
        FileDigest(digests.cipher.hexdigest(), digests.cipher_size),
    )


def decrypt_stream(
    source: BinaryIO, target: BinaryIO, identities: list[x25519.Identity], what: str
) -> FileDigest:
    """Decrypt ``source`` into ``target``; returns the plaintext's digest. (The ciphertext's is
    ``file_digest``, checked before decrypting, so it is not hashed a second time here.)

    Raises WrongIdentity when no identity opens the header, DamagedBackup when the bytes were cut
    or changed, and the original OSError when writing the plaintext failed."""
    writer = _HashingWriter(target)
    try:
        pyrage.decrypt_io(source, writer, identities)
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
    return writer.digest()


def file_digest(path: Path) -> FileDigest:
    """sha256 and size of a file on disk."""
    digest = hashlib.sha256()
    size = 0
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as handle:
        while count := handle.readinto(buffer):
            digest.update(view[:count])
            size += count
    return FileDigest(digest.hexdigest(), size)
