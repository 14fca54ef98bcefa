"""Real processes: a till selling during create and restore, and kill -9 in the middle of both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_tui.backup.age_stream import decrypt_stream
from pos_tui.backup.keys import load_identity
from pos_tui.backup.naming import MANIFEST_SUFFIX
from tests.backup.till_setup import Till
from tests.conftest import assert_verifies

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def selling(till: Till) -> Iterator[subprocess.Popen[str]]:
    """A second process ringing up a sale every 10 ms through the real services."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.backup.selling_till", str(till.config)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "selling"
    yield process
    process.kill()
    process.wait(timeout=10)


def pad_database(db: Path, megabytes: int) -> None:
    """Grow the store file with a table the ledger does not know, so create/restore take a while."""
    import sqlite3

    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS test_padding (blob BLOB)")
        connection.executemany(
            "INSERT INTO test_padding VALUES (?)", ((os.urandom(1 << 20),) for _ in range(megabytes))
        )


def finished_files_are_whole(till: Till, directory: Path) -> None:
    """Every file under a final name decrypts completely; every manifest parses."""
    identities = load_identity(till.keys.identity, lambda: "")
    for payload in directory.glob("pos-*.age"):
        with payload.open("rb") as source, open(os.devnull, "wb") as sink:
            decrypt_stream(source, sink, identities, payload.name)
    for manifest in directory.glob(f"pos-*{MANIFEST_SUFFIX}"):
        assert manifest.read_text().endswith("}\n")


def test_restore_is_refused_while_a_till_is_selling(till: Till, selling: subprocess.Popen[str]) -> None:
    assert till.run("create").exit_code == 0
    snapshot = till.snapshots()[0]
    inode = till.db.stat().st_ino
    time.sleep(0.2)

    result = till.run_process("restore", str(snapshot), "--identity", str(till.keys.identity))

    assert result.returncode == 1
    assert "Close every till" in result.stderr and "Traceback" not in result.stderr
    assert till.db.stat().st_ino == inode
    assert not list(till.db.parent.glob("pos.db.replaced-*"))
    selling.kill()
    selling.wait()
    assert_verifies(till.db)


def test_create_while_a_till_sells_succeeds_and_the_till_keeps_selling(
    till: Till, selling: subprocess.Popen[str]
) -> None:
    pad_database(till.db, 30)
    started = time.time()
    result = till.run_process("create")
    ended = time.time()
    selling.kill()
    assert selling.stdout is not None
    committed = [float(line.split()[0]) for line in selling.stdout.read().splitlines()]

    assert result.returncode == 0, result.stderr
    # Sales kept committing through the whole create, in its first half and in its second, rather
    # than waiting for it (a bound on each sale's wait in ms would measure the machine's load instead).
    middle = (started + ended) / 2
    first_half = [at for at in committed if started < at <= middle]
    second_half = [at for at in committed if middle < at < ended]
    assert first_half and second_half, f"create took {ended - started:.2f} s: {len(first_half)} and " \
        f"{len(second_half)} sales committed in its two halves"
    assert till.run("verify", str(till.snapshots()[0]), "--identity", str(till.keys.identity)).exit_code == 0


@pytest.mark.slow
def test_kill_9_during_create_never_leaves_a_half_written_final_file(till: Till) -> None:
    pad_database(till.db, 40)
    for delay in (0.3, 0.5, 0.7, 0.9, 1.1, 1.4):
        process = subprocess.Popen(
            till.command("create"), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        finished_files_are_whole(till, till.local)
        finished_files_are_whole(till, till.usb)
        assert till.run("list").exit_code == 0

    result = till.run("create")
    assert result.exit_code == 0, result.output
    assert not [p for p in till.local.iterdir() if ".tmp" in p.name]
    assert not [p for p in till.db.parent.iterdir() if ".tmp" in p.name]
    assert "BAD" not in till.run("list").output


@pytest.mark.slow
def test_kill_9_during_restore_leaves_either_the_old_or_the_new_database(till: Till) -> None:
    till.sell_teas(2)
    pad_database(till.db, 30)
    assert till.run("create", "--to", str(till.local)).exit_code == 0
    snapshot = till.snapshots()[0]
    till.sell_teas(3)
    old, new = 5, 2
    for delay in (0.4, 0.8, 1.2, 1.6, 2.0, 2.5):
        process = subprocess.Popen(
            till.command("restore", str(snapshot), "--identity", str(till.keys.identity), "--yes"),
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert till.sale_count() in (old, new)
        assert_verifies(till.db)
        if till.sale_count() == new:
            break
    result = till.run("restore", str(snapshot), "--identity", str(till.keys.identity), "--yes")
    assert result.exit_code == 0, result.output
    assert till.sale_count() == new
    assert not [p for p in till.db.parent.iterdir() if ".tmp" in p.name]
