"""Shared parts for the backup stories: real keys, real SQLite files, the real age CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_tui.backup.keys import GeneratedKeys, generate_keys
from tests.backup.till_setup import Till, set_up_till
from tests.support.tools import require_tool


@pytest.fixture
def keys(tmp_path: Path) -> GeneratedKeys:
    """A fresh admin identity, till recipient and till signing key, as keygen writes them."""
    return generate_keys(tmp_path / "keys")


@pytest.fixture
def age_cli() -> str:
    """The Debian age binary. Missing it fails the test under CI (env CI set) and skips locally."""
    return require_tool("age")


@pytest.fixture
def till(tmp_path: Path) -> Till:
    """A stocked store with keys, config and two backup destinations."""
    return set_up_till(tmp_path / "till")
