"""`pos` itself: the till when no command is named, else the one command named, and nothing else.

Each command's module is imported only when it runs (`cli/commands.py` says where each lives), so
`pos --help` imports no command at all and `pos report list` only the report group, instead of every
group, the printer library and every area's services (1.2-1.5 s of CPU before; docs/performance.md).
The till is opened before any of this, since it is started far more often than any command.

The common options may stand before the command as well as after it: `--db` and `--config` are
handed to the command (every command takes them), and `--read-only` holds for the whole process,
so a command that would write refuses and the database is opened with `query_only`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from pos_tui.cli.commands import BY_NAME, overview

_VALUE_OPTIONS = ("--db", "--config")
_READ_ONLY = "--read-only"
_HELP = ("--help", "-h")


def till_options(argv: Sequence[str]) -> dict[str, str | bool] | None:
    """The till's options when ``argv`` asks for the till alone; None when it names a command or anything else."""
    options: dict[str, str | bool] = {}
    rest = list(argv)
    while rest:
        name, has_value, value = rest.pop(0).partition("=")
        if name == _READ_ONLY and not has_value:
            options[name] = True
        elif name in _VALUE_OPTIONS and (has_value or rest):
            options[name] = value if has_value else rest.pop(0)
        else:
            return None
    return options


class Invocation:
    """A command line taken apart: the command's word, what follows it, and the common options.

    (A plain class: `dataclasses` costs more to import than the whole `pos --help` is allowed.)"""

    def __init__(self, command: str | None = None, args: list[str] | None = None, leading: list[str] | None = None,
                 read_only: bool = False, help: bool = False, problem: str | None = None) -> None:
        self.command = command
        self.args: list[str] = args if args is not None else []
        self.leading: list[str] = leading if leading is not None else []  # --db/--config before the command
        self.read_only = read_only
        self.help = help
        self.problem = problem

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Invocation) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return f"Invocation({', '.join(f'{key}={value!r}' for key, value in vars(self).items())})"


def parse(argv: Sequence[str]) -> Invocation:
    found = Invocation()
    rest = list(argv)
    while rest:
        word = rest.pop(0)
        name, has_value, _ = word.partition("=")
        if word == _READ_ONLY:
            found.read_only = True
        elif word in _HELP:
            found.help = True
        elif name in _VALUE_OPTIONS:
            if not has_value and not rest:
                found.problem = f"{word} needs a value: pos {word} PATH ..."
                return found
            found.leading += [word] if has_value else [word, rest.pop(0)]
        elif word.startswith("-"):
            found.problem = f"pos has no option {word}. Run `pos --help` for the options and commands."
            return found
        else:
            found.command = word
            break
    found.read_only = found.read_only or _READ_ONLY in rest
    # --read-only after the command is this process's, not the command's own option.
    found.args = [word for word in rest if word != _READ_ONLY]
    return found


def _unknown(command: str) -> str:
    import difflib

    close = difflib.get_close_matches(command, list(BY_NAME), n=1)
    hint = f" Did you mean `pos {close[0]}`?" if close else ""
    return f"pos has no command {command!r}.{hint} Run `pos --help` for the list."


def run_command(invocation: Invocation) -> None:
    """Import the one module the command lives in and run it (its own options come after the command,
    then those given before it: click reads a command's options in any order)."""
    import importlib

    import typer

    from pos_tui.cli import common

    assert invocation.command is not None
    entry = BY_NAME[invocation.command]
    common.PROCESS.read_only = invocation.read_only
    target = getattr(importlib.import_module(entry.module), entry.attribute)
    if entry.group:
        group: typer.Typer = target
    else:
        group = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                        rich_markup_mode=None)
        group.command(entry.name)(target)
    command = typer.main.get_command(group)
    args = [*invocation.args, *invocation.leading]
    if invocation.help:
        args.append("--help")
    command.main(args=args, prog_name=f"pos {entry.name}", standalone_mode=True)


def main(argv: Sequence[str] | None = None) -> None:
    words = sys.argv[1:] if argv is None else list(argv)
    options = till_options(words)
    if options is not None:
        return _open_till(options)
    invocation = parse(words)
    if invocation.problem:
        print(invocation.problem, file=sys.stderr)
        sys.exit(2)
    if invocation.command is None:
        print(overview(), end="")
        return None
    if invocation.command not in BY_NAME:
        print(_unknown(invocation.command), file=sys.stderr)
        sys.exit(2)
    from pos_tui.cli.shortcuts import answer_without_typer

    if not answer_without_typer(invocation.command, invocation.args, invocation.leading, invocation.help):
        run_command(invocation)
    return None


def _open_till(options: dict[str, str | bool]) -> None:
    from pathlib import Path

    from pos_tui.cli.till import open_till
    from pos_tui.domain.errors import PosError

    db, config = options.get("--db"), options.get("--config")
    try:
        open_till(Path(db) if isinstance(db, str) else None, Path(config) if isinstance(config, str) else None,
                  read_only=bool(options.get(_READ_ONLY)))
    except PosError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
