"""Benchmarks build a big demo store once: the cache names it by its parameters and schema version."""

from __future__ import annotations

import shutil
from pathlib import Path

from pos_tui.config import Settings
from pos_tui.ledger.database import SCHEMA_VERSION, stored_schema_version
from pos_tui.services.demo.cache import cached_demo, demo_name

from .conftest import assert_verifies


def test_a_demo_store_is_built_once_and_then_found_by_its_parameters(tmp_path: Path) -> None:
    first = cached_demo(tmp_path, Settings(), skus=40, days=2, sales_per_day=5)
    assert first.built and first.path.name == demo_name(40, 2, 1, 5, 0)
    assert first.timings["demo_cpu_seconds"] > 0
    again = cached_demo(tmp_path, Settings(), skus=40, days=2, sales_per_day=5)
    assert (again.path, again.built, again.timings) == (first.path, False, first.timings)
    other = cached_demo(tmp_path, Settings(), skus=40, days=2, sales_per_day=5, seed=2)
    assert other.built and other.path != first.path
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".partial") == []
    assert_verifies(first.path)


def test_a_store_cached_by_an_older_schema_is_migrated_on_a_copy_not_built_again(tmp_path: Path) -> None:
    built = cached_demo(tmp_path, Settings(), skus=40, days=2, sales_per_day=5)
    older = tmp_path / demo_name(40, 2, 1, 5, 0, schema=SCHEMA_VERSION - 1)
    built.path.replace(older)
    shutil.move(built.path.with_suffix(".json"), older.with_suffix(".json"))
    found = cached_demo(tmp_path, Settings(), skus=40, days=2, sales_per_day=5)
    assert found.path == built.path and not found.built
    assert found.timings["migrated_from_schema"] == SCHEMA_VERSION - 1
    assert older.exists() and stored_schema_version(found.path) == SCHEMA_VERSION
