"""``pos backup restore``: verify first, replay segments for a point in time, then swap in.

Nothing is changed until the restored database has passed every check: the decrypted copy lives
in a private (0700) directory beside the live database (``backup.leftovers``), segments are replayed
into that copy, the person restoring is told what the live file holds beyond the restore point and
asked, and only then is the live file moved aside (``*.replaced-<time>``) and the copy renamed into
its place.
A snapshot of the live database is taken just before the swap, and one of the restored database
just after, so the next segments chain onto the restored journal, not onto the old one.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pos_tui.backup.atomic import destination_lock, remove_stale_temps
from pos_tui.backup.catalog import CatalogEntry, scan_all, usable_by_digest
from pos_tui.backup.errors import BackupError, NothingToRestore, OtherStore
from pos_tui.backup.ledger_facts import require_verified
from pos_tui.backup.leftovers import private_workdir, remove_locked
from pos_tui.backup.manifest import Manifest
from pos_tui.backup.moments import journal_time
from pos_tui.backup.snapshot import BackupJob, create_snapshot
from pos_tui.backup.swap import in_use_error, other_process_has_open, replace_database
from pos_tui.backup.verify import Trust, read_segment, trusted_manifest, verified_snapshot
from pos_tui.ledger.entry import JournalEntry
from pos_tui.ledger.journal import parse_time
from pos_tui.ledger.replay import ChainBroken, import_entries

if TYPE_CHECKING:
    from pos_tui.backup.manifest import Manifest
    from pos_tui.ledger.entry import JournalEntry


@dataclass
class RestoreResult:
    """What was restored, and where the old database went."""

    snapshot: Manifest
    head_seq: int
    head_hash: str
    replayed: int = 0
    segments: list[Path] = field(default_factory=list)
    replaced: Path | None = None
    notes: list[str] = field(default_factory=list)


def choose_for_time(entries: Sequence[CatalogEntry], at: datetime, store_id: str | None) -> list[CatalogEntry]:
    """The newest snapshot whose last journal entry is at or before ``at`` (so it holds nothing
    later), then the chain of segments that follow it until one reaches past ``at``."""
    usable = usable_by_digest(entries)
    snapshots = [
        e
        for e in usable.values()
        if e.manifest is not None
        and e.manifest.kind == "snapshot"
        and (not e.manifest.head_at or journal_time(e.manifest.head_at) <= at)
        and (store_id is None or e.manifest.store_id == store_id)
    ]
    if not snapshots:
        raise NothingToRestore(
            f"No verified snapshot of this store was made before {at:%Y-%m-%d %H:%M:%S} UTC.",
            "Run `pos backup list` to see what there is, and pick a later time or a file.",
        )
    chain = [max(snapshots, key=lambda e: e.created_at)]
    while True:
        tip = chain[-1].manifest
        assert tip is not None
        if tip.kind == "segment" and journal_time(tip.head_at) > at:
            return chain
        digest = tip.digest()
        children = [e for e in usable.values() if e.manifest is not None and e.manifest.previous == digest]
        if not children:
            return chain
        chain.append(min(children, key=lambda e: e.created_at))


def live_store_id(db: Path) -> str | None:
    """The store id of the live database, or None if there is none or it cannot be read (a dead
    card, not a store). Read with plain SQLite so an older schema still answers."""
    if not db.exists():
        return None
    try:
        connection = sqlite3.connect(db, timeout=1)  # read-write only so that close() tidies -wal/-shm
        try:
            connection.execute("PRAGMA query_only = 1")
            row = connection.execute("SELECT store_id FROM store").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return None if row is None else str(row[0])


@dataclass(frozen=True)
class LiveBeyond:
    """What the live database holds that the restored one will not: the journal entries after the
    restore point, and the last sale among them."""

    entries: int
    after_seq: int
    last_sale: str = ""  # "T1-000123 at 2026-12-07 14:05" (store time), "" when none of them is a sale

    def sentence(self, db: Path) -> str:
        sale = f", the last sale {self.last_sale}" if self.last_sale else ", none of them a sale"
        return (f"{db.name} holds {self.entries} journal entr{'y' if self.entries == 1 else 'ies'} beyond the restore "
                f"point (seq {self.after_seq}){sale}. Restoring drops them from the live store (the old file is kept "
                f"as {db.name}.replaced-<time>).")


def live_beyond(db: Path, restored_seq: int) -> LiveBeyond | None:
    """What ``db`` holds after ``restored_seq``; None when nothing (or when it cannot be read: a dead
    card has nothing to lose by being replaced). Plain SQLite, read only, closed before the swap."""
    if not db.exists():
        return None
    try:
        connection = sqlite3.connect(db, timeout=1)
        try:
            connection.execute("PRAGMA query_only = 1")
            count, = connection.execute("SELECT COUNT(*) FROM journal WHERE seq > ?", (restored_seq,)).fetchone()
            sale = connection.execute(
                "SELECT terminal, number, at FROM sales WHERE seq > ? ORDER BY seq DESC LIMIT 1", (restored_seq,)
            ).fetchone()
            zone = connection.execute("SELECT timezone FROM store").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    if not count:
        return None
    last_sale = ""
    if sale is not None:
        at = parse_time(sale[2]).astimezone(ZoneInfo(zone[0]) if zone else None)
        last_sale = f"{sale[0]}-{sale[1]:06d} at {at:%Y-%m-%d %H:%M}"
    return LiveBeyond(int(count), restored_seq, last_sale)


Confirm = Callable[[LiveBeyond], bool]


def entries_until(segments: Sequence[Path], trust: Trust, at: datetime) -> list[JournalEntry]:
    """The segments' entries in order, up to and including the last one at or before ``at``."""
    taken: list[JournalEntry] = []
    for segment in segments:
        _, entries = read_segment(segment, trust)
        for entry in entries:
            if journal_time(entry.at) > at:
                return taken
            taken.append(entry)
    return taken


def restore(
    db: Path,
    trust: Trust,
    *,
    snapshot: Path | None = None,
    at: datetime | None = None,
    search: Sequence[Path] = (),
    other_store: bool = False,
    job: BackupJob | None = None,
    confirm: Confirm | None = None,
) -> RestoreResult:
    """Restore ``snapshot`` (or the newest one before ``at`` plus its segments) over ``db``.

    When the live database holds journal entries beyond the restore point, ``confirm`` is asked
    (with what would be dropped) before anything is replaced; False stops the restore, changing
    nothing. Without ``confirm`` the restore goes ahead (``--yes``)."""
    with destination_lock(db.parent):
        remove_stale_temps(db.parent)
        remove_locked(db.parent)  # what an earlier, stopped restore left
        workdir = private_workdir(db.parent)
        try:
            return _restore_locked(db, trust, workdir, snapshot=snapshot, at=at, search=search,
                                   other_store=other_store, job=job, confirm=confirm)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def _restore_locked(
    db: Path,
    trust: Trust,
    workdir: Path,
    *,
    snapshot: Path | None,
    at: datetime | None,
    search: Sequence[Path],
    other_store: bool,
    job: BackupJob | None,
    confirm: Confirm | None,
) -> RestoreResult:
    if db.exists() and other_process_has_open(db):
        raise in_use_error(db)
    live_store = live_store_id(db)
    segments: list[Path] = []
    if snapshot is None:
        if at is None:
            raise BackupError("Say what to restore.", 'Pass a snapshot file, or --at "YYYY-MM-DD HH:MM".')
        chain = choose_for_time(scan_all(search, trust.signer), at, None if other_store else live_store)
        snapshot, segments = chain[0].payload, [entry.payload for entry in chain[1:]]
    manifest = trusted_manifest(snapshot, trust)
    if live_store is not None and manifest.store_id != live_store and not other_store:
        raise OtherStore(
            f"{snapshot.name} is a snapshot of store {manifest.store_name!r} ({manifest.store_id[:8]}), "
            f"not of the store in {db.name}.",
            "Check you picked the right file; to replace this store with that one on purpose, add --other-store.",
        )
    with verified_snapshot(snapshot, trust, workdir) as (checked_manifest, ledger):
        result = RestoreResult(checked_manifest, checked_manifest.head_seq, checked_manifest.head_hash)
        if at is not None:
            entries = [e for e in entries_until(segments, trust, at) if e.seq > checked_manifest.head_seq]
            try:
                result.replayed = import_entries(ledger, entries)
            except ChainBroken as error:
                raise BackupError(
                    f"The journal segments after {snapshot.name} do not follow on from it: {error.message}",
                    "Restore the snapshot alone (pass the file) and report the damaged segments.",
                ) from error
            result.segments = segments
            require_verified(ledger, "The database replayed up to the chosen time")
            head = ledger.head()
            result.head_seq, result.head_hash = head.seq, head.hash
        ledger.close()  # SQLite folds the copy's -wal into it on the last close
        dropped = live_beyond(db, result.head_seq)
        if dropped is not None and confirm is not None and not confirm(dropped):
            raise BackupError("Nothing was restored; the live store is as it was.",
                              "Run the restore again and answer yes, or add --yes, when those entries may go.")
        if job is not None and live_store is not None:
            _snapshot_noting(job, result, "of the database being replaced")
        result.replaced = replace_database(db, ledger.path)
    if job is not None:
        _snapshot_noting(job, result, "of the restored database (the new base for segments)")
    return result


def _snapshot_noting(job: BackupJob, result: RestoreResult, what: str) -> None:
    """A snapshot around a restore; its failure is reported, not fatal (the old file is kept aside)."""
    try:
        create_snapshot(job, lock_held=True)
        result.notes.append(f"Took a snapshot {what}.")
    except BackupError as error:
        result.notes.append(f"Could not take a snapshot {what}: {error}")
