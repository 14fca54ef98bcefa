"""Projection of the chain's epochs: which epoch this journal is in, and where each began."""

from __future__ import annotations

import sqlite3
from typing import Any

from pos_tui.ledger.entry import Handler, JournalEntry


def _epoch_started(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO chain_epochs (epoch, started_seq, previous_epoch, previous_head_seq, previous_head_hash,"
        " base_seq, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (p["epoch"], e.seq, p["previous_epoch"], p["previous_head_seq"], p["previous_head_hash"], p["base_seq"],
         p["reason"]),
    )


HANDLERS: dict[str, Handler] = {"chain.epoch_started": _epoch_started}

TABLES: dict[str, str] = {"chain_epochs": "epoch"}
