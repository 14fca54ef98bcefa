"""Verify's checkpoint: the replayed projections a passing ``pos db verify --since-witness`` left, so
the next one replays only the entries after it.

What is kept is verify's own scratch replay (``replay.db`` and ``beside.db``: the areas replayed
through their handlers), never a copy of the live tables: every row in it came from the journal's
entries by the handlers, and it was equal row for row to the live tables when it was kept. The derived
areas' rows (the daybook's and the reports' summaries, ``Check.DERIVE``) are kept in ``replay.db``
too: derived in SQL from the whole journal by the run that had no checkpoint, then carried forward
entry by entry through their handlers by each run from a checkpoint. Beside it, ``head.json`` names
the head it holds (seq and hash), the schema version, the checkpoint's format and when it was kept.

A checkpoint is used only if the journal still has that hash at that seq (the chain up to it is
then the one that was replayed, and the whole chain is checked again anyway) and the schema is the
same; else verify replays from the first entry and says why. What a checkpoint cannot prove: a
projection row edited by hand before the checkpoint was kept AND edited the same way in the
checkpoint's files. Keep the checkpoint directory where the till's account cannot write (the
nightly verify's own account), as with the backup destinations.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# The scratch files a checkpoint keeps: the areas replayed in verify's process and those replayed beside it.
KEPT = ("replay.db", "beside.db")
HEAD_FILE = "head.json"
# 2: replay.db holds the derived areas' rows as well (a format-1 checkpoint's are empty: not usable).
FORMAT = 2


@dataclass(frozen=True)
class Checkpoint:
    directory: Path
    seq: int
    hash: str
    kept_at: str  # UTC, ISO 8601 to the second


def default_directory(store: Path) -> Path:
    """Where a store's checkpoint is kept unless told: beside it."""
    return store.with_name(store.name + ".verify-checkpoint")


def usable_checkpoint(conn: sqlite3.Connection, directory: Path, schema_version: int) -> tuple[Checkpoint | None, str]:
    """The checkpoint in ``directory`` if the journal on ``conn`` still holds its head; else None and why not."""
    try:
        head = json.loads((directory / HEAD_FILE).read_text(encoding="utf-8"))
        seq, digest, version = int(head["seq"]), str(head["hash"]), int(head["schema_version"])
        kept_at = str(head["kept_at"])
        kept_format = int(head.get("format", 1))
    except FileNotFoundError:
        return None, "no checkpoint was kept yet"
    except (OSError, ValueError, KeyError, TypeError) as error:
        return None, f"its checkpoint cannot be read ({error})"
    if any(not (directory / name).is_file() for name in KEPT):
        return None, "its checkpoint is incomplete"
    if kept_format != FORMAT:
        return None, f"its checkpoint is of format {kept_format}, this pos keeps format {FORMAT}"
    if version != schema_version:
        return None, f"its checkpoint is of schema version {version}, the store of {schema_version}"
    row = conn.execute("SELECT hash FROM main.journal WHERE seq = ?", (seq,)).fetchone()
    if row is None or row[0] != digest:
        return None, f"the journal no longer has the checkpoint's head at seq {seq} (it was kept at {kept_at})"
    return Checkpoint(directory, seq, digest, kept_at), ""


def start_from(checkpoint: Checkpoint, scratch_dir: Path) -> None:
    """Copy the checkpoint's scratch files into ``scratch_dir``, as the replay's starting state."""
    for name in KEPT:
        shutil.copyfile(checkpoint.directory / name, scratch_dir / name)


def keep(scratch_dir: Path, directory: Path, seq: int, digest: str, schema_version: int) -> None:
    """Keep ``scratch_dir``'s replayed files (closed, equal to the live tables at head ``seq``) as the
    checkpoint. The head file goes first and comes back last, so a run cut short leaves none."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / HEAD_FILE).unlink(missing_ok=True)
    for name in KEPT:
        part = directory / f".{name}.part"
        shutil.copyfile(scratch_dir / name, part)
        os.replace(part, directory / name)
    kept_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    part = directory / f".{HEAD_FILE}.part"
    part.write_text(json.dumps({"seq": seq, "hash": digest, "schema_version": schema_version, "format": FORMAT,
                               "kept_at": kept_at}),
                    encoding="utf-8")
    os.replace(part, directory / HEAD_FILE)
