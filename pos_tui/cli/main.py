"""The whole `pos` command tree as one typer app, for tests and tools that want every command at once.

`pos` itself does not use it: `cli/launch.py` imports only the command being run. Both are built
from the one table in `cli/commands.py`, so they offer the same commands.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import click
import typer

from pos_tui.cli.commands import BY_NAME, COMMANDS, SUMMARY
from pos_tui.cli.common import PROCESS, ConfigOption, DbOption, reports_errors
from pos_tui.cli.till import open_till


def build_app() -> typer.Typer:
    """Every command of the table, imported now, under one root (`--db`, `--config` and
    `--read-only` before a command as `pos` takes them)."""
    root = typer.Typer(name="pos", help=SUMMARY, no_args_is_help=False, add_completion=False, rich_markup_mode=None,
                       pretty_exceptions_enable=False)

    @root.callback(invoke_without_command=True)
    @reports_errors
    def main_callback(
        ctx: typer.Context,
        db: DbOption = None,
        config: ConfigOption = None,
        read_only: Annotated[bool, typer.Option("--read-only", help="Open for reading only (managers over SSH).")]
        = False,
    ) -> None:
        PROCESS.read_only = read_only
        if ctx.invoked_subcommand is None:
            open_till(db, config, read_only=read_only)

    for entry in COMMANDS:
        target = getattr(importlib.import_module(entry.module), entry.attribute)
        if entry.group:
            root.add_typer(target, name=entry.name)
        else:
            root.command(entry.name)(target)
    return root


def __getattr__(name: str) -> typer.Typer:
    """``app``, built on first use: `python -m pos_tui.cli.main` runs `pos` without importing every group."""
    if name != "app":
        raise AttributeError(name)
    built = globals()["app"] = build_app()
    return built


# --- the answers `pos` gives without typer (cli/help_pages.py) ------------------------------------

STORED_GROUPS = ("report",)  # every command of these groups, with the group's own help
STORED_COMMANDS = ("sale", "return", "void")
STORED_OUTPUTS = (("report", "list"),)  # commands whose whole output is fixed by the code


def stored_command_lines() -> list[tuple[str, ...]]:
    """The command lines whose answers `cli/help_pages.py` holds."""
    lines: list[tuple[str, ...]] = [(name, "--help") for name in STORED_COMMANDS]
    for name in STORED_GROUPS:
        group = typer.main.get_command(getattr(importlib.import_module(BY_NAME[name].module), BY_NAME[name].attribute))
        assert isinstance(group, click.Group)
        lines += [(name, "--help"), *((name, command, "--help") for command in group.commands)]
    return lines + list(STORED_OUTPUTS)


def rendered(words: tuple[str, ...]) -> str:
    """What `pos WORDS` prints through typer on a terminal at least 80 columns wide (click's help is
    78 wide there; a narrower terminal gets typer itself)."""
    import contextlib
    import io
    import os

    from pos_tui.cli.launch import parse, run_command

    out, columns = io.StringIO(), os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            run_command(parse(words))
    finally:
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns
    return out.getvalue()


def help_pages_source() -> str:
    """The text of `cli/help_pages.py`, from what typer prints now."""
    entries = []
    for words in stored_command_lines():
        text = rendered(words)
        pieces = [piece for line in text.splitlines(keepends=True) for piece in _chunks(line)]
        entries.append(f"    {words!r}: (\n" + "".join(f"        {piece!r}\n" for piece in pieces) + "    ),\n")
    return _HELP_PAGES_HEAD + "PAGES: dict[tuple[str, ...], str] = {\n" + "".join(entries) + "}\n"


def _chunks(line: str, size: int = 90) -> list[str]:
    return [line[i:i + size] for i in range(0, len(line), size)] or [line]


_HELP_PAGES_HEAD = '''"""What `pos` prints for a few command lines, as typer prints it: `pos` answers these without
loading typer and click (about four times `python -c "import sqlite3"` by themselves).

Written by `make help-pages` (`pos_tui.cli.main.help_pages_source`); do not edit by hand.
`tests/test_cli_shortcuts.py` holds every page to what typer prints now, so a changed option or
report fails the suite until this file is written again. Pages are for a terminal at least 80 columns
wide (or a pipe); a narrower one gets typer itself.
"""

'''


def main() -> None:
    from pos_tui.cli.launch import main as launch

    launch()


if __name__ == "__main__":
    main()
