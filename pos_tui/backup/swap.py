"""Put a prepared database in place of the live one, or refuse and change nothing.

Reproduced on this project's boxes: restoring a file while the old ``-wal`` stays beside it makes
SQLite replay the old transactions into the restored database, and ``integrity_check`` still says
ok. So the swap moves the old file (and any ``-wal``) aside as ``*.replaced-<time>``, deletes the
stale ``-shm``, then renames the prepared file in and fsyncs the directory. At every instant of
that sequence the live name holds either the whole old database or the whole new one, so a
``kill -9`` anywhere leaves a working till.

Who else has the file open? Every SQLite connection in WAL mode holds a shared POSIX lock on the
"dead man switch" byte of the ``-shm`` file for as long as it is open, idle or not. If we can take
that byte exclusively, no other process has the database open; while we hold it, none can open it.
POSIX locks belong to the process and close() of any descriptor on the file drops them all, so this
module must run while this process has no SQLite connection of its own on the live database.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from pos_tui.backup.atomic import fsync_dir
from pos_tui.backup.errors import DatabaseInUse

SHM_DEAD_MAN_SWITCH = 128  # byte offset SQLite's unix VFS read-locks in -shm for each open connection
BUSY_WAIT_SECONDS = 0.25


def sidecar(db: Path, suffix: str) -> Path:
    return db.with_name(db.name + suffix)


def in_use_error(db: Path) -> DatabaseInUse:
    return DatabaseInUse(
        f"Another process has {db.name} open (a till, a report, or a backup job); restoring now "
        "would throw its sales away.",
        "Close every till and stop the pos services on this box (systemctl stop 'pos*'), then run the restore again.",
    )


def _try_lock_dms(fd: int) -> bool:
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DEAD_MAN_SWITCH, os.SEEK_SET)
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EAGAIN):
            return False
        raise
    return True


def other_process_has_open(db: Path) -> bool:
    """True while another process has ``db`` open in WAL mode (even idle between sales)."""
    try:
        fd = os.open(sidecar(db, "-shm"), os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        return not _try_lock_dms(fd)
    finally:
        os.close(fd)


def checkpoint_live(db: Path) -> bool:
    """Fold the live file's own ``-wal`` into it so the replaced copy is complete.

    Raises DatabaseInUse if a writer holds the database; returns False if the live file is not a
    usable SQLite database (a dead card: it is still moved aside, untouched)."""
    try:
        connection = sqlite3.connect(db, timeout=BUSY_WAIT_SECONDS, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        row = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if row is not None and row[0] != 0:
            raise in_use_error(db)
        return True
    except sqlite3.OperationalError as error:
        text = str(error).lower()
        if "locked" in text or "busy" in text:
            raise in_use_error(db) from error
        return False
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()


@contextlib.contextmanager
def exclusive_hold(db: Path) -> Iterator[None]:
    """Keep every other process from opening ``db`` (WAL mode) until the block ends."""
    shm = sidecar(db, "-shm")
    fd = os.open(shm, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock_dms(fd):
            raise in_use_error(db)
        yield
    finally:
        os.close(fd)


def replace_database(db: Path, prepared: Path, now: datetime | None = None) -> Path | None:
    """Swap ``prepared`` (a checked file on the same disk, e.g. in a private directory beside it) in for ``db``.

    Returns where the old database now lives (``db.replaced-<time>``), or None if there was none.
    Raises DatabaseInUse, changing nothing, while any other process has ``db`` open."""
    if prepared.parent.stat().st_dev != db.parent.stat().st_dev:
        raise ValueError("the prepared file must sit on the database's disk (a rename, not a copy)")
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    replaced = db.with_name(f"{db.name}.replaced-{stamp}")
    count = 1
    while replaced.exists():
        count += 1
        replaced = db.with_name(f"{db.name}.replaced-{stamp}-{count}")
    if db.exists():
        if other_process_has_open(db):
            raise in_use_error(db)
        checkpoint_live(db)
    with exclusive_hold(db):
        kept: Path | None = None
        if db.exists():
            os.link(db, replaced)  # the live name keeps the old file until the final rename
            kept = replaced
        for suffix in ("-wal", "-journal"):
            stale = sidecar(db, suffix)
            if stale.exists():
                if stale.stat().st_size > 0 and kept is not None:
                    os.replace(stale, sidecar(replaced, suffix))  # stays with the file it belongs to
                else:
                    stale.unlink()
        if kept is not None:
            _same_owner_and_mode(kept, prepared)
        fsync_dir(db.parent)
        os.replace(prepared, db)
        sidecar(db, "-shm").unlink(missing_ok=True)
        fsync_dir(db.parent)
    return kept


def _same_owner_and_mode(model: Path, target: Path) -> None:
    """The restored file gets the replaced one's mode and owner, so the tills (often another user
    than the admin who restores) can still open it."""
    info = model.stat()
    os.chmod(target, info.st_mode & 0o7777)
    if os.geteuid() == 0:
        os.chown(target, info.st_uid, info.st_gid)
