"""`pos export journal` and `pos export sales`: the books in a format an accountant's tools read."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer

from pos_tui.cli.common import ConfigOption, DbOption, command_group, reports_errors, session_from
from pos_tui.services.reports.export import FORMATS, ExportFormat, export_journal, export_sales

export_app = command_group(help="Export the books (hledger, ledger, beancount, CSV).", no_args_is_help=True)

FromDayOption = Annotated[str | None, typer.Option("--from", help="First business day, YYYY-MM-DD.")]
ToDayOption = Annotated[str | None, typer.Option("--to", help="Last business day, YYYY-MM-DD.")]
OutOption = Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")]


@contextmanager
def _destination(out: Path | None, *, newline: str | None = None) -> Iterator[TextIO]:
    """Standard output, or the --out file (the csv module wants newline="" to write its own line endings)."""
    if out is None:
        yield sys.stdout
        return
    with out.open("w", encoding="utf-8", newline=newline) as handle:
        yield handle


@export_app.command("journal")
@reports_errors
def journal(
    format_: Annotated[str, typer.Option("--format", help=f"One of: {', '.join(FORMATS)}.")] = "hledger",
    from_day: FromDayOption = None,
    to_day: ToDayOption = None,
    out: OutOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Every money movement of the range as a double-entry journal."""
    if format_ not in FORMATS:
        raise typer.BadParameter(f"use one of: {', '.join(FORMATS)}", param_hint="--format")
    fmt: ExportFormat = format_  # type: ignore[assignment]
    with closing(session_from(db, config, read_only=True)) as session, _destination(out) as handle:
        count = export_journal(session, fmt, handle, from_day=from_day, to_day=to_day)
    typer.echo(f"{count} journal entries exported.", err=True)


@export_app.command("sales")
@reports_errors
def sales(
    format_: Annotated[str, typer.Option("--format", help="csv (one row per sold line).")] = "csv",
    from_day: FromDayOption = None,
    to_day: ToDayOption = None,
    out: OutOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Every sold line of the range as CSV: amounts in minor units, quantities in thousandths."""
    if format_ != "csv":
        raise typer.BadParameter("sales export only as csv", param_hint="--format")
    with closing(session_from(db, config, read_only=True)) as session, _destination(out, newline="") as handle:
        count = export_sales(session, handle, from_day=from_day, to_day=to_day)
    typer.echo(f"{count} sales exported.", err=True)
