"""Opening, creating and migrating a store database.

One SQLite file per store, shared by the seats of one box. WAL, ``synchronous=FULL`` (a committed
sale survives a power cut), foreign keys on, and every write transaction ``BEGIN IMMEDIATE`` so two
tills never deadlock on a read-then-write upgrade.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pos_tui.domain.errors import LedgerError

# peewee imports psycopg when it is installed (a PostgreSQL backend we never use): a third of a second of
# CPU and tens of MiB on every till start, since psycopg is installed for head office (`pos hq`). It is
# hidden from peewee's import only; head office's own code imports it as usual afterwards.
_HIDE_PSYCOPG = "psycopg" not in sys.modules
if _HIDE_PSYCOPG:
    sys.modules["psycopg"] = None  # type: ignore[assignment]  # import psycopg -> ImportError, for peewee
try:
    import peewee
    from peewee import SqliteDatabase
finally:
    if _HIDE_PSYCOPG and sys.modules.get("psycopg", 0) is None:
        del sys.modules["psycopg"]

APPLICATION_ID = 0x504F5354  # "POST": marks a file as a pos_tui store
GENESIS_HASH = "0" * 64
STORE_FILE_MODE = 0o640
LOW_DISK_BYTES = 1 << 20  # below this, an I/O error opening or writing the store is a full disk
# How long a till waits for another till's write to finish. SQLite's busy retry is unfair under
# saturation (single waits of seconds were measured): a sale should wait rather than fail.
BUSY_TIMEOUT_MS = 15000


def migrations_dir() -> Path:
    """The SQL migrations: inside the wheel as ``pos_tui/_db``, in a checkout as ``db/``."""
    packaged = Path(__file__).resolve().parent.parent / "_db"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "db"


def migration_files() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(migrations_dir().glob("[0-9][0-9][0-9][0-9]_*.sql")):
        found.append((int(path.name[:4]), path))
    return found


SCHEMA_VERSION = max(version for version, _ in migration_files())


@dataclass(frozen=True)
class JournalHead:
    seq: int
    hash: str


@dataclass(frozen=True)
class StoreInfo:
    store_id: str
    name: str
    currency: str
    exponent: int
    symbol: str
    timezone: str
    day_starts_at_hour: int
    tax_id: str
    address: tuple[str, ...]


def _connect(path: Path, *, read_only: bool) -> SqliteDatabase:
    pragmas: dict[str, object] = {
        "journal_mode": "wal",
        "synchronous": "full",
        "foreign_keys": 1,
        "busy_timeout": BUSY_TIMEOUT_MS,
        # Deleted rows are zeroed, not left in free space: a forgotten customer's details must leave the file.
        "secure_delete": 1,
    }
    if read_only:
        pragmas["query_only"] = 1
    return SqliteDatabase(
        str(path), lock_type="IMMEDIATE", timeout=BUSY_TIMEOUT_MS / 1000, pragmas=pragmas, autoconnect=True
    )


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT on the raw connection (autocommit mode), or a savepoint inside an open
    transaction; rolled back on any exception. What peewee's ``atomic()`` did, without its Python
    bookkeeping around every sale (its cursor wrappers, transaction stack and callbacks)."""
    if conn.in_transaction:
        name = f"s{next(_SAVEPOINTS)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:  # some errors (a full disk) end the whole transaction themselves
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


_SAVEPOINTS = itertools.count(1)


class Ledger:
    """An open store database. Thread-safe in the peewee way: one connection per thread."""

    def __init__(self, path: Path, db: SqliteDatabase, *, read_only: bool) -> None:
        self.path = path
        self.db = db
        self.read_only = read_only
        self._store: StoreInfo | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's raw connection, for the hot paths (prepared statements, executemany)."""
        connection: sqlite3.Connection = self.db.connection()  # type: ignore[no-untyped-call]
        return connection

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE); nested calls join the outer one as savepoints."""
        if self.read_only:
            raise LedgerError(
                "This session is read-only: nothing can be changed from here.",
                "Log in at a till to sell or change stock.",
            )
        try:
            with _transaction(self.conn) as conn:
                yield conn
        # peewee re-raises what BEGIN and COMMIT hit as its own OperationalError, not sqlite3's.
        except (sqlite3.OperationalError, peewee.OperationalError) as error:
            if "locked" in str(error) or "busy" in str(error):
                raise LedgerError(
                    "The database is busy with another till and did not free up in time.",
                    "Nothing was saved; try again in a moment.",
                ) from error
            on_disk = disk_error(self.path, error)
            if on_disk is not None:
                raise on_disk from error
            if "readonly" in str(error) or "read-only" in str(error) or "query_only" in str(error):
                raise LedgerError(
                    "The database refused to change: this session is read-only.",
                    "Log in at a till to make changes.",
                ) from error
            raise

    def head(self) -> JournalHead:
        row = self.conn.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
        return JournalHead(0, GENESIS_HASH) if row is None else JournalHead(row[0], row[1])

    def store_info(self) -> StoreInfo:
        if self._store is None:
            row = self.conn.execute(
                "SELECT store_id, name, currency, exponent, symbol, timezone, day_starts_at_hour, tax_id,"
                " address FROM store"
            ).fetchone()
            if row is None:
                raise LedgerError(
                    f"{self.path} has no store yet.", "Create one with `pos init` or `pos demo`."
                )
            store_id, name, currency, exponent, symbol, timezone, cutoff, tax_id, address = row
            self._store = StoreInfo(
                store_id, name, currency, exponent, symbol, timezone, cutoff, tax_id, tuple(json.loads(address))
            )
        return self._store

    def forget_store_info(self) -> None:
        self._store = None

    def schema_version(self) -> int:
        version: int = self.conn.execute("PRAGMA user_version").fetchone()[0]
        return version

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()


def disk_error(path: Path, error: Exception) -> LedgerError | None:
    """A sentence for an error of the disk under ``path`` rather than of the file (full, failing);
    None for any other error. SQLite reports a full disk as SQLITE_FULL only when a write runs out:
    a reader that cannot make its ``-shm`` file says "disk I/O error", so the free space decides."""
    code = getattr(error, "sqlite_errorcode", None)
    text = str(error)
    io_error = code == sqlite3.SQLITE_IOERR or (code or 0) & 0xFF == sqlite3.SQLITE_IOERR or "disk I/O error" in text
    full = code == sqlite3.SQLITE_FULL or "disk is full" in text
    if not (full or io_error):
        return None
    if full or _free_bytes(path.parent) < LOW_DISK_BYTES:
        return LedgerError(
            f"The disk holding {path} is full, so the store cannot be opened or changed; nothing was saved.",
            "Free space on that disk (old backups, logs, *.replaced-* files), then try again.",
        )
    return LedgerError(f"The disk holding {path} failed to read or write ({text}).",
                       "Check the disk (dmesg); restore the newest snapshot onto a good one if it is failing.")


def _free_bytes(directory: Path) -> int:
    try:
        return shutil.disk_usage(directory).free
    except OSError:
        return 0


def _check_ours(path: Path, conn: sqlite3.Connection) -> int:
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise disk_error(path, error) or LedgerError(
            f"{path} is not a database file ({error}).", "Check the path; pass the store database with --db."
        ) from error
    if app_id != APPLICATION_ID:
        raise LedgerError(
            f"{path} is an SQLite database, but not a pos_tui store.",
            "Check the path; create a store with `pos init --db PATH`.",
        )
    if version > SCHEMA_VERSION:
        raise LedgerError(
            f"{path} has schema version {version}; this pos_tui knows up to {SCHEMA_VERSION}.",
            "Upgrade pos_tui before opening this store.",
        )
    return version


def stored_schema_version(path: Path) -> int:
    """The schema version of the store at ``path``, refusing a file that is not a store of ours."""
    if not path.exists():
        raise LedgerError(
            f"There is no store database at {path}.", "Create one with `pos init --db PATH` or `pos demo`."
        )
    if path.is_dir():
        raise LedgerError(f"{path} is a directory, not a store database.",
                          f"Pass the database file itself, e.g. --db {path / 'pos.db'}.")
    # Check with a plain connection first: peewee's connect applies pragmas (WAL) that would rewrite
    # the header of a file that is not ours, and would fail on a non-database without our sentence.
    try:
        probe = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise disk_error(path, error) or LedgerError(
            f"Cannot open {path} ({error}).", "Check the path and that this user may read it."
        ) from error
    try:
        return _check_ours(path, probe)
    finally:
        probe.close()


def open_ledger(path: Path, *, read_only: bool = False, migrate: bool = False) -> Ledger:
    """Open an existing store. An older schema is migrated only when ``migrate`` is asked for."""
    path = Path(path)
    version = stored_schema_version(path)
    ledger = Ledger(path, _connect(path, read_only=read_only), read_only=read_only)
    try:
        if version < SCHEMA_VERSION:
            if not migrate:
                raise LedgerError(
                    f"{path} has schema version {version}; this pos_tui needs {SCHEMA_VERSION}.",
                    "Run `pos db migrate` (a snapshot is taken first when backups are configured).",
                )
            apply_migrations(ledger, version)
    except BaseException:
        ledger.close()
        raise
    return ledger


def create_ledger(path: Path) -> Ledger:
    """A new, empty store database with the current schema."""
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        raise LedgerError(f"{path} already exists.", "Choose another path, or open the existing store.")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Made 0640 before SQLite opens it (SQLite gives its -wal and -shm the same mode): the till's user
    # writes, the group pos-data (a manager's read-only seat, backups) reads, others nothing.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, STORE_FILE_MODE)
    try:
        os.fchmod(fd, STORE_FILE_MODE)  # whatever the umask
    finally:
        os.close(fd)
    ledger = Ledger(path, _connect(path, read_only=False), read_only=False)
    ledger.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    apply_migrations(ledger, 0)
    return ledger


def apply_migrations(ledger: Ledger, from_version: int) -> list[int]:
    """Apply every migration above ``from_version``, each in its own transaction."""
    applied = []
    for version, path in migration_files():
        if version <= from_version:
            continue
        script = path.read_text(encoding="utf-8")
        conn = ledger.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _split_sql(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            conn.execute("ROLLBACK")
            raise LedgerError(
                f"Migration {path.name} failed ({error}); it was rolled back and the store is unchanged.",
                "Keep this store as it is and report the message; restore a snapshot if it will not open.",
            ) from error
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def _split_sql(script: str) -> list[str]:
    """Statements of a migration; ``complete_statement`` keeps trigger bodies whole."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if not buffer and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
