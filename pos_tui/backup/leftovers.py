"""What a stopped ``pos backup restore`` leaves beside the store, and clearing it away.

A restore decrypts the snapshot into a private directory (0700, ``.pos-restore-*``) beside the live
database: on the same disk, so the checked copy is renamed into place without a second copy, and
readable by the restoring user alone. A ``kill -9`` or a power cut during the restore leaves that
directory, with a plaintext copy of the store in it. The next ``pos`` command and ``pos doctor``
remove it, unless a backup job holds the directory's lock (a restore still running owns it), and
say so; a user who may not remove it (the manager's read-only seat) is told to ask an admin.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pos_tui.backup.atomic import LOCK_NAME
from pos_tui.backup.naming import TEMP_PREFIX, TEMP_SUFFIX

RESTORE_DIR_PREFIX = ".pos-restore-"
_OLD_STYLE = f"{TEMP_PREFIX}restore-*"  # before the private directory: a hidden file beside the store


def private_workdir(directory: Path) -> Path:
    """A new directory only this user may enter, inside ``directory``: where a restore decrypts."""
    return Path(tempfile.mkdtemp(prefix=RESTORE_DIR_PREFIX, dir=directory))  # mkdtemp makes it 0700


def restore_leftovers(directory: Path) -> list[Path]:
    """Private restore directories and old-style decrypted copies in ``directory``."""
    try:
        found = [p for p in directory.glob(f"{RESTORE_DIR_PREFIX}*") if p.is_dir()]
        found += [p for p in directory.glob(_OLD_STYLE) if TEMP_SUFFIX in p.name]
    except OSError:
        return []
    return sorted(found)


@dataclass(frozen=True)
class Leftover:
    path: Path
    removed: bool

    def sentence(self) -> str:
        what = f"A restore that was stopped halfway left a decrypted copy of the store in {self.path}"
        if self.removed:
            return f"{what}; it has been removed."
        return f"{what}, and this user may not remove it. Ask an admin to remove it: sudo rm -r {self.path}"


def remove_locked(directory: Path) -> list[Leftover]:
    """Remove the leftovers in ``directory``; call only while holding its backup lock."""
    done = []
    for path in restore_leftovers(directory):
        try:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
                for suffix in ("-journal", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            done.append(Leftover(path, True))
        except OSError:
            done.append(Leftover(path, False))
    return done


def clear_restore_leftovers(db: Path) -> list[Leftover]:
    """Remove what a stopped restore left beside ``db``, and say what was found. Nothing while a
    backup job holds the directory (a restore that is still running)."""
    directory = Path(db).parent
    if not restore_leftovers(directory):
        return []
    with _unless_a_job_runs(directory) as free:
        if not free:
            return []
        return remove_locked(directory)


@contextlib.contextmanager
def _unless_a_job_runs(directory: Path) -> Iterator[bool]:
    """Hold the directory's backup lock for the block if no job holds it; yields whether it is held.
    Without a lock file no job has ever run there; one this user cannot open is left to the report."""
    try:
        fd = os.open(directory / LOCK_NAME, os.O_RDONLY)
    except FileNotFoundError:
        yield True
        return
    except OSError:
        yield True  # cannot lock: removing will fail the same way and be reported
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)
