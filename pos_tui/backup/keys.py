"""Keys: the admin's age identity, its public recipient, and the till's Ed25519 signing key.

``keygen`` writes four files. Two leave the box with the admin (the identity, which can decrypt, and
the signing public key, which proves a manifest came from this till); two stay on the till (the
recipient, which can only encrypt, and the signing private key). A stolen till therefore cannot read
its own backups.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyrage
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyrage import passphrase as age_passphrase
from pyrage import x25519

from pos_tui.backup.atomic import write_atomically
from pos_tui.backup.errors import KeyFileError, WrongIdentity

IDENTITY_FILE = "backup-identity.txt"
WRAPPED_IDENTITY_FILE = "backup-identity.age"
RECIPIENT_FILE = "backup-recipient.txt"
SIGNING_KEY_FILE = "till-signing.key"
SIGNING_PUB_FILE = "till-signing.pub"
AGE_HEADER = b"age-encryption.org/v1"

PassphraseSource = Callable[[], str]


@dataclass(frozen=True)
class GeneratedKeys:
    """Where ``keygen`` put each file."""

    identity: Path
    recipient: Path
    signing_key: Path
    signing_pub: Path
    recipient_text: str


def generate_keys(out_dir: Path, passphrase: str | None = None) -> GeneratedKeys:
    """Make a new identity, recipient and signing key pair in ``out_dir``; refuses to overwrite."""
    out_dir.mkdir(parents=True, exist_ok=True)
    identity_path = out_dir / (WRAPPED_IDENTITY_FILE if passphrase else IDENTITY_FILE)
    paths = [identity_path, out_dir / RECIPIENT_FILE, out_dir / SIGNING_KEY_FILE, out_dir / SIGNING_PUB_FILE]
    existing = [p.name for p in paths if p.exists()]
    if existing:
        raise KeyFileError(
            f"{out_dir} already holds {', '.join(existing)}; keygen never overwrites keys.",
            "Choose an empty directory with --out, or move the old keys away first.",
        )
    identity = x25519.Identity.generate()
    recipient = str(identity.to_public())
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    identity_text = f"# created: {created}\n# public key: {recipient}\n{identity}\n".encode()
    if passphrase:
        identity_text = age_passphrase.encrypt(identity_text, passphrase)
    signing = Ed25519PrivateKey.generate()
    signing_pem = signing.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = signing.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    write_atomically(identity_path, identity_text, 0o600)
    write_atomically(out_dir / RECIPIENT_FILE, f"{recipient}\n".encode(), 0o644)
    write_atomically(out_dir / SIGNING_KEY_FILE, signing_pem, 0o600)
    write_atomically(out_dir / SIGNING_PUB_FILE, public_pem, 0o644)
    for path, mode in zip(paths, (0o600, 0o644, 0o600, 0o644), strict=True):
        os.chmod(path, mode)  # the umask must not widen or narrow what we meant
    return GeneratedKeys(identity_path, paths[1], paths[2], paths[3], recipient_text=recipient)


def parse_recipients(values: list[str]) -> list[x25519.Recipient]:
    """age recipients from ``age1...`` strings or files holding them (one a line, # comments)."""
    keys: list[str] = []
    for value in values:
        candidate = Path(value)
        if not value.startswith("age1") and candidate.is_file():
            lines = candidate.read_text().splitlines()
            keys += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        else:
            keys.append(value.strip())
    if not keys:
        raise KeyFileError(
            "No age recipient is configured, so the snapshot could not be encrypted.",
            "Put the contents of backup-recipient.txt (made by `pos backup keygen`) in the backup "
            "settings' recipients, or pass --recipient.",
        )
    try:
        return [x25519.Recipient.from_str(key) for key in keys]
    except pyrage.RecipientError as error:
        raise KeyFileError(
            f"One of the age recipients is not a valid public key ({error}).",
            "Copy the age1... line from backup-recipient.txt again.",
        ) from error


def load_identity(path: Path, ask_passphrase: PassphraseSource) -> list[x25519.Identity]:
    """The age identities in a key file, unwrapping a passphrase-protected one."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise KeyFileError(
            f"Cannot read the identity file {path}: {error.strerror}.",
            "Pass the backup-identity file made by `pos backup keygen` with --identity.",
        ) from error
    if raw.startswith(AGE_HEADER):
        try:
            raw = age_passphrase.decrypt(raw, ask_passphrase())
        except pyrage.DecryptError as error:
            raise WrongIdentity(
                f"The passphrase for {path.name} is wrong (or the file is damaged).",
                "Type the passphrase chosen at `pos backup keygen --passphrase` again.",
            ) from error
    lines = [line.strip() for line in raw.decode("utf-8", "replace").splitlines()]
    secrets = [line for line in lines if line.startswith("AGE-SECRET-KEY-")]
    if not secrets:
        raise KeyFileError(
            f"{path} holds no age identity (no AGE-SECRET-KEY- line).",
            "Pass the backup-identity file made by `pos backup keygen` (not the recipient).",
        )
    try:
        return [x25519.Identity.from_str(secret) for secret in secrets]
    except pyrage.IdentityError as error:
        raise KeyFileError(f"{path} holds a damaged age identity ({error}).", "Use a good copy.") from error


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """The till's Ed25519 private key."""
    key = _load_pem(path, private=True)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} is not an Ed25519 private key.", "Use till-signing.key from keygen.")
    return key


def load_verify_key(path: Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a public PEM, or the public half of a private one."""
    head = _read_key_file(path)
    if b"PRIVATE KEY" in head:
        return load_signing_key(path).public_key()
    key = _load_pem(path, private=False)
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path} is not an Ed25519 public key.", "Use till-signing.pub from keygen.")
    return key


def key_id(public: Ed25519PublicKey) -> str:
    """A short fingerprint naming the signer in manifests and listings."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + base64.b32encode(hashlib.sha256(raw).digest()[:10]).decode().lower()


def _read_key_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise KeyFileError(
            f"Cannot read the key file {path}: {error.strerror}.",
            "Check the path (the keys are made by `pos backup keygen`).",
        ) from error


def _load_pem(path: Path, *, private: bool) -> object:
    data = _read_key_file(path)
    try:
        if private:
            return serialization.load_pem_private_key(data, password=None)
        return serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise KeyFileError(
            f"{path} is not a readable PEM key ({error}).",
            "Use the till-signing.key / till-signing.pub files made by `pos backup keygen`.",
        ) from error
