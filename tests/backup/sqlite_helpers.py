"""Plain SQLite files for the stories that do not need the ledger."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def make_wal_database(path: Path, rows: int = 10) -> Path:
    """A plain SQLite file in WAL mode with a table of numbered rows."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE sale (id INTEGER PRIMARY KEY, total INTEGER NOT NULL)")
    connection.executemany("INSERT INTO sale(total) VALUES (?)", [(n * 100,) for n in range(rows)])
    connection.close()
    return path


def sale_count(path: Path) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM sale").fetchone()[0])
    finally:
        connection.close()
