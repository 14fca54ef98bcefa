"""Files that appear whole or not at all, and one backup job per destination at a time.

A new file is written under a hidden temporary name in its final directory, flushed and fsynced,
renamed into place with ``os.replace`` and the directory fsynced, so after a crash or ``kill -9`` a
final name either does not exist or holds the complete file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pos_tui.backup.errors import BackupError, NoSpace
from pos_tui.backup.naming import TEMP_PREFIX, TEMP_SUFFIX

LOCK_NAME = ".pos-backup.lock"


def fsync_dir(directory: Path) -> None:
    """Make a rename or unlink in ``directory`` survive a power cut."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_path_in(directory: Path, purpose: str) -> Path:
    """A fresh hidden name in ``directory`` for a file being made."""
    return directory / f"{TEMP_PREFIX}{purpose}-{secrets.token_hex(6)}{TEMP_SUFFIX}"


def space_error(error: OSError, where: Path) -> BackupError:
    """Turn a failed write into a sentence; out-of-space gets its own class."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return NoSpace(
            f"{where} ran out of space while the backup was written ({error.strerror}); nothing was kept there.",
            "Free space on it (or run `pos backup prune`) and run the backup again.",
        )
    return BackupError(
        f"Could not write to {where}: {error.strerror or error}.",
        "Check that the directory exists, is mounted and is writable, then run the backup again.",
    )


@contextlib.contextmanager
def atomic_output(final: Path, mode: int = 0o600) -> Iterator[BinaryIO]:
    """Write ``final`` through a temp file; on any error the temp file is removed and ``final`` is
    untouched. Yields the open binary file."""
    temp = temp_path_in(final.parent, final.name[:24])
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError as error:
        raise space_error(error, final.parent) from error
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, final)
        fsync_dir(final.parent)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise space_error(error, final.parent) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_atomically(final: Path, data: bytes, mode: int = 0o600) -> None:
    """Put ``data`` at ``final`` whole or not at all."""
    with atomic_output(final, mode) as handle:
        handle.write(data)


def publish(temp: Path, final: Path) -> None:
    """Move a finished, fsynced temp file to its final name and make the rename durable."""
    os.replace(temp, final)
    fsync_dir(final.parent)


def remove_stale_temps(directory: Path) -> list[Path]:
    """Delete temp files left by a crashed job. Call only while holding the destination lock."""
    removed = []
    for path in directory.glob(f"{TEMP_PREFIX}*"):
        if TEMP_SUFFIX in path.name:  # the temp file and any -journal/-wal/-shm SQLite left beside it
            path.unlink(missing_ok=True)
            removed.append(path)
    if removed:
        fsync_dir(directory)
    return removed


@contextlib.contextmanager
def destination_lock(directory: Path, wait_seconds: float = 30.0) -> Iterator[None]:
    """Hold the lock that lets one backup job at a time write into ``directory``."""
    if not directory.is_dir():
        raise BackupError(
            f"Backup destination {directory} does not exist or is not a directory.",
            "Create it (or mount the USB stick / network share) and try again.",
        )
    try:
        fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise space_error(error, directory) from error
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BackupError(
                        f"Another backup job has been writing to {directory} for {wait_seconds:.0f} s.",
                        "Wait for it to finish (see `systemctl status pos-backup`), then try again.",
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)
