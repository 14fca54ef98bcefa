"""Our snapshots are plain age files: the Debian age CLI and pos_tui read each other's."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
from pathlib import Path

import pytest
from pyrage import x25519

from pos_tui.backup.age_stream import decrypt_stream, encrypt_stream, file_digest
from pos_tui.backup.age_writer import BLOCK, CHUNK, recipient_key
from pos_tui.backup.errors import DamagedBackup, WrongIdentity
from pos_tui.backup.keys import GeneratedKeys, generate_keys, load_identity, parse_recipients


def encrypt_file(plain: Path, cipher: Path, keys: GeneratedKeys) -> None:
    with plain.open("rb") as source, cipher.open("wb") as target:
        encrypt_stream(source, target, parse_recipients([str(keys.recipient)]))


def decrypt_file(cipher: Path, plain: Path, identity: Path) -> None:
    with cipher.open("rb") as source, plain.open("wb") as target:
        decrypt_stream(source, target, load_identity(identity, lambda: ""), cipher.name)


def test_age_cli_decrypts_what_we_encrypt(tmp_path: Path, keys: GeneratedKeys, age_cli: str) -> None:
    plain = tmp_path / "ledger.sqlite"
    plain.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    cipher = tmp_path / "ledger.sqlite.age"
    with plain.open("rb") as source, cipher.open("wb") as target:
        plain_digest, cipher_digest = encrypt_stream(source, target, parse_recipients([keys.recipient_text]))

    out = tmp_path / "by-age-cli.sqlite"
    subprocess.run([age_cli, "-d", "-i", str(keys.identity), "-o", str(out), str(cipher)], check=True)

    assert out.read_bytes() == plain.read_bytes()
    assert plain_digest == file_digest(plain)
    assert cipher_digest == file_digest(cipher)


def test_we_decrypt_what_age_cli_encrypts(tmp_path: Path, keys: GeneratedKeys, age_cli: str) -> None:
    plain = tmp_path / "notes.txt"
    plain.write_bytes(b"Z report 2025-01-01\n" * 50_000)
    cipher = tmp_path / "notes.txt.age"
    subprocess.run([age_cli, "-R", str(keys.recipient), "-o", str(cipher), str(plain)], check=True)

    out = tmp_path / "back.txt"
    with cipher.open("rb") as source, out.open("wb") as target:
        plain_digest = decrypt_stream(source, target, load_identity(keys.identity, lambda: ""), "notes")

    assert out.read_bytes() == plain.read_bytes()
    assert plain_digest.sha256 == hashlib.sha256(plain.read_bytes()).hexdigest()


def test_another_admins_identity_cannot_open_the_file(tmp_path: Path, keys: GeneratedKeys) -> None:
    other = generate_keys(tmp_path / "other")
    plain, cipher = tmp_path / "p", tmp_path / "p.age"
    plain.write_bytes(b"x" * 1000)
    encrypt_file(plain, cipher, keys)
    with pytest.raises(WrongIdentity, match="other recipients"):
        decrypt_file(cipher, tmp_path / "out", other.identity)


@pytest.mark.parametrize("damage", ["truncate", "flip_last_byte", "flip_middle", "empty"])
def test_cut_or_changed_ciphertext_is_reported_as_damaged(tmp_path: Path, keys: GeneratedKeys, damage: str) -> None:
    plain, cipher = tmp_path / "p", tmp_path / "p.age"
    plain.write_bytes(os.urandom(300_000))
    encrypt_file(plain, cipher, keys)
    data = bytearray(cipher.read_bytes())
    if damage == "truncate":
        data = data[: len(data) - 1000]
    elif damage == "flip_last_byte":
        data[-1] ^= 0x01
    elif damage == "flip_middle":
        data[len(data) // 2] ^= 0x80
    else:
        data = bytearray()
    cipher.write_bytes(bytes(data))
    with pytest.raises(DamagedBackup, match="damaged"):
        decrypt_file(cipher, tmp_path / "out", keys.identity)


class _ShortReads:
    """A pipe-like source that hands out at most 1000 bytes a read."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)

    def readinto(self, buffer: memoryview) -> int:
        count = min(len(buffer), len(self._data), 1000)
        buffer[:count] = self._data[:count]
        self._data = self._data[count:]
        return count


@pytest.mark.parametrize(
    "size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, BLOCK, BLOCK + 1, 2 * BLOCK + CHUNK - 7]
)
def test_every_chunk_boundary_reads_back_with_pyrage_and_the_age_cli(
    tmp_path: Path, keys: GeneratedKeys, age_cli: str, size: int
) -> None:
    """The last STREAM chunk carries the final flag, full or short, and is empty only for an empty file."""
    other = generate_keys(tmp_path / "other")
    plain = os.urandom(size)
    cipher = tmp_path / "p.age"
    source = io.BytesIO(plain) if size % 2 else _ShortReads(plain)
    with cipher.open("wb") as target:
        plain_digest, cipher_digest = encrypt_stream(
            source,  # type: ignore[arg-type]
            target,
            parse_recipients([keys.recipient_text, other.recipient_text]),
        )
    assert plain_digest.sha256 == hashlib.sha256(plain).hexdigest() and plain_digest.size == size
    assert cipher_digest == file_digest(cipher)
    by_cli = subprocess.run([age_cli, "-d", "-i", str(other.identity), str(cipher)], check=True, capture_output=True)
    assert by_cli.stdout == plain
    back = io.BytesIO()
    with cipher.open("rb") as handle:
        decrypt_stream(handle, back, load_identity(keys.identity, lambda: ""), "p")  # type: ignore[arg-type]
    assert back.getvalue() == plain


def test_a_recipient_with_a_broken_checksum_is_refused() -> None:
    good = generate_keys_text()
    broken = good[:-1] + ("q" if good[-1] != "q" else "p")
    with pytest.raises(ValueError, match="checksum"):
        recipient_key(broken)
    assert len(recipient_key(good)) == 32


def generate_keys_text() -> str:
    return str(x25519.Identity.generate().to_public())
