"""What every `pos` command shares: finding the settings and the database, and reporting errors.

Commands print a person-readable sentence and exit non-zero on any `PosError`; a traceback never
reaches the terminal of a till.
"""

from __future__ import annotations

import csv
import functools
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from pos_tui.config import Settings, load_settings
from pos_tui.domain.errors import PosError
from pos_tui.services.session import Session, open_session

P = ParamSpec("P")
R = TypeVar("R")

DbOption = Annotated[
    Path | None, typer.Option("--db", help="Store database (default: database.path from the config).")
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Config file (default: $POS_CONFIG, /etc/pos/pos.toml, ./config/pos.toml)."),
]
UserOption = Annotated[str, typer.Option("--user", help="Who is doing this (recorded in the journal).")]


def fail(message: str, code: int = 1) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a `PosError` into its sentence on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except PosError as error:
            typer.secho(str(error), fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            sys.exit(130)

    return wrapper


def settings_from(config: Path | None) -> Settings:
    return load_settings(config)


def session_from(
    db: Path | None, config: Path | None, *, user: str = "system", read_only: bool = False
) -> Session:
    settings = settings_from(config)
    return open_session(settings, db, username=user, read_only=read_only)


def print_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Comma-separated values with a header on stdout, one line ending the same on every system."""
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(header)
    out.writerows(rows)
