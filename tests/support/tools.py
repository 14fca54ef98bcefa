"""What some tests need from the machine (outside tools used as oracles, fonts, a real tmpfs):
present, or a failure under CI (`.ci/run` installs it and runs as root), or a skip on a laptop."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest


def _missing(what: str, ci_fix: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{what}; {ci_fix}")
    pytest.skip(f"{what} (CI has it)")


def require_tool(name: str) -> str:
    """The path of ``name``; under CI a missing tool fails the test instead of skipping it."""
    found = shutil.which(name)
    if found:
        return found
    _missing(f"{name} is not installed", ".ci/run must apt-get it.")


def require_file(path: Path, package: str) -> Path:
    """``path`` from a Debian ``package``; under CI its absence fails the test."""
    if not path.is_file():
        _missing(f"{path.name} is not installed", f".ci/run must apt-get {package}.")
    return path


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A real tmpfs of ``size`` mounted at ``where`` (needs root: CI runs as root)."""
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if mounted.returncode != 0:
        _missing(f"cannot mount a tmpfs here ({mounted.stderr.decode(errors='replace').strip()})",
                 "CI must run the tests as root.")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)
