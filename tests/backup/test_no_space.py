"""A destination that fills up mid-snapshot: a clear error and no file under a final name."""

from __future__ import annotations

import os
import resource
import subprocess
from pathlib import Path

from tests.backup.test_crashes_and_concurrency import REPO, pad_database
from tests.backup.till_setup import Till
from tests.support.tools import tmpfs


def our_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name != ".pos-backup.lock")


def test_a_full_usb_stick_gets_nothing_and_the_local_copy_is_still_made(till: Till, tmp_path: Path) -> None:
    pad_database(till.db, 8)
    with tmpfs(tmp_path / "stick", size="2m") as stick:
        result = till.run("create", "--to", str(till.local), "--to", str(stick))

        assert result.exit_code == 1
        assert "ran out of space" in result.output and "Free space" in result.output
        assert our_files(stick) == []
    assert len(till.snapshots(till.local)) == 1
    assert till.run("verify", str(till.snapshots()[0]), "--identity", str(till.keys.identity)).exit_code == 0


def test_the_only_destination_full_means_a_clear_error_and_nothing_anywhere(till: Till, tmp_path: Path) -> None:
    pad_database(till.db, 8)
    with tmpfs(tmp_path / "stick", size="2m") as stick:
        result = till.run("create", "--to", str(stick))
        assert result.exit_code == 1 and "ran out of space" in result.output
        assert our_files(stick) == []
    assert not [p for p in till.db.parent.iterdir() if ".tmp" in p.name]


def test_a_file_size_limit_hit_while_writing_is_the_same_clear_error(till: Till) -> None:
    pad_database(till.db, 8)
    room = till.db.stat().st_size + 1024  # the plaintext copy fits; the (slightly larger) ciphertext not

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (room, room))

    process = subprocess.run(
        till.command("create", "--to", str(till.local)),
        cwd=REPO,
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=120,
    )

    assert process.returncode == 1, process.stderr
    assert "ran out of space" in process.stderr and "Traceback" not in process.stderr
    assert our_files(till.local) == []
    assert not [p for p in till.db.parent.iterdir() if ".tmp" in p.name]
    assert os.path.exists(till.db)


def test_no_room_beside_the_database_for_the_copy_says_so(till: Till) -> None:
    pad_database(till.db, 8)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    process = subprocess.run(
        till.command("create"), cwd=REPO, capture_output=True, text=True, preexec_fn=limit, timeout=120
    )

    assert process.returncode == 1
    assert "needs as much free space" in process.stderr
    assert our_files(till.local) == [] and our_files(till.usb) == []
