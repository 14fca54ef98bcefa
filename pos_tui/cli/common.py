"""What every `pos` command shares: finding the settings and the database, and reporting errors.

Commands print a person-readable sentence and exit non-zero on any `PosError`; a traceback never
reaches the terminal of a till.
"""

from __future__ import annotations

import csv
import functools
import getpass
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from pos_tui.domain.errors import InvalidInput, PosError
from pos_tui.domain.permissions import Approval, PermissionRequired, doing

if TYPE_CHECKING:  # the config models, the session and the services load only when a command opens a store
    from pos_tui.config import Settings
    from pos_tui.services.session import Session

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

DbOption = Annotated[
    Path | None, typer.Option("--db", help="Store database (default: database.path from the config).")
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Config file (default: $POS_CONFIG, /etc/pos/pos.toml, ./config/pos.toml)."),
]
UserOption = Annotated[str | None, typer.Option(
    "--user", help="Who is doing this, a user of this store (default: staff.cli_user from the config).")]
ApprovedByOption = Annotated[str | None, typer.Option(
    "--approved-by", "--approver",
    help="A supervisor who approves what --user may not do alone; their PIN is asked for "
         "(read from standard input when it is not a terminal).")]


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


def tidy_after_restore(db: Path) -> None:
    """Remove (or report) the decrypted copy a stopped `pos backup restore` left beside ``db``."""
    from pos_tui.backup.leftovers import clear_restore_leftovers

    for leftover in clear_restore_leftovers(db):
        typer.secho(leftover.sentence(), fg=typer.colors.YELLOW, err=True)


def session_from(
    db: Path | None, config: Path | None, *, user: str = "system", read_only: bool = False
) -> Session:
    from pos_tui.services.session import open_session

    settings = settings_from(config)
    tidy_after_restore(db or settings.database.path)
    return open_session(settings, db, username=user, read_only=read_only or PROCESS.read_only)


def read_pin(prompt: str) -> str:
    """A PIN from the terminal without echo, or one line of standard input when that is not a terminal
    (scripts pipe it in). Never from the command line: argv is visible to every user of the box."""
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise InvalidInput(f"{prompt.rstrip(': ')}: nothing came on standard input, so nothing was done.",
                           "Type it at a terminal, or pipe it in on its own line.")
    return line.rstrip("\r\n")


def new_pin(username: str, unchanged: str) -> str:
    """A new PIN for ``username``: typed twice at a terminal, or one line of standard input."""
    first = read_pin(f"PIN for {username} (4-8 digits): ")
    if sys.stdin.isatty() and read_pin("Again: ") != first:  # piped in, it is given once
        fail(f"The two PINs differ; {unchanged}.")
    return first


def acting_session(db: Path | None, config: Path | None, user: str | None) -> Session:
    """A session for a command that acts: as ``--user`` or the config's ``staff.cli_user``, which must
    be an existing user who may act (``users.acting_user``). Never a built-in name. Under --read-only the
    session is read-only too, so what the command would write is refused by the ledger."""
    from pos_tui.services.session import open_session
    from pos_tui.services.staff.users import acting_user

    settings = settings_from(config)
    username = (user or settings.staff.cli_user).strip()
    if not username:
        raise InvalidInput("Say who is doing this, so the journal can name them: nothing was done.",
                           "Add --user NAME (see `pos user list`), or set staff.cli_user in the config.")
    tidy_after_restore(db or settings.database.path)
    session = open_session(settings, db, username=username, read_only=PROCESS.read_only)
    try:
        acting_user(session)
    except BaseException:
        session.close()
        raise
    return session


def with_approval(session: Session, approved_by: str | None, reason: str, call: Callable[[Approval | None], T]) -> T:
    """Run ``call``; when the user's role lacks the action, get ``approved_by``'s approval the way the till
    does (``authz.approve``: their PIN checked with lockout counting, the approval recorded in the event)."""
    try:
        return call(None)
    except PermissionRequired as needed:
        if not approved_by:
            raise PosError(
                f"{needed.username} may not {doing(needed.action)} alone, so nothing was done.",
                "Add --approved-by NAME for a supervisor who may (their PIN is asked for), or act as one with --user.",
            ) from None
        from pos_tui.services.staff import authz

        pin = read_pin(f"PIN for {approved_by}: ")
        reason = reason.strip() or "approved at the command line"
        approval = authz.approve(session, approved_by, pin, needed.action, reason)
        return call(approval)


def print_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Comma-separated values with a header on stdout, one line ending the same on every system."""
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(header)
    out.writerows(rows)
