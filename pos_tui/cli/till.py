"""Opening the till: the Textual app on the configured store, imported only when the till opens."""

from __future__ import annotations

import os
from pathlib import Path


def open_till(db: Path | None, config: Path | None, *, read_only: bool) -> None:
    from pos_tui.config import load_settings
    from pos_tui.tui.app import run_app  # imported only here: the other commands never load Textual

    settings = load_settings(config)
    run_app(settings, db_path=db, read_only=read_only, demo=os.environ.get("POS_DEMO") == "1",
            keymap=settings.keymap)
