"""Outside tools the tests use as oracles: present, or a failure under CI, or a skip on a laptop."""

from __future__ import annotations

import os
import shutil

import pytest


def require_tool(name: str) -> str:
    """The path of ``name``; under CI a missing tool fails the test instead of skipping it."""
    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{name} is not installed; .ci/run must apt-get it.")
    pytest.skip(f"{name} is not installed (CI installs it)")
