"""Opening the till: the Textual app on the configured store, imported only when the till opens."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def open_till(db: Path | None, config: Path | None, *, read_only: bool) -> None:
    from pos_tui.config import load_settings
    from pos_tui.tui.app import run_app  # imported only here: the other commands never load Textual

    settings = load_settings(config)
    from pos_tui.backup.leftovers import clear_restore_leftovers  # a killed restore's plaintext copy goes first

    for leftover in clear_restore_leftovers(db or settings.database.path):
        print(leftover.sentence(), file=sys.stderr)
    run_app(settings, db_path=db, read_only=read_only, demo=os.environ.get("POS_DEMO") == "1",
            keymap=settings.keymap)
