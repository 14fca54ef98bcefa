"""File names of snapshots and segments: sortable by time, saying what they are, never reused.

``pos-20251121T133400123456Z-snapshot-T1-1a2b3c4d.sqlite.age`` is an age file that decrypts to a
SQLite database; ``...-segment-...jsonl.age`` decrypts to journal entries, one JSON object a line.
Beside each sits ``<stem>.manifest.json``, the signed manifest. Files being written start with a dot
and end in ``.tmp``, so no reader ever mistakes a half-written file for a finished one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

Kind = Literal["snapshot", "segment"]

PAYLOAD_SUFFIX: dict[Kind, str] = {"snapshot": ".sqlite.age", "segment": ".jsonl.age"}
MANIFEST_SUFFIX = ".manifest.json"
TEMP_PREFIX = ".pos-backup-"
TEMP_SUFFIX = ".tmp"
STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"

_STEM = re.compile(
    r"^pos-(?P<stamp>\d{8}T\d{12}Z)-(?P<kind>snapshot|segment)-(?P<terminal>[A-Za-z0-9_]+)-(?P<store>[0-9a-f]{8})$"
)


@dataclass(frozen=True)
class BackupName:
    """The parts of a snapshot or segment file name."""

    created_at: datetime
    kind: Kind
    terminal: str
    store_prefix: str

    @property
    def stem(self) -> str:
        stamp = self.created_at.astimezone(UTC).strftime(STAMP_FORMAT)
        return f"pos-{stamp}-{self.kind}-{self.terminal}-{self.store_prefix}"

    @property
    def payload_name(self) -> str:
        return self.stem + PAYLOAD_SUFFIX[self.kind]

    @property
    def manifest_name(self) -> str:
        return self.stem + MANIFEST_SUFFIX


def make_name(created_at: datetime, kind: Kind, terminal: str, store_id: str) -> BackupName:
    """The name for a new file; the terminal is reduced to letters, digits and underscores."""
    safe_terminal = re.sub(r"[^A-Za-z0-9_]", "_", terminal) or "till"
    store_prefix = re.sub(r"[^0-9a-f]", "", store_id.lower())[:8].ljust(8, "0")
    return BackupName(created_at.astimezone(UTC), kind, safe_terminal, store_prefix)


def parse_name(file_name: str) -> BackupName | None:
    """The parts of a payload or manifest name, or None for a file that is not one of ours."""
    for suffix in (MANIFEST_SUFFIX, *PAYLOAD_SUFFIX.values()):
        if file_name.endswith(suffix):
            match = _STEM.match(file_name[: -len(suffix)])
            if match is None:
                return None
            kind: Kind = "snapshot" if match["kind"] == "snapshot" else "segment"
            if suffix != MANIFEST_SUFFIX and suffix != PAYLOAD_SUFFIX[kind]:
                return None
            created = datetime.strptime(match["stamp"], STAMP_FORMAT).replace(tzinfo=UTC)
            return BackupName(created, kind, match["terminal"], match["store"])
    return None


def manifest_path_for(payload: Path) -> Path:
    """The manifest that sits beside a payload file (or the manifest itself)."""
    name = parse_name(payload.name)
    if name is None:
        raise ValueError(f"{payload.name} is not a pos_tui backup file name")
    return payload.with_name(name.manifest_name)


def payload_path_for(manifest: Path) -> Path:
    """The payload a manifest describes."""
    name = parse_name(manifest.name)
    if name is None:
        raise ValueError(f"{manifest.name} is not a pos_tui backup file name")
    return manifest.with_name(name.payload_name)
