"""The whole `pos` command tree as one typer app, for tests and tools that want every command at once.

`pos` itself does not use it: `cli/launch.py` imports only the command being run. Both are built
from the one table in `cli/commands.py`, so they offer the same commands.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from pos_tui.cli.commands import COMMANDS, SUMMARY
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


def main() -> None:
    from pos_tui.cli.launch import main as launch

    launch()


if __name__ == "__main__":
    main()
