"""`pos catalog import` and `pos catalog export`: the catalogue as a CSV a spreadsheet can open."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pos_tui.cli.common import (
    ConfigOption,
    DbOption,
    UserOption,
    acting_session,
    command_group,
    reports_errors,
    session_from,
)
from pos_tui.domain.errors import InvalidInput
from pos_tui.services.catalog.csv_file import COLUMNS, ImportSummary, RowsRejected, export_catalog, import_catalog

catalog_app = command_group(
    help="Import and export the catalogue as CSV (UTF-8) a spreadsheet can open.", no_args_is_help=True
)


def _summary_line(file: Path, summary: ImportSummary) -> str:
    counts = (
        f"{summary.added} added, {summary.changed} changed, {summary.repriced} repriced, "
        f"{summary.unchanged} unchanged, {summary.skipped} skipped"
    )
    if summary.dry_run:
        return f"Dry run of {file.name}, nothing saved: {counts}."
    return f"Imported {file.name}: {counts}."


@catalog_app.command("import")
@reports_errors
def import_command(
    file: Annotated[Path, typer.Argument(help=f"CSV with a header row; columns: {', '.join(COLUMNS)}.")],
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Import the good rows and list the bad ones (default: import nothing).")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count the changes, save nothing.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Add new SKUs and change known ones from a CSV, in one transaction; each change is a journal event."""
    session = acting_session(db, config, user)
    try:
        summary = import_catalog(session, file, skip_bad=skip_bad, dry_run=dry_run)
    except RowsRejected as error:
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        raise
    finally:
        session.close()
    for problem in summary.problems:
        typer.echo(f"skipped {problem}", err=True)
    typer.echo(_summary_line(file, summary))


@catalog_app.command("export")
@reports_errors
def export_command(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Write every product as CSV with the columns `pos catalog import` reads."""
    session = session_from(db, config, read_only=True)
    try:
        if output is None:
            export_catalog(session, sys.stdout)
            return
        # utf-8-sig: the BOM makes spreadsheets open the file as UTF-8 (Urdu names stay readable).
        try:
            out = output.open("w", encoding="utf-8-sig", newline="")
        except OSError as error:
            raise InvalidInput(f"Cannot write {output}: {error.strerror}.", "Choose another file or folder.") from None
        with out:
            count = export_catalog(session, out)
    finally:
        session.close()
    typer.echo(f"Exported {count} products to {output}.", err=True)
