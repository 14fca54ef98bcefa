"""What every `pos` command shares: finding the settings and the database, and reporting errors.

Commands print a person-readable sentence and exit non-zero on any `PosError`; a traceback never
reaches the terminal of a till.
"""

from __future__ import annotations

import csv
import functools
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from pos_tui.domain.errors import PosError

if TYPE_CHECKING:  # the config models and the session load only when a command opens a store
    from pos_tui.config import Settings
    from pos_tui.services.session import Session

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


def command_group(**options: object) -> typer.Typer:
    """A group of `pos` commands. Help is plain text: rich's help panels cost more to import than the
    rest of a command's start-up (a tenth of a second on a till's CPU) and read the same over SSH."""
    settings: dict[str, object] = {"no_args_is_help": True, "rich_markup_mode": None, "add_completion": False,
                                   "pretty_exceptions_enable": False}
    return typer.Typer(**{**settings, **options})  # type: ignore[arg-type]


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


@dataclass
class ProcessOptions:
    """Options that hold for the whole `pos` process rather than for one command."""

    read_only: bool = False  # `pos --read-only ...`: nothing this process opens may be written


PROCESS = ProcessOptions()


class ReadOnlyRefusal(PosError):
    pass


def refuse_when_read_only(what: str) -> None:
    """For a command that writes without opening the store through ``session_from`` (a new store, a
    restore, a print job): under ``--read-only`` it stops here, having changed nothing."""
    if PROCESS.read_only:
        raise ReadOnlyRefusal(f"{what} writes, and this `pos` was started with --read-only; nothing was changed. "
                              "Run it again without --read-only.")


def settings_from(config: Path | None) -> Settings:
    from pos_tui.config import load_settings

    return load_settings(config)


def session_from(
    db: Path | None, config: Path | None, *, user: str = "system", read_only: bool = False
) -> Session:
    from pos_tui.services.session import open_session

    settings = settings_from(config)
    return open_session(settings, db, username=user, read_only=read_only or PROCESS.read_only)


def print_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Comma-separated values with a header on stdout, one line ending the same on every system."""
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(header)
    out.writerows(rows)
