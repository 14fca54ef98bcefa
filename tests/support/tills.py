"""Starting seller processes (tests/support/seller.py) against a store file."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SELLER = Path(__file__).with_name("seller.py")


@dataclass(frozen=True)
class TillResult:
    terminal: str
    sold: list[int]
    refused: list[str]
    errors: list[str]
    stderr: str


def start_till(db: Path, terminal: str, count: int, *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(SELLER), str(db), terminal, str(count), *options],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_tills(db: Path, terminals: list[str], count: int, *options: str, timeout: float = 120) -> list[TillResult]:
    """Start one seller per terminal at once, wait for all, and read what each one did."""
    processes = [start_till(db, terminal, count, *options) for terminal in terminals]
    results = []
    for terminal, process in zip(terminals, processes, strict=True):
        out, err = process.communicate(timeout=timeout)
        assert process.returncode == 0, f"till {terminal} crashed:\n{err}"
        summary = json.loads(out.strip().splitlines()[-1])
        results.append(TillResult(terminal, summary["sold"], summary["refused"], summary["errors"], err))
    return results
