"""Keys made by `pos backup keygen` and the signed manifest beside every backup."""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from pos_tui.backup.errors import BadSignature, DamagedBackup, KeyFileError, WrongIdentity
from pos_tui.backup.keys import (
    GeneratedKeys,
    generate_keys,
    key_id,
    load_identity,
    load_signing_key,
    load_verify_key,
    parse_recipients,
)
from pos_tui.backup.manifest import FileDigest, Manifest, read_manifest, sign, verify_signature


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def sample_manifest(signer: str) -> Manifest:
    return Manifest(
        kind="snapshot",
        payload="pos-20250101T000000000000Z-snapshot-T1-abcdef01.sqlite.age",
        created_at="2025-01-01T00:00:00.000000Z",
        store_id="abcdef01-0000-4000-8000-000000000000",
        store_name="Corner shop",
        terminal="T1",
        schema_version=3,
        application_id=0x504F5331,
        head_seq=42,
        head_hash="ab" * 32,
        head_at="2024-12-31T23:59:00.000000Z",
        first_seq=1,
        base_hash="",
        plaintext=FileDigest("cd" * 32, 4096),
        ciphertext=FileDigest("ef" * 32, 4300),
        recipients=("age1example",),
        previous="",
        signer=signer,
    )


def test_keygen_writes_private_files_0600_and_public_ones_readable(keys: GeneratedKeys) -> None:
    assert mode_of(keys.identity) == 0o600
    assert mode_of(keys.signing_key) == 0o600
    assert mode_of(keys.recipient) == 0o644
    assert mode_of(keys.signing_pub) == 0o644
    assert keys.recipient.read_text().strip() == keys.recipient_text
    assert keys.recipient_text.startswith("age1")
    assert "AGE-SECRET-KEY-1" in keys.identity.read_text()
    assert "PRIVATE" not in keys.signing_pub.read_text()


def test_keygen_never_overwrites_existing_keys(keys: GeneratedKeys) -> None:
    before = keys.identity.read_bytes()
    with pytest.raises(KeyFileError, match="never overwrites"):
        generate_keys(keys.identity.parent)
    assert keys.identity.read_bytes() == before


def test_passphrase_wrapped_identity_opens_only_with_its_passphrase(tmp_path: Path) -> None:
    wrapped = generate_keys(tmp_path / "k", passphrase="correct horse")
    assert wrapped.identity.name.endswith(".age")
    assert b"AGE-SECRET-KEY" not in wrapped.identity.read_bytes()

    identities = load_identity(wrapped.identity, lambda: "correct horse")
    assert str(identities[0].to_public()) == wrapped.recipient_text
    with pytest.raises(WrongIdentity, match="passphrase"):
        load_identity(wrapped.identity, lambda: "wrong horse")


def test_recipient_file_is_not_an_identity(keys: GeneratedKeys) -> None:
    with pytest.raises(KeyFileError, match="no age identity"):
        load_identity(keys.recipient, lambda: "")


def test_recipients_come_from_strings_or_files_and_bad_ones_are_named(keys: GeneratedKeys) -> None:
    assert len(parse_recipients([str(keys.recipient), keys.recipient_text])) == 2
    with pytest.raises(KeyFileError, match="not a valid public key"):
        parse_recipients(["age1notakey"])
    with pytest.raises(KeyFileError, match="No age recipient"):
        parse_recipients([])


def test_signed_manifest_round_trips_and_verifies(keys: GeneratedKeys, tmp_path: Path) -> None:
    signing = load_signing_key(keys.signing_key)
    manifest = sample_manifest(key_id(signing.public_key()))
    path = tmp_path / "m.manifest.json"
    path.write_bytes(sign(manifest, signing))

    trusted = load_verify_key(keys.signing_pub)
    assert verify_signature(read_manifest(path), trusted, "m") == manifest
    assert load_verify_key(keys.signing_key).public_bytes_raw() == trusted.public_bytes_raw()


def test_a_changed_field_breaks_the_signature(keys: GeneratedKeys, tmp_path: Path) -> None:
    signing = load_signing_key(keys.signing_key)
    path = tmp_path / "m.manifest.json"
    path.write_bytes(sign(sample_manifest(key_id(signing.public_key())), signing))
    document = json.loads(path.read_text())
    document["manifest"]["head_seq"] = 41
    path.write_text(json.dumps(document))

    with pytest.raises(BadSignature, match="not signed by the trusted till key"):
        verify_signature(read_manifest(path), load_verify_key(keys.signing_pub), "m")


def test_a_manifest_signed_by_another_till_is_refused(keys: GeneratedKeys, tmp_path: Path) -> None:
    other = generate_keys(tmp_path / "other")
    other_key = load_signing_key(other.signing_key)
    path = tmp_path / "m.manifest.json"
    path.write_bytes(sign(sample_manifest(key_id(other_key.public_key())), other_key))
    with pytest.raises(BadSignature):
        verify_signature(read_manifest(path), load_verify_key(keys.signing_pub), "m")


@pytest.mark.parametrize(
    "text",
    ["", "{", '{"manifest": {}, "signature": ""}', "[1]", '{"manifest": {"head_seq": 1.5}, "signature": ""}'],
)
def test_garbage_manifests_are_reported_as_damaged(tmp_path: Path, text: str) -> None:
    path = tmp_path / "m.manifest.json"
    path.write_text(text)
    with pytest.raises(DamagedBackup, match="damaged"):
        read_manifest(path)


def test_floats_and_wrong_types_are_refused(keys: GeneratedKeys, tmp_path: Path) -> None:
    signing = load_signing_key(keys.signing_key)
    good = sample_manifest(key_id(signing.public_key()))
    path = tmp_path / "m.manifest.json"
    for bad in ({"head_seq": 1.0}, {"head_seq": "42"}, {"payload": 7}):
        document = {"manifest": {**good.to_dict(), **bad}, "signature": ""}
        path.write_text(json.dumps(document))
        with pytest.raises(DamagedBackup):
            read_manifest(path)
    assert replace(good, head_seq=43).digest() != good.digest()
