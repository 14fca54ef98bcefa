"""An admin snapshots the till, lists, verifies and restores; the age CLI can read the snapshot."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from pos_tui.backup.naming import parse_name
from tests.backup.till_setup import Till
from tests.conftest import assert_verifies


def test_snapshot_lands_in_both_destinations_and_lists_with_good_signature(till: Till) -> None:
    till.sell_teas(3)

    result = till.run("create")

    assert result.exit_code == 0, result.output
    assert len(till.snapshots(till.local)) == 1 and len(till.snapshots(till.usb)) == 1
    assert till.snapshots(till.local)[0].read_bytes() == till.snapshots(till.usb)[0].read_bytes()
    assert not [p for p in till.local.iterdir() if p.name.startswith(".pos-backup-") and "tmp" in p.name]
    listing = till.run("list")
    assert listing.exit_code == 0, listing.output
    line = next(line for line in listing.output.splitlines() if "snapshot" in line and str(till.local) in line)
    assert " ok " in line
    assert "BAD" not in listing.output


def test_admin_verifies_a_snapshot_with_the_identity(till: Till) -> None:
    till.sell_teas(2)
    assert till.run("create").exit_code == 0
    snapshot = till.snapshots()[0]

    result = till.run("verify", str(snapshot), "--identity", str(till.keys.identity))

    assert result.exit_code == 0, result.output
    assert "OK" in result.output and "hash chain" in result.output


def test_age_cli_alone_recovers_a_working_store_from_a_snapshot(till: Till, age_cli: str, tmp_path: Path) -> None:
    till.sell_teas(4)
    assert till.run("create").exit_code == 0
    recovered = tmp_path / "recovered.db"

    subprocess.run(
        [age_cli, "-d", "-i", str(till.keys.identity), "-o", str(recovered), str(till.snapshots()[0])], check=True
    )

    assert till.sale_count(recovered) == 4
    assert_verifies(recovered)


def test_restore_brings_back_the_snapshot_and_keeps_the_replaced_file(till: Till) -> None:
    till.sell_teas(2)
    assert till.run("create").exit_code == 0
    snapshot = till.snapshots()[0]
    till.sell_teas(3)

    result = till.run("restore", str(snapshot), "--identity", str(till.keys.identity), "--yes")

    assert result.exit_code == 0, result.output
    assert till.sale_count() == 2
    assert_verifies(till.db)
    replaced = list(till.db.parent.glob("pos.db.replaced-*"))
    assert len(replaced) == 1 and till.sale_count(replaced[0]) == 5
    assert not Path(f"{till.db}-wal").exists() or Path(f"{till.db}-wal").stat().st_size == 0
    kinds = [parse_name(p.name) for p in till.snapshots()]
    assert len(kinds) == 3, "a snapshot before the swap and one after it, besides the restored one"


def test_snapshot_file_name_says_what_it_is_and_manifest_is_beside_it(till: Till) -> None:
    assert till.run("create").exit_code == 0
    snapshot = till.snapshots()[0]
    name = parse_name(snapshot.name)
    assert name is not None and name.kind == "snapshot" and name.terminal == "T1"
    assert snapshot.with_name(name.manifest_name).exists()
    assert snapshot.read_bytes().startswith(b"age-encryption.org/v1\n")
    assert b"SQLite format 3" not in snapshot.read_bytes()[:4096]
    with sqlite3.connect(till.db) as check:
        assert check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
