"""What `pos` answers without typer: a few help pages, `pos report list`, and running a report.

typer and click cost about four times `python -c "import sqlite3"` to import, more than a command may
take to start (docs/performance.md, "Commands"). So `pos` answers these itself:

- the help pages and the output held in `cli/help_pages.py`, written from what typer prints and held
  equal to it by `tests/test_cli_shortcuts.py`;
- `pos report NAME [OPTIONS]` for an analytics report, when every option is one typer would read
  the plain way (``--from 2026-01-01`` or ``--from=2026-01-01``, each once, a value not starting with
  ``-``, ``--limit`` in digits, ``--format`` one there is). It runs the same code as the typer
  command (`cli/analytics_run.py`), and a PosError ends it the way `common.reports_errors` does.

Anything else, a mistake above all, goes to typer, which says what it always said about it.
"""

from __future__ import annotations

import os
import sys

HELP_WIDTH_FROM = 80  # click's help is 78 wide on a terminal this wide or wider, and in a pipe

# `pos report NAME`'s options: the command's parameter each one sets.
REPORT_OPTIONS = {"--from": "from_day", "--to": "to_day", "--terminal": "terminal", "--cashier": "cashier",
                  "--category": "category", "--vendor": "vendor", "--limit": "limit", "--format": "format_",
                  "--db": "db", "--config": "config"}
_NOT_REPORTS = ("x", "z", "list")


def answer_without_typer(command: str, args: list[str], leading: list[str], help: bool) -> bool:
    """Answer `pos COMMAND ARGS` (with LEADING, the --db/--config given before the command, and
    --help before it when ``help``) here if it is one of the above and say True; False: typer must.

    (The parts of `launch.Invocation`, not the thing: this module must not import `typing`, which
    costs as much as the rest of `pos sale --help`.)"""
    words = (command, *args, *(("--help",) if help else ()))
    if not leading and terminal_columns() >= HELP_WIDTH_FROM:
        from pos_tui.cli.help_pages import PAGES

        page = PAGES.get(words)
        if page is not None:
            try:
                sys.stdout.write(page)
                sys.stdout.flush()
            except BrokenPipeError:
                _reader_gone()
            return True
    if command == "report" and args and not help:
        name, *rest = args
        options = report_options([*rest, *leading])
        if name in _NOT_REPORTS or options is None:
            return False
        from pos_tui.services.reports import registry

        if name not in registry.REPORTS:
            return False
        _run_report(name, options)
        return True
    return False


class _Pacified:
    """A stream whose flush ignores a reader that has gone (click's `_PacifyFlushWrapper`): Python
    flushes stdout and stderr at exit, and would complain about the broken pipe there."""

    def __init__(self, wrapped: object) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        try:
            self.wrapped.flush()  # type: ignore[attr-defined]
        except BrokenPipeError:
            return  # the reader has gone: there is nothing to flush to

    def __getattr__(self, name: str) -> object:
        return getattr(self.wrapped, name)


def _reader_gone() -> None:
    """`pos report ... | head`: the reader stopped reading. End with status 1 and say nothing, as click
    does for a command run through typer."""
    sys.stdout = _Pacified(sys.stdout)
    sys.stderr = _Pacified(sys.stderr)
    sys.exit(1)


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``, which click sizes its help by (shutil costs a fifth of a
    command's start to import)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    try:
        lines = int(os.environ["LINES"])
    except (KeyError, ValueError):
        lines = 0
    if columns <= 0 or lines <= 0:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size((80, 24))
        if columns <= 0:
            columns = size.columns or 80
    return columns


def report_options(words: list[str]) -> dict[str, object] | None:
    """The parameters of `pos report NAME` that ``words`` give, when typer would read each of them
    plainly; None for anything else (typer then reads them, and refuses a mistake in its own words)."""
    from pos_tui.cli.analytics_run import FORMATS

    given: dict[str, str] = {}
    rest = list(words)
    while rest:
        name, has_value, value = rest.pop(0).partition("=")
        if name not in REPORT_OPTIONS or name in given:
            return None
        if not has_value:
            if not rest:
                return None
            value = rest.pop(0)
        if value.startswith("-") or (not value and name in ("--db", "--config", "--limit")):
            return None
        given[name] = value
    limit = given.get("--limit", "0")
    if not limit.isascii() or not limit.isdigit() or given.get("--format", "auto") not in FORMATS:
        return None
    parameters: dict[str, object] = {REPORT_OPTIONS[name]: value for name, value in given.items()}
    if "--limit" in given:
        parameters["limit"] = int(given["--limit"])
    for name in ("db", "config"):
        if name in parameters:
            from pathlib import Path

            parameters[name] = Path(str(parameters[name]))
    return parameters


def _run_report(name: str, parameters: dict[str, object]) -> None:
    """Run the report, ending a PosError as `common.reports_errors` does (its sentence, status 1)."""
    from pos_tui.cli.analytics_run import run_report
    from pos_tui.cli.reading import RED, say
    from pos_tui.domain.errors import PosError

    try:
        run_report(name, **parameters)  # type: ignore[arg-type]
    except BrokenPipeError:
        _reader_gone()
    except PosError as error:
        say(str(error), RED)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)

