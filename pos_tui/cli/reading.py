"""Opening a store to read it, and saying things on the terminal, without typer or the config models.

What a command that only reads needs of `cli/common.py`, for the commands `pos` runs without typer
(`cli/shortcuts.py`) as well as through it: the same settings, the same tidying after a stopped
restore, the same session as ``common.session_from(db, config, read_only=True)``. With no config
file, the settings are ``DefaultSettings``: the pydantic models load only if the command
reads a setting beyond the database path and the terminal id.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from pathlib import Path

    from pos_tui.config import Settings
    from pos_tui.services.session import Session

RED, YELLOW = 31, 33


class DefaultSettings:
    """``config.Settings()`` (every default), built the first time a setting is read.

    Only for a process with no config file, where nothing can be wrong with the settings, so building
    them later changes no answer. A session opened with it is given the terminal id and the database
    path from `config_file`, so a command that reads a store and nothing else never builds it."""

    _built: Settings | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if self._built is None:
            from pos_tui.config import Settings

            self._built = Settings()
        return getattr(self._built, name)


def say(message: str, colour: int, stream: TextIO | None = None) -> None:
    """``typer.secho(message, fg=colour, err=True)``, byte for byte: coloured on a terminal, plain in a
    pipe or a file (click strips the colour there), flushed."""
    out = stream or sys.stderr
    out.write(f"\x1b[{colour}m{message}\x1b[0m\n" if out.isatty() else f"{message}\n")
    out.flush()


def open_for_reading(db: Path | None, config: Path | None) -> Session:
    """A read-only session on ``db`` (default: the config's database), as ``common.session_from`` opens it."""
    from pos_tui.backup.leftovers import clear_restore_leftovers
    from pos_tui.config_file import DEFAULT_DATABASE_PATH, DEFAULT_TERMINAL_ID, find_config
    from pos_tui.ledger.database import open_ledger
    from pos_tui.services.session import Session

    if find_config(config) is None:
        settings: Settings = DefaultSettings()  # type: ignore[assignment]  # Settings(), built when first read
        path, terminal = db or DEFAULT_DATABASE_PATH, DEFAULT_TERMINAL_ID
    else:  # a file is read and checked whole, as by every command: a broken one is refused the same way
        from pos_tui.config import load_settings

        settings = load_settings(config)
        path, terminal = db or settings.database.path, settings.terminal.id
    for leftover in clear_restore_leftovers(path):
        say(leftover.sentence(), YELLOW)
    return Session(open_ledger(path, read_only=True), settings, "system", terminal)
