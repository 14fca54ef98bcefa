"""Demo stores built once and kept, for benchmarks: one file per set of parameters and schema version.

A million-SKU store with a year of trading takes minutes to build; every benchmark that needs it asks
``cached_demo`` and gets the same file. The name says what the store is (``demo-SKUS-DAYS-PERDAY-LINES-
SEED-sSCHEMA.db``) and a JSON file beside it what building it cost. A store cached by an older schema
with the same parameters is copied and migrated the way `pos db migrate` does rather than built again.
A build that stopped half-way leaves only a ``.partial`` file, which the next call removes.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pos_tui.ledger.database import SCHEMA_VERSION, open_ledger
from pos_tui.services.demo.store import DEFAULT_SALES_PER_DAY, Progress, build_demo

if TYPE_CHECKING:
    from pos_tui.config import Settings


FIXED_LAST_DAY = date(2026, 11, 30)
"""The last trading day of every cached store: the same parameters give the same days."""


@dataclass(frozen=True)
class CachedDemo:
    path: Path
    built: bool  # False: the file was already there (or migrated from an older schema's)
    timings: dict[str, float]  # what building it cost: wall and CPU seconds, in total and by stage


def demo_name(skus: int, days: int, seed: int, sales_per_day: int, lines_per_sale: int,
              schema: int = SCHEMA_VERSION) -> str:
    return f"demo-{skus}-{days}-{sales_per_day}-{lines_per_sale}-{seed}-s{schema}.db"


def cached_demo(
    directory: Path,
    settings: Settings,
    *,
    skus: int,
    days: int,
    seed: int = 1,
    sales_per_day: int = DEFAULT_SALES_PER_DAY,
    lines_per_sale: int = 0,
    progress: Progress | None = None,
) -> CachedDemo:
    """The demo store for these parameters at this code's schema under ``directory``, built if missing.

    The trading ends on a fixed day (the day before the store was first built is not reproducible), so
    the same parameters always describe the same store."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / demo_name(skus, days, seed, sales_per_day, lines_per_sale)
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        return CachedDemo(path, False, dict(json.loads(meta.read_text())))
    older = _older_schema(directory, skus, days, seed, sales_per_day, lines_per_sale)
    partial = path.with_suffix(".partial")
    for stale in directory.glob(partial.name + "*"):
        stale.unlink()
    if older is not None:
        shutil.copyfile(older, partial)
        started, cpu = time.perf_counter(), time.process_time()
        open_ledger(partial, migrate=True).close()
        timings = dict(json.loads(older.with_suffix(".json").read_text()))
        # float-ok: seconds and a schema number in a JSON of timings, not money
        timings |= {"migrated_from_schema": float(_schema_of(older)), "migrate_seconds": time.perf_counter() - started,
                    "migrate_cpu_seconds": time.process_time() - cpu}
        partial.replace(path)
        meta.write_text(json.dumps(timings, indent=2))
        return CachedDemo(path, False, timings)
    timings: dict[str, float] = {}
    report = progress or (lambda stage, done, total: None)
    started, cpu = time.perf_counter(), time.process_time()

    def timed(stage: str, done: int, total: int) -> None:
        timings[f"{stage} seconds"] = time.perf_counter() - started
        timings[f"{stage} cpu_seconds"] = time.process_time() - cpu
        report(stage, done, total)

    build_demo(settings, partial, skus=skus, days=days, seed=seed, sales_per_day=sales_per_day,
               lines_per_sale=lines_per_sale, last_day=FIXED_LAST_DAY, progress=timed)
    timings |= {"demo_seconds": time.perf_counter() - started, "demo_cpu_seconds": time.process_time() - cpu}
    for suffix in ("-wal", "-shm"):  # build_demo closed the store: nothing is left in them
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.replace(path)
    meta.write_text(json.dumps(timings, indent=2))
    return CachedDemo(path, True, timings)


def _schema_of(path: Path) -> int:
    match = re.search(r"-s(\d+)\.db$", path.name)
    return int(match.group(1)) if match else 0


def _older_schema(directory: Path, skus: int, days: int, seed: int, sales_per_day: int,
                  lines_per_sale: int) -> Path | None:
    """The newest cached store with these parameters at an older schema (with its timings), if any."""
    stem = demo_name(skus, days, seed, sales_per_day, lines_per_sale, 0).removesuffix("-s0.db")
    found = [p for p in directory.glob(f"{stem}-s*.db")
             if _schema_of(p) < SCHEMA_VERSION and p.with_suffix(".json").exists()]
    return max(found, key=_schema_of, default=None)
