"""Bad input gets a clear error and changes nothing: not the live database, not the destinations."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pos_tui.backup.keys import generate_keys, key_id, load_signing_key, parse_recipients
from pos_tui.backup.ledger_facts import LedgerFacts
from pos_tui.backup.manifest import FileDigest, Manifest
from pos_tui.backup.naming import make_name, manifest_path_for
from pos_tui.backup.snapshot import BackupJob, snapshot_manifest
from pos_tui.backup.sqlite_files import copy_database
from pos_tui.backup.writer import publish_backup
from pos_tui.config import load_settings
from pos_tui.ledger.database import SCHEMA_VERSION
from tests.backup.till_setup import Till
from tests.conftest import make_store


def state(till: Till) -> tuple[object, ...]:
    """Everything a failed command must leave alone."""
    files = sorted(
        (p.relative_to(till.root).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in till.root.rglob("*")
        if p.is_file() and p.name != ".pos-backup.lock"
    )
    return till.db.stat().st_ino, tuple(files)


@pytest.fixture
def snapshot(till: Till) -> Path:
    till.sell_teas(2)
    assert till.run("create").exit_code == 0
    till.sell_teas(1)
    return till.snapshots()[0]


def restore(till: Till, snapshot: Path, *extra: str) -> tuple[int, str]:
    result = till.run("restore", str(snapshot), "--identity", str(till.keys.identity), *extra)
    return result.exit_code, result.output


def test_wrong_identity_is_refused(till: Till, snapshot: Path, tmp_path: Path) -> None:
    stranger = generate_keys(tmp_path / "stranger")
    before = state(till)
    result = till.run(
        "restore", str(snapshot), "--identity", str(stranger.identity), "--signer", str(till.keys.signing_pub)
    )
    assert result.exit_code == 1
    assert "cannot open" in result.output and "Traceback" not in result.output
    assert state(till) == before


def test_truncated_snapshot_is_refused(till: Till, snapshot: Path) -> None:
    snapshot.write_bytes(snapshot.read_bytes()[:-4096])
    before = state(till)
    code, output = restore(till, snapshot)
    assert code == 1 and "truncated" in output
    assert state(till) == before


@pytest.mark.parametrize("where", [0, 30, 200, "middle", -1])
def test_a_flipped_byte_anywhere_is_refused(till: Till, snapshot: Path, where: int | str) -> None:
    data = bytearray(snapshot.read_bytes())
    index = len(data) // 2 if where == "middle" else int(where)
    data[index] ^= 0x04
    snapshot.write_bytes(bytes(data))
    before = state(till)

    code, output = restore(till, snapshot)
    verify = till.run("verify", str(snapshot), "--identity", str(till.keys.identity))

    assert code == 1 and "damaged" in output and "bytes changed" in output
    assert verify.exit_code == 1 and "damaged" in verify.output
    assert state(till) == before


def test_manifest_whose_signature_fails_is_refused(till: Till, snapshot: Path) -> None:
    manifest_path = manifest_path_for(snapshot)
    document = json.loads(manifest_path.read_text())
    document["manifest"]["head_seq"] += 1
    manifest_path.write_text(json.dumps(document))
    before = state(till)

    code, output = restore(till, snapshot)

    assert code == 1 and "not signed by the trusted till key" in output
    assert state(till) == before
    assert "BAD" in till.run("list").output


def test_snapshot_of_another_store_is_refused_unless_asked_for(till: Till, tmp_path: Path) -> None:
    other_db = tmp_path / "other" / "pos.db"
    other_db.parent.mkdir()
    make_store(other_db).close()
    assert till.run("create", "--db", str(other_db)).exit_code == 0
    other_snapshot = till.snapshots()[0]
    before = state(till)

    code, output = restore(till, other_snapshot)

    assert code == 1 and "--other-store" in output
    assert state(till) == before
    code, output = restore(till, other_snapshot, "--other-store")
    assert code == 0, output


def newer_schema_snapshot(till: Till, tmp_path: Path) -> Path:
    """A snapshot as a future pos_tui (schema + 1) would make it, signed by this till's key."""
    plain = tmp_path / "future.db"
    copy_database(till.db, plain)
    with sqlite3.connect(plain) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    settings = load_settings(till.config)
    job = BackupJob.from_settings(till.db, "T1", settings.backup, [till.local])
    signing = load_signing_key(till.keys.signing_key)
    session = till.session()
    store_id = session.ledger.store_info().store_id
    session.close()
    with plain.open("rb") as source:
        name = make_name(datetime.now(UTC), "snapshot", "T1", store_id)
        facts = LedgerFacts(store_id, "Demo Store", SCHEMA_VERSION + 1, 0x504F5354, 0, "0" * 64, "")

        def manifest_for(p: FileDigest, c: FileDigest) -> Manifest:
            made = snapshot_manifest(
                facts, name.payload_name, "2030-01-01T00:00:00.000000Z", job, p, c, key_id(signing.public_key())
            )
            return replace(made, schema_version=SCHEMA_VERSION + 1)

        publish_backup(source, name, manifest_for, [till.local], parse_recipients(job.settings.recipients), signing)
    return till.local / name.payload_name


def test_snapshot_from_a_newer_pos_tui_is_refused(till: Till, tmp_path: Path) -> None:
    future = newer_schema_snapshot(till, tmp_path)
    before = state(till)

    code, output = restore(till, future)

    assert code == 1 and "newer pos_tui" in output and "Upgrade" in output
    assert state(till) == before


def test_neither_file_nor_time_is_a_clear_error(till: Till) -> None:
    result = till.run("restore", "--identity", str(till.keys.identity))
    assert result.exit_code == 1 and "either a snapshot FILE or --at" in result.output


def test_unknown_time_format_is_a_clear_error(till: Till, snapshot: Path) -> None:
    result = till.run("restore", "--at", "yesterday teatime", "--identity", str(till.keys.identity))
    assert result.exit_code == 1 and "YYYY-MM-DD HH:MM" in result.output
