"""A restore that is killed leaves no plaintext store lying about for long, and one that would drop
sales says so and asks first."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.backup.test_crashes_and_concurrency import REPO
from tests.backup.till_setup import Till
from tests.conftest import assert_verifies

# Runs `pos backup restore` and stops it for good the moment it opens the decrypted copy (after the
# decryption, before any check or swap), saying where that copy is: the test then kills it with -9.
STOPS_AFTER_DECRYPTING = """
import sys, time
def stop_at_decrypted_copy(event, args):
    if event == "sqlite3.connect" and ".pos-restore-" in str(args[0]):
        print(args[0], flush=True)
        time.sleep(3600)
sys.addaudithook(stop_at_decrypted_copy)
from pos_tui.cli.main import app
sys.argv = ["pos", *sys.argv[1:]]
app()
"""


def journal_head(db: Path) -> int:
    connection = sqlite3.connect(db)
    try:
        return int(connection.execute("SELECT MAX(seq) FROM journal").fetchone()[0])
    finally:
        connection.close()


def pos(till: Till, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pos_tui.cli.main", *args, "--config", str(till.config)],
                          capture_output=True, text=True, input=stdin, cwd=REPO, timeout=300)


def killed_mid_restore(till: Till) -> Path:
    """Kill -9 a restore that has just decrypted the snapshot; returns the decrypted copy it left."""
    assert till.run("create", "--to", str(till.local)).exit_code == 0
    restore = subprocess.Popen(
        [sys.executable, "-c", STOPS_AFTER_DECRYPTING, "backup", "restore", str(till.snapshots()[0]),
         "--identity", str(till.keys.identity), "--yes", "--config", str(till.config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )
    try:
        assert restore.stdout is not None
        opened = restore.stdout.readline().strip()  # a path, or a file: URI with ?mode=ro
        decrypted = Path(opened.removeprefix("file:").partition("?")[0])
        assert decrypted.name, "the restore ended without decrypting"
    finally:
        restore.send_signal(signal.SIGKILL)
        restore.wait()
    return decrypted


def test_a_killed_restore_left_its_plaintext_in_a_private_directory_and_the_next_command_removes_it(
        till: Till) -> None:
    till.sell_teas(2)

    decrypted = killed_mid_restore(till)

    private = decrypted.parent
    assert private.parent == till.db.parent and private.name.startswith(".pos-restore-")
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
    assert decrypted.read_bytes()[:16] == b"SQLite format 3\0"
    assert not [p for p in till.db.parent.iterdir() if p.is_file() and ".tmp" in p.name]

    status = pos(till, "status")

    assert status.returncode == 0, status.stderr
    assert f"left a decrypted copy of the store in {private}; it has been removed" in status.stderr
    assert not private.exists()
    assert till.sale_count() == 2
    assert_verifies(till.db)


def test_pos_doctor_removes_and_reports_what_a_killed_restore_left(till: Till) -> None:
    private = killed_mid_restore(till).parent

    doctor = pos(till, "doctor")

    line = next(line for line in doctor.stdout.splitlines() if "restore leftovers" in line)
    assert line.startswith("FAIL") and f"{private}; it has been removed" in line
    assert not private.exists()
    assert "restore leftovers" not in [c for c in pos(till, "doctor").stdout.splitlines() if c.startswith("FAIL")]


def test_restore_says_what_the_live_store_holds_beyond_the_restore_point_and_asks(till: Till) -> None:
    till.sell_teas(2)
    assert till.run("create", "--to", str(till.local)).exit_code == 0
    snapshot = till.snapshots()[0]
    restore_point = journal_head(till.db)
    till.sell_teas(3)
    beyond = journal_head(till.db) - restore_point
    restore = ("backup", "restore", str(snapshot), "--identity", str(till.keys.identity))

    declined = pos(till, *restore, stdin="n\n")
    no_answer = pos(till, *restore)

    for refused in (declined, no_answer):
        assert refused.returncode == 1
        assert (f"pos.db holds {beyond} journal entries beyond the restore point (seq {restore_point}), "
                "the last sale T1-000005 at ") in refused.stderr
        assert "Nothing was restored" in refused.stderr
    assert till.sale_count() == 5
    assert not list(till.db.parent.glob("pos.db.replaced-*"))

    accepted = pos(till, *restore, stdin="y\n")

    assert accepted.returncode == 0, accepted.stderr
    assert till.sale_count() == 2
    assert_verifies(till.db)


@pytest.mark.parametrize("sold_after", [0, 1])
def test_restore_with_yes_or_nothing_to_drop_asks_nothing(till: Till, sold_after: int) -> None:
    till.sell_teas(1)
    assert till.run("create", "--to", str(till.local)).exit_code == 0
    till.sell_teas(sold_after)
    yes = ("--yes",) if sold_after else ()

    done = pos(till, "backup", "restore", str(till.snapshots()[0]), "--identity", str(till.keys.identity), *yes)

    assert done.returncode == 0, done.stderr
    assert "beyond the restore point" not in done.stderr
    assert till.sale_count() == 1
    assert not [p for p in till.db.parent.iterdir() if p.name.startswith(".pos-restore-")]
    assert os.path.exists(till.db)
