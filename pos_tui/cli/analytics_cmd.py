"""`pos report NAME` for every analytics report, and `pos report list`.

The options are read here; `cli/analytics_run.py` runs the report. On a terminal a report is a
table; in a pipe it is CSV unless asked otherwise. CSV and JSON carry every number twice: as an
integer in minor units (thousandths for quantities, basis points for percentages) and formatted, and
never a colour code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from pos_tui.cli.analytics_run import FORMATS, run_report
from pos_tui.cli.common import ConfigOption, DbOption, reports_errors
from pos_tui.services.reports import registry


def _command(spec: registry.ReportSpec) -> Callable[..., None]:
    @reports_errors
    def command(
        from_day: Annotated[str | None, typer.Option("--from", help="First business day, YYYY-MM-DD "
                                                     "(default: the 1st of the --to month).")] = None,
        to_day: Annotated[str | None, typer.Option("--to", help="Last business day (default: today).")] = None,
        terminal: Annotated[str, typer.Option("--terminal", help="Only this till.")] = "",
        cashier: Annotated[str, typer.Option("--cashier", help="Only this cashier.")] = "",
        category: Annotated[str, typer.Option("--category", help="Only this category.")] = "",
        vendor: Annotated[str, typer.Option("--vendor", help="Only this vendor.")] = "",
        limit: Annotated[int, typer.Option("--limit", help="Rows of item reports (0: all).")] = registry.DEFAULT_LIMIT,
        format_: Annotated[str, typer.Option("--format", help="table, csv or json (default: a table on a "
                                                              "terminal, CSV in a pipe).")] = "auto",
        db: DbOption = None,
        config: ConfigOption = None,
    ) -> None:
        if format_ not in FORMATS:
            raise typer.BadParameter(f"use one of: {', '.join(FORMATS[1:])}", param_hint="--format")
        run_report(spec.name, from_day=from_day, to_day=to_day, terminal=terminal, cashier=cashier,
                   category=category, vendor=vendor, limit=limit, format_=format_, db=db, config=config)

    filters = ", ".join(f"--{f}" for f in registry.FILTERS if f in spec.filters)
    command.__doc__ = f"{spec.description} " + (f"Filters: {filters}." if filters else "No filters.")
    return command


def list_reports(db: DbOption = None, config: ConfigOption = None) -> None:
    """The reports there are, by group."""
    for group in dict.fromkeys(spec.group for spec in registry.REPORTS.values()):
        typer.echo(f"{group}:")
        for spec in registry.REPORTS.values():
            if spec.group == group:
                typer.echo(f"  {spec.name:<24} {spec.description}")


def register_analytics(app: typer.Typer) -> None:
    """`pos report list` and one `pos report NAME` per report of the registry."""
    app.command("list")(list_reports)
    for spec in registry.REPORTS.values():
        command = _command(spec)
        app.command(spec.name, help=command.__doc__)(command)
