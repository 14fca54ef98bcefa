"""SQLite files as files: a one-step consistent copy, and the checks any SQLite file must pass.

The copy is taken in ONE step (the online backup API with all pages at once): a step-wise backup
restarts on every commit of a selling till and never finishes. In WAL mode the tills keep committing
while the copy reads its snapshot. The copy is switched to rollback-journal mode so it is one
self-contained file with no -wal beside it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pos_tui.backup.errors import UnhealthyDatabase


def copy_database(source: Path, target: Path) -> None:
    """Write a consistent copy of ``source`` to the new file ``target`` in one step."""
    src = sqlite3.connect(source, timeout=10)  # not mode=ro: a read-only last connection leaves -wal behind
    try:
        src.execute("PRAGMA query_only = 1")
        dst = sqlite3.connect(target, isolation_level=None)
        try:
            # The copy is a temp file, read back at once and deleted (a crash leaves a stale temp the
            # next job removes), so it needs no journal and no fsync: the fsync of 1.7 GB of pages
            # was a third of the copy's CPU. The encrypted file is what is made durable.
            dst.execute("PRAGMA journal_mode=OFF")
            dst.execute("PRAGMA synchronous=OFF")
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that never creates files beside ``path``. Only for files no one else
    writes (our temp and decrypted copies): ``immutable`` skips all locking."""
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)


def application_id(path: Path) -> int:
    """``PRAGMA application_id`` of a SQLite file (0 if unset)."""
    connection = open_read_only(path)
    try:
        return int(connection.execute("PRAGMA application_id").fetchone()[0])
    except sqlite3.DatabaseError as error:
        raise UnhealthyDatabase(f"{path.name} is not a SQLite database ({error}).", "Use another snapshot.") from error
    finally:
        connection.close()


def sqlite_problems(path: Path, *, full: bool) -> list[str]:
    """What ``integrity_check`` (or the faster ``quick_check``) and ``foreign_key_check`` report."""
    connection = open_read_only(path)
    try:
        pragma = "integrity_check" if full else "quick_check"
        rows = [str(row[0]) for row in connection.execute(f"PRAGMA {pragma}")]
        problems = [] if rows == ["ok"] else rows
        for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check"):
            problems.append(f"row {rowid} of {table} points to a missing row of {parent}")
        return problems
    except sqlite3.DatabaseError as error:
        return [f"not a usable SQLite database: {error}"]
    finally:
        connection.close()


def require_healthy(path: Path, *, full: bool, what: str) -> None:
    """Raise UnhealthyDatabase if the SQLite checks find anything."""
    problems = sqlite_problems(path, full=full)
    if problems:
        shown = "; ".join(problems[:5])
        raise UnhealthyDatabase(
            f"{what} fails the SQLite checks: {shown}.",
            "Use another snapshot (the one before it, or the copy on the other destination).",
        )
