"""`pos` itself: with no command it opens the till at once, before the command groups are imported.

Importing every group (typer's help, the backup modules, python-escpos's capability tables) cost
more than the till's own start-up, and a till is started far more often than any command is run.
Anything but the till's own options (`--db`, `--config`, `--read-only`) goes to the full command line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

_TILL_OPTIONS = ("--db", "--config")
_TILL_FLAGS = ("--read-only",)


def till_options(argv: Sequence[str]) -> dict[str, str | bool] | None:
    """The till's options when ``argv`` asks for the till alone; None when it names a command or anything else."""
    options: dict[str, str | bool] = {}
    rest = list(argv)
    while rest:
        name, has_value, value = rest.pop(0).partition("=")
        if name in _TILL_FLAGS and not has_value:
            options[name] = True
        elif name in _TILL_OPTIONS and (has_value or rest):
            options[name] = value if has_value else rest.pop(0)
        else:
            return None
    return options


def open_till(db: Path | None, config: Path | None, *, read_only: bool) -> None:
    from pos_tui.config import load_settings
    from pos_tui.tui.app import run_app  # imported only here: the other commands never load Textual

    settings = load_settings(config)
    from pos_tui.backup.leftovers import clear_restore_leftovers  # a killed restore's plaintext copy goes first

    for leftover in clear_restore_leftovers(db or settings.database.path):
        print(leftover.sentence(), file=sys.stderr)
    run_app(settings, db_path=db, read_only=read_only, demo=os.environ.get("POS_DEMO") == "1",
            keymap=settings.keymap)


def main() -> None:
    options = till_options(sys.argv[1:])
    if options is None:
        from pos_tui.cli.main import app

        app()
        return
    from pos_tui.domain.errors import PosError

    db, config = options.get("--db"), options.get("--config")
    try:
        open_till(Path(db) if isinstance(db, str) else None, Path(config) if isinstance(config, str) else None,
                  read_only=bool(options.get("--read-only")))
    except PosError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
