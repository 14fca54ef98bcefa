"""``pos backup prune``: apply the retention policy to each destination.

Snapshots are kept by the policy (``prune_policy``); a segment stays while the snapshot its chain
grows from stays, because without that base it cannot be replayed. Payloads left without a manifest
by an interrupted job are removed. Files whose signature does not verify are never touched: they are
evidence, and a person should look at them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pos_tui.backup.atomic import destination_lock, fsync_dir, remove_stale_temps
from pos_tui.backup.catalog import CatalogEntry, scan
from pos_tui.backup.prune_policy import plan_prune

if TYPE_CHECKING:
    from pos_tui.backup.settings import RetentionPolicy


@dataclass
class PruneReport:
    """What prune did (or would do) in one destination."""

    directory: Path
    kept: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)


def _root(entry: CatalogEntry, by_digest: dict[str, CatalogEntry]) -> CatalogEntry | None:
    seen = set()
    current: CatalogEntry | None = entry
    while current is not None and current.manifest is not None and current.manifest.kind == "segment":
        previous = current.manifest.previous
        if previous in seen:
            return None
        seen.add(previous)
        current = by_digest.get(previous)
    return current


def prune_destination(
    directory: Path,
    trusted: Ed25519PublicKey,
    policy: RetentionPolicy,
    *,
    tz: tzinfo | None = None,
    dry_run: bool = False,
) -> PruneReport:
    report = PruneReport(directory)
    with destination_lock(directory):
        if not dry_run:
            remove_stale_temps(directory)
        entries = scan(directory, trusted)
        usable = [e for e in entries if e.usable and e.manifest is not None]
        by_digest = {e.manifest.digest(): e for e in usable if e.manifest is not None}
        keep: set[Path] = set()
        stores = {e.manifest.store_id for e in usable if e.manifest is not None}
        for store in stores:
            snapshots = [
                e for e in usable if e.manifest and e.manifest.kind == "snapshot" and e.manifest.store_id == store
            ]
            plan = plan_prune([e.created_at for e in snapshots], policy, tz)
            kept_times = set(plan.keep)
            keep |= {e.payload for e in snapshots if e.created_at in kept_times}
        for entry in usable:
            if entry.manifest is not None and entry.manifest.kind == "segment":
                root = _root(entry, by_digest)
                if root is not None and root.payload in keep:
                    keep.add(entry.payload)
        doomed: list[CatalogEntry] = []
        for entry in entries:
            if entry.payload in keep:
                report.kept.append(entry.payload)
            elif entry in usable or entry.manifest_path is None:
                doomed.append(entry)
            else:
                report.left_alone.append(f"{entry.payload.name}: {entry.problem}")
        for entry in doomed:
            report.removed.append(entry.payload)
            if not dry_run:
                if entry.manifest_path is not None:
                    entry.manifest_path.unlink(missing_ok=True)  # manifest first: never a manifest
                entry.payload.unlink(missing_ok=True)  # without its payload
        if doomed and not dry_run:
            fsync_dir(directory)
    return report
