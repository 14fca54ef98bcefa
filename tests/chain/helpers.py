"""Waiting on the chain's state (a row in the till's file or in head office's database), never on a clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pos_tui.ledger.database import open_ledger
from pos_tui.services.chain import outbox

T = TypeVar("T")
DEADLINE_S = 180.0


def wait_for(what: str, probe: Callable[[], T | None], deadline_s: float = DEADLINE_S) -> T:
    """``probe()`` once it returns something truthy; fails the test with ``what`` if it never does."""
    end = time.monotonic() + deadline_s
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > end:
            raise AssertionError(f"waited {deadline_s} s for {what}")
        time.sleep(0.05)


def sync_state(db: Path) -> outbox.SyncState | None:
    ledger = open_ledger(db, read_only=True)
    try:
        return outbox.sync_state(ledger)
    finally:
        ledger.close()


def acked_seq(db: Path) -> int:
    state = sync_state(db)
    return state.acked_seq if state else 0
