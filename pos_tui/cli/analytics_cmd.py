"""`pos report NAME` for every analytics report, and `pos report list`.

On a terminal a report is a table; in a pipe it is CSV unless asked otherwise. CSV and JSON carry
every number twice: as an integer in minor units (thousandths for quantities, basis points for
percentages) and formatted, and never a colour code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import closing
from typing import Annotated

import typer

from pos_tui.cli.common import ConfigOption, DbOption, reports_errors, session_from
from pos_tui.domain.money import Currency
from pos_tui.services.reports import registry
from pos_tui.services.reports.model import ReportResult

FORMATS = ("auto", "table", "csv", "json")


def render_table(result: ReportResult, currency: Currency) -> None:
    from rich.console import Console
    from rich.table import Table

    def cell(value: registry.Cell, column: registry.Column) -> str:
        return registry.format_cell(value, column.kind, currency)

    console = Console() if sys.stdout.isatty() else Console(width=200)  # a pipe: no wrapping, no colour
    query = result.query
    filters = ", ".join(f"{f} {getattr(query, f)}" for f in query.filters_set())
    table = Table(title=f"{result.title}: {registry.span_of(result)}" + (f" ({filters})" if filters else ""),
                  show_footer=True, header_style="bold", footer_style="bold")
    for i, column in enumerate(result.columns):
        table.add_column(column.label, footer=cell(result.totals[i], column),
                         justify="left" if column.kind == "text" else "right")
    for row in result.rows:
        table.add_row(*(cell(value, column) for value, column in zip(row, result.columns, strict=True)))
    if result.highlights:
        console.print("  ".join(f"[bold]{h.label}[/] {registry.format_cell(h.value, h.kind, currency)}"
                                for h in result.highlights))
    console.print(table)
    if result.omitted:
        console.print(f"{result.omitted:,} more rows not shown (totals include them); --limit 0 shows every row.")
    for note in result.notes:
        console.print(f"[dim]{note}[/]")


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
        with closing(session_from(db, config, read_only=True)) as session:
            first, last = registry.default_range(session, to_day)
            query = registry.ReportQuery(from_day or first, last, terminal=terminal, cashier=cashier,
                                        category=category, vendor=vendor, limit=limit)
            result = registry.run_report(session, spec.name, query)
            currency = session.currency
        chosen = format_ if format_ != "auto" else ("table" if sys.stdout.isatty() else "csv")
        if chosen == "table":
            render_table(result, currency)
        elif chosen == "csv":
            registry.write_csv(result, currency, sys.stdout)
        else:
            registry.write_json(result, currency, sys.stdout)

    filters = ", ".join(f"--{f}" for f in registry.FILTERS if f in spec.filters)
    command.__doc__ = f"{spec.description} Filters: {filters}."
    return command


def list_reports(db: DbOption = None, config: ConfigOption = None) -> None:
    """The reports there are, by group."""
    for group in ("Sales", "Items", "Stock", "People", "Customers"):
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
