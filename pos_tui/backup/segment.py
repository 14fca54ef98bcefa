"""``pos backup segment``: the journal entries since the last snapshot or segment, encrypted and signed.

A segment's manifest names the manifest it follows (``previous``) and the journal hash it starts
from (``base_hash``), so segments form a chain from a snapshot that point-in-time restore walks.
Run every few minutes, it bounds what a dead SD card can take to one interval.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pos_tui.backup.atomic import destination_lock, remove_stale_temps
from pos_tui.backup.catalog import CatalogEntry, scan_all
from pos_tui.backup.keys import key_id, load_signing_key, parse_recipients
from pos_tui.backup.ledger_facts import LedgerFacts, facts_of, hash_at, opened
from pos_tui.backup.manifest import FileDigest, Manifest
from pos_tui.backup.naming import make_name
from pos_tui.backup.snapshot import BackupJob, create_snapshot
from pos_tui.backup.writer import WriteResult, publish_backup
from pos_tui.ledger.journal import entries_after, entry_to_json

if TYPE_CHECKING:
    from pos_tui.ledger.database import Ledger


def latest_matching(entries: list[CatalogEntry], ledger: Ledger, facts: LedgerFacts) -> CatalogEntry | None:
    """The newest verified snapshot or segment of this store whose head is in this journal."""
    found = None
    for entry in entries:
        manifest = entry.manifest
        if not entry.usable or manifest is None or manifest.store_id != facts.store_id:
            continue
        in_journal = manifest.head_seq <= facts.head_seq and hash_at(ledger, manifest.head_seq) == manifest.head_hash
        if in_journal and (found is None or entry.created_at > found.created_at):
            found = entry
    return found


def create_segment(job: BackupJob, now: datetime | None = None) -> tuple[str, WriteResult | None]:
    """Write the entries since the last backup. Returns what happened: "segment", "snapshot" (no
    snapshot of this journal existed yet, so one was made instead) or "nothing" (no new entries)."""
    recipients = parse_recipients(job.settings.recipients)
    signing_key = load_signing_key(job.signing_key_path())
    created = (now or datetime.now(UTC)).astimezone(UTC)
    with (
        destination_lock(job.work_dir),
        tempfile.SpooledTemporaryFile(max_size=32 << 20, mode="w+b", dir=str(job.work_dir)) as spool,
    ):
        remove_stale_temps(job.work_dir)
        with opened(job.database) as ledger:
            facts = facts_of(ledger)
            base = latest_matching(scan_all(job.destinations, signing_key.public_key()), ledger, facts)
            if base is not None and base.manifest is not None and base.manifest.head_seq == facts.head_seq:
                return "nothing", None
            last = None
            if base is not None and base.manifest is not None:
                for entry in entries_after(ledger, base.manifest.head_seq):
                    if entry.seq > facts.head_seq:
                        break
                    spool.write(entry_to_json(entry) + b"\n")
                    last = entry
        if base is None or base.manifest is None or last is None:
            return "snapshot", create_snapshot(job, created, lock_held=True)
        previous, end = base.manifest, last
        name = make_name(created, "segment", job.terminal, facts.store_id)

        def manifest_for(plain: FileDigest, cipher: FileDigest) -> Manifest:
            return Manifest(
                kind="segment",
                payload=name.payload_name,
                created_at=created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                store_id=facts.store_id,
                store_name=facts.store_name,
                terminal=job.terminal,
                schema_version=facts.schema_version,
                application_id=facts.application_id,
                head_seq=end.seq,
                head_hash=end.hash,
                head_at=end.at,
                first_seq=previous.head_seq + 1,
                base_hash=previous.head_hash,
                plaintext=plain,
                ciphertext=cipher,
                recipients=job.recipient_keys(),
                previous=previous.digest(),
                signer=key_id(signing_key.public_key()),
            )

        result = publish_backup(spool, name, manifest_for, job.destinations, recipients, signing_key)  # type: ignore[arg-type]
        return "segment", result
