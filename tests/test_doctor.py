"""`pos doctor` passes on a till set up right and fails, for real, on each thing it claims to check."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pos_tui.cli.main import app
from pos_tui.ledger.database import APPLICATION_ID, _split_sql, migrations_dir
from pos_tui.services.doctor import Check, Limits, run_checks
from pos_tui.services.staff import users
from tests.backup.till_setup import Till, set_up_till
from tests.support.tools import tmpfs

ROOMY = Limits(min_free_mb=1, printer_timeout_ms=500)
TILL_UID = 4242  # the till's account: the database's owner, not root, and not the key's owner


@pytest.fixture
def till(tmp_path: Path) -> Till:
    """A till as the README sets it up: modes tightened and a first snapshot made."""
    till = set_up_till(tmp_path / "till")
    assert till.run("create").exit_code == 0
    for file in till.db.parent.iterdir():
        file.chmod(0o640)
        if os.geteuid() == 0:
            os.chown(file, TILL_UID, os.stat(file).st_gid)  # the till's account owns the store, not the signing key
    if os.geteuid() != 0:
        till.keys.signing_key.chmod(0)  # the store's owner is this account: only a key it may not read passes
    return till


def failed(checks: list[Check]) -> dict[str, str]:
    return {check.name: check.detail for check in checks if not check.ok}


def add_to_config(till: Till, text: str) -> None:
    till.config.write_text(till.config.read_text() + text, encoding="utf-8")


def test_a_till_set_up_right_passes_every_check_and_exits_zero(till: Till) -> None:
    checks = run_checks(till.config, limits=ROOMY)
    assert failed(checks) == {}
    assert [c.name for c in checks] == ["config", "restore leftovers", "database", "roles", "database mode",
                                        "signing key", "printer", "receipt shaping", "last backup", "free disk"]
    result = CliRunner().invoke(app, ["doctor", "--config", str(till.config), "--min-free-mb", "1"])
    assert result.exit_code == 0 and "All checks passed." in result.output


def test_a_broken_config_fails_and_names_the_key(till: Till) -> None:
    add_to_config(till, '\n[staff.roles.trainee]\nactions = ["juggle"]\n')
    result = CliRunner().invoke(app, ["doctor", "--config", str(till.config)])
    assert result.exit_code == 1
    assert "FAIL  config" in result.output and "staff.roles.trainee.actions.0" in result.output


def test_a_database_from_before_the_last_migration_fails(till: Till, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for statement in _split_sql((migrations_dir() / "0001_initial.sql").read_text(encoding="utf-8")):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    assert "pos db migrate" in failed(run_checks(till.config, old, ROOMY))["database"]
    assert "There is no store database" in failed(run_checks(till.config, tmp_path / "none.db", ROOMY))["database"]


def test_a_database_on_a_read_only_disk_fails(till: Till, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", size="4m") as mount:
        shutil.copy(till.db, mount / "pos.db")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        assert "cannot be written" in failed(run_checks(till.config, mount / "pos.db", ROOMY))["database"]


def test_loose_file_modes_fail(till: Till) -> None:
    till.db.chmod(0o644)
    problems = failed(run_checks(till.config, limits=ROOMY))
    assert "is 0644; make it 0640 or tighter" in problems["database mode"]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving the key to another account needs root")
def test_a_signing_key_the_tills_account_can_read_fails(till: Till) -> None:
    """Put where the till's account reaches it (its own file, in a directory anyone may enter), the key
    fails; owned by another account with mode 0600, it passes."""
    with tempfile.TemporaryDirectory() as keys:
        Path(keys).chmod(0o755)
        key = Path(keys) / "till-signing.key"
        shutil.copy(till.keys.signing_key, key)
        key.chmod(0o600)
        till.config.write_text(till.config.read_text().replace(str(till.keys.signing_key), str(key)))
        assert "signing key" not in failed(run_checks(till.config, limits=ROOMY))  # root's, 0600: out of reach
        os.chown(key, TILL_UID, 0)
        problem = failed(run_checks(till.config, limits=ROOMY))["signing key"]
        assert f"{key} can be read by the till's account uid {TILL_UID}" in problem
        os.chown(key, 0, 0)
        key.chmod(0o644)
        assert "can be read by the till's account" in failed(run_checks(till.config, limits=ROOMY))["signing key"]


def test_a_user_whose_role_the_config_lost_fails(till: Till, tmp_path: Path) -> None:
    add_to_config(till, '\n[staff.roles.trainee]\nextends = "cashier"\n')
    session = till.session()
    users.add_user(session, "zara", "1234", role="trainee")
    session.close()
    till.config.write_text(till.config.read_text().split("\n[staff.roles.trainee]")[0], encoding="utf-8")
    assert "trainee" in failed(run_checks(till.config, limits=ROOMY))["roles"]


def test_a_printer_that_does_not_answer_and_a_missing_scanner_fail(till: Till, tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, never listening: connections are refused
        add_to_config(till, f'\n[devices.printer]\nuri = "tcp://127.0.0.1:{port}"\n'
                            f'\n[[devices.scanners]]\nkind = "serial"\nport = "{tmp_path}/no-such-tty"\n'
                            f'\n[devices.pole_display]\nport = "{till.db}"\n')
        problems = failed(run_checks(till.config, limits=ROOMY))
    assert "refused the connection" in problems["printer"]
    assert "no-such-tty is not there" in problems["scanner 1"]
    assert "pole display" not in problems


def test_no_backups_or_an_old_snapshot_fail(till: Till, tmp_path: Path) -> None:
    assert "more than 0 h" in failed(run_checks(till.config, limits=Limits(0, 1, 500)))["last backup"]
    for snapshot in till.snapshots() + till.snapshots(till.usb):
        snapshot.unlink()
    assert "no snapshot in" in failed(run_checks(till.config, limits=ROOMY))["last backup"]


def test_a_nearly_full_disk_fails(till: Till, tmp_path: Path) -> None:
    if os.geteuid() != 0:
        problems = failed(run_checks(till.config, limits=Limits(min_free_mb=2**40)))
    else:
        with tmpfs(tmp_path / "small", size="2m") as small:
            shutil.copy(till.db, small / "pos.db")
            problems = failed(run_checks(till.config, small / "pos.db", Limits(min_free_mb=5)))
    assert "less than" in problems["free disk"]
