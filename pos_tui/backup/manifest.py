"""The signed manifest beside every snapshot and segment.

It says what the encrypted file holds (store, terminal, schema version, journal head, sha256 and size
of the plaintext and of the ciphertext) and is signed with the till's Ed25519 key over its canonical
JSON (sorted keys, no whitespace, ASCII, no floats). age proves the ciphertext was not changed, but
anyone holding the public recipient can make a valid age file: the signature proves the till made it.
The manifest is plaintext, so ``pos backup list`` works on the till, which cannot decrypt.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from pos_tui.backup.errors import BadSignature, DamagedBackup
from pos_tui.backup.keys import key_id

if TYPE_CHECKING:
    from pos_tui.backup.naming import Kind

FORMAT = "pos_tui-backup/1"


@dataclass(frozen=True)
class FileDigest:
    """sha256 (hex) and size in bytes of one file."""

    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    """What one snapshot or segment holds. Times are ISO-8601 UTC strings."""

    kind: Kind
    payload: str
    created_at: str
    store_id: str
    store_name: str
    terminal: str
    schema_version: int
    application_id: int
    head_seq: int
    head_hash: str
    head_at: str
    first_seq: int
    base_hash: str
    plaintext: FileDigest
    ciphertext: FileDigest
    recipients: tuple[str, ...]
    previous: str
    signer: str
    format: str = FORMAT

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["recipients"] = list(self.recipients)
        return data

    def canonical(self) -> bytes:
        return canonical_json(self.to_dict())

    def digest(self) -> str:
        """Names this manifest; the next segment records it as ``previous``."""
        return hashlib.sha256(self.canonical()).hexdigest()


@dataclass(frozen=True)
class SignedManifest:
    """A manifest and whether its signature was checked against a trusted key."""

    manifest: Manifest
    signature: bytes


def canonical_json(data: object) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def sign(manifest: Manifest, key: Ed25519PrivateKey) -> bytes:
    """The manifest file's bytes: the manifest and its Ed25519 signature."""
    if manifest.signer != key_id(key.public_key()):
        raise ValueError("manifest.signer must name the signing key")
    signature = key.sign(manifest.canonical())
    document = {"manifest": manifest.to_dict(), "signature": base64.b64encode(signature).decode()}
    return json.dumps(document, sort_keys=True, indent=1).encode() + b"\n"


def read_manifest(path: Path) -> SignedManifest:
    """Parse a manifest file without checking its signature."""
    try:
        document = json.loads(path.read_bytes(), parse_float=_refuse_float)
        manifest = _manifest_from_dict(document["manifest"])
        signature = base64.b64decode(document["signature"], validate=True)
    except OSError as error:
        raise DamagedBackup(
            f"Cannot read the manifest {path.name}: {error.strerror}.",
            "Every snapshot needs its .manifest.json beside it; copy it from the other destination.",
        ) from error
    except (ValueError, KeyError, TypeError) as error:
        raise DamagedBackup(
            f"The manifest {path.name} is damaged ({error}).",
            "Use the copy on the other destination, or another snapshot.",
        ) from error
    return SignedManifest(manifest, signature)


def verify_signature(signed: SignedManifest, trusted: Ed25519PublicKey, where: str) -> Manifest:
    """The manifest, if its signature verifies with the trusted public key."""
    try:
        trusted.verify(signed.signature, signed.manifest.canonical())
    except InvalidSignature:
        raise BadSignature(
            f"The manifest of {where} is not signed by the trusted till key "
            f"{key_id(trusted)} (it names {signed.manifest.signer}); it was changed or made elsewhere.",
            "Do not restore it. Check that you passed this till's till-signing.pub, or use another snapshot.",
        ) from None
    return signed.manifest


def _refuse_float(text: str) -> float:
    raise ValueError(f"a manifest holds no fractional numbers, found {text}")


def _manifest_from_dict(data: dict[str, Any]) -> Manifest:
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown manifest format {data.get('format')!r}")
    if data.get("kind") not in ("snapshot", "segment"):
        raise ValueError(f"unknown kind {data.get('kind')!r}")
    fields = {f.name: f for f in dataclasses.fields(Manifest)}
    if set(data) != set(fields):
        raise ValueError(f"unexpected fields {sorted(set(data) ^ set(fields))}")
    ints = ("schema_version", "application_id", "head_seq", "first_seq")
    for name in ints:
        if type(data[name]) is not int:
            raise ValueError(f"{name} must be an integer")
    for name, field in fields.items():
        if field.type == "str" and not isinstance(data[name], str):
            raise ValueError(f"{name} must be a string")
    values = dict(data)
    values["plaintext"] = _digest(data["plaintext"])
    values["ciphertext"] = _digest(data["ciphertext"])
    if not isinstance(data["recipients"], list) or not all(isinstance(r, str) for r in data["recipients"]):
        raise ValueError("recipients must be a list of strings")
    values["recipients"] = tuple(data["recipients"])
    return Manifest(**values)


def _digest(data: Any) -> FileDigest:
    if not isinstance(data, dict) or set(data) != {"sha256", "size"}:
        raise ValueError("a digest has exactly sha256 and size")
    if not isinstance(data["sha256"], str) or type(data["size"]) is not int:
        raise ValueError("a digest is a hex string and an integer size")
    return FileDigest(data["sha256"], data["size"])
