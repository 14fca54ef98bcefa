"""Head office's PostgreSQL schema: the migrations in `db/hq/`, applied in order, each once.

The same recipe as the till's SQLite migrations: a numbered SQL file per change, the number of the
last one applied kept in the database, every migration in its own transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from pos_tui.domain.errors import PosError
from pos_tui.ledger.database import migrations_dir


class HeadOfficeUnreachable(PosError):
    """PostgreSQL did not answer, or refused us."""


def hq_migration_files() -> list[tuple[int, Path]]:
    return sorted((int(path.name[:4]), path) for path in (migrations_dir() / "hq").glob("[0-9][0-9][0-9][0-9]_*.sql"))


HQ_SCHEMA_VERSION = max(version for version, _ in hq_migration_files())


def connect(url: str) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise HeadOfficeUnreachable(
            f"cannot reach head office's PostgreSQL at {_without_password(url)} ({first_line}): check that it runs"
            " and the URL (--pg or POS_HQ_PG)."
        ) from error


def _without_password(url: str) -> str:
    head, at, tail = url.rpartition("@")
    if not at or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, credentials = head.partition("//")
    return f"{scheme}//{credentials.split(':', 1)[0]}:***@{tail}"


def schema_version(conn: psycopg.Connection[Any]) -> int:
    conn.execute("CREATE TABLE IF NOT EXISTS hq_schema (version integer NOT NULL)")
    row = conn.execute("SELECT max(version) FROM hq_schema").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(conn: psycopg.Connection[Any]) -> list[int]:
    """Apply every migration not yet applied; the numbers applied (none when up to date)."""
    applied = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(7013)")  # two `pos hq init` at once: one migrates
        current = schema_version(conn)
        for version, path in hq_migration_files():
            if version > current:
                conn.execute(path.read_text())  # our own SQL file
                conn.execute("INSERT INTO hq_schema (version) VALUES (%s)", (version,))
                applied.append(version)
    return applied


def require_current(conn: psycopg.Connection[Any]) -> None:
    version = schema_version(conn)
    if version < HQ_SCHEMA_VERSION:
        raise PosError(f"head office's database has schema {version}, this pos_tui needs {HQ_SCHEMA_VERSION}:"
                       " run `pos hq init`.")
