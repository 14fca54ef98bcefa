"""Putting a restored file in place of the live database, on plain SQLite files."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

from pos_tui.backup.errors import DatabaseInUse
from pos_tui.backup.sqlite_files import copy_database
from pos_tui.backup.swap import replace_database
from tests.backup.processes import start_till, stop
from tests.backup.sqlite_helpers import make_wal_database, sale_count


def snapshot_of(db: Path, where: Path) -> Path:
    prepared = where / ".pos-backup-restore-test.tmp"
    copy_database(db, prepared)
    return prepared


def test_restore_beside_a_crashed_tills_wal_does_not_replay_it(tmp_path: Path) -> None:
    live = make_wal_database(tmp_path / "pos.db", rows=10)
    prepared = snapshot_of(live, tmp_path)
    till = start_till(live, "sell-then-hang", "5")
    till.send_signal(signal.SIGKILL)  # the till dies with 5 committed sales only in pos.db-wal
    till.wait()
    wal = tmp_path / "pos.db-wal"
    assert wal.stat().st_size > 0

    # The hazard, shown on a copy: a snapshot dropped in beside the old -wal silently gains its sales.
    naive = tmp_path / "naive"
    naive.mkdir()
    shutil.copy(prepared, naive / "pos.db")
    shutil.copy(wal, naive / "pos.db-wal")
    assert sale_count(naive / "pos.db") == 15

    replaced = replace_database(live, prepared)

    assert sale_count(live) == 10, "the restored database holds exactly the snapshot"
    assert not (tmp_path / "pos.db-wal").exists()
    assert not (tmp_path / "pos.db-shm").exists()
    assert replaced is not None and sale_count(replaced) == 15, "the crashed till's sales are kept aside"
    assert not prepared.exists()


def test_restore_is_refused_while_a_seat_has_the_database_open_even_idle(tmp_path: Path) -> None:
    live = make_wal_database(tmp_path / "pos.db", rows=10)
    prepared = snapshot_of(live, tmp_path)
    seat = start_till(live, "idle")
    before = (live.stat().st_ino, live.read_bytes())
    try:
        with pytest.raises(DatabaseInUse, match="Close every till"):
            replace_database(live, prepared)
    finally:
        stop(seat)
    assert (live.stat().st_ino, live.read_bytes()) == before
    assert prepared.exists()
    assert not list(tmp_path.glob("pos.db.replaced-*"))


def test_restore_is_refused_while_a_till_is_selling(tmp_path: Path) -> None:
    live = make_wal_database(tmp_path / "pos.db", rows=10)
    prepared = snapshot_of(live, tmp_path)
    inode = live.stat().st_ino
    till = start_till(live, "sell")
    try:
        for _ in range(5):
            with pytest.raises(DatabaseInUse):
                replace_database(live, prepared)
        selling_count = sale_count(live)
    finally:
        stop(till)
    assert live.stat().st_ino == inode
    assert selling_count > 10, "the till kept selling and its sales stayed in the live file"
    assert not list(tmp_path.glob("pos.db.replaced-*"))


def test_a_dead_live_file_is_moved_aside_untouched_and_the_restore_goes_in(tmp_path: Path) -> None:
    good = make_wal_database(tmp_path / "good.db", rows=7)
    prepared = snapshot_of(good, tmp_path)
    live = tmp_path / "pos.db"
    garbage = os.urandom(8192)
    live.write_bytes(garbage)

    replaced = replace_database(live, prepared)

    assert sale_count(live) == 7
    assert replaced is not None and replaced.read_bytes() == garbage


def test_restore_onto_an_empty_box_just_places_the_file(tmp_path: Path) -> None:
    good = make_wal_database(tmp_path / "good.db", rows=3)
    prepared = snapshot_of(good, tmp_path)
    assert replace_database(tmp_path / "pos.db", prepared) is None
    assert sale_count(tmp_path / "pos.db") == 3


def test_the_restored_file_keeps_the_live_files_mode_so_tills_can_open_it(tmp_path: Path) -> None:
    live = make_wal_database(tmp_path / "pos.db", rows=2)
    os.chmod(live, 0o664)
    prepared = snapshot_of(live, tmp_path)
    os.chmod(prepared, 0o600)

    replace_database(live, prepared)

    assert (live.stat().st_mode & 0o777) == 0o664
