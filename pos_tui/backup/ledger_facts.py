"""What a backup needs to know about a store database, read through the ledger's own API."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pos_tui.backup.errors import SchemaTooNew, UnhealthyDatabase
from pos_tui.domain.errors import LedgerError
from pos_tui.ledger.database import APPLICATION_ID, GENESIS_HASH, SCHEMA_VERSION, Ledger, open_ledger
from pos_tui.ledger.journal import entries_after
from pos_tui.ledger.verify import verify_ledger


@dataclass(frozen=True)
class LedgerFacts:
    """Identity and journal head of one store database (or of a copy of it)."""

    store_id: str
    store_name: str
    schema_version: int
    application_id: int
    head_seq: int
    head_hash: str
    head_at: str


@contextlib.contextmanager
def opened(path: Path, *, read_only: bool = True) -> Iterator[Ledger]:
    """A ledger that is closed again on leaving the block, whatever happens."""
    ledger = open_ledger(path, read_only=read_only)
    try:
        yield ledger
    finally:
        ledger.close()


def facts_of(ledger: Ledger) -> LedgerFacts:
    info = ledger.store_info()
    head = ledger.head()
    head_at = ""
    if head.seq > 0:
        head_at = next(entries_after(ledger, head.seq - 1, batch=1)).at
    return LedgerFacts(info.store_id, info.name, ledger.schema_version(), APPLICATION_ID, head.seq, head.hash, head_at)


def hash_at(ledger: Ledger, seq: int) -> str | None:
    """The hash of entry ``seq`` (genesis for 0), or None if the journal has no such entry."""
    if seq == 0:
        return GENESIS_HASH
    row = ledger.conn.execute("SELECT hash FROM journal WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else str(row[0])


def check_schema(version: int, what: str) -> None:
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"{what} was made by a newer pos_tui (schema {version}; this one knows up to {SCHEMA_VERSION}).",
            "Upgrade pos_tui on this box, then restore it.",
        )


def require_verified(ledger: Ledger, what: str) -> None:
    """Hash chain, balanced postings, projections == replay, stock and sale arithmetic."""
    report = verify_ledger(ledger)
    if not report.ok:
        shown = "; ".join(str(problem) for problem in report.problems[:3])
        raise UnhealthyDatabase(
            f"{what} fails the ledger checks: {shown}.",
            "Do not restore it; use the snapshot before it, or the copy on the other destination.",
        )


def open_checked(path: Path, what: str) -> Ledger:
    """Open a decrypted copy as a store, turning 'not ours' and 'too new' into backup errors."""
    try:
        return open_ledger(path)
    except LedgerError as error:
        if "schema version" in error.message and "knows up to" in error.message:
            raise SchemaTooNew(f"{what}: {error.message}", "Upgrade pos_tui on this box, then restore it.") from error
        raise UnhealthyDatabase(f"{what} is not a usable store: {error.message}", "Use another snapshot.") from error
