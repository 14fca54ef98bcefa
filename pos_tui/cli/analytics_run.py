"""Running one analytics report for `pos report NAME`: everything after its options are read.

Typer-free, so that `pos` can run a report whose options it reads without typer (`cli/shortcuts.py`)
the same way as `cli/analytics_cmd.py` does through typer. On a terminal a report is a table; in a
pipe it is CSV unless asked otherwise.
"""

from __future__ import annotations

import sys
from contextlib import closing
from typing import TYPE_CHECKING

from pos_tui.cli.reading import open_for_reading
from pos_tui.services.reports import registry

if TYPE_CHECKING:
    from pathlib import Path

    from pos_tui.domain.money import Currency
    from pos_tui.services.reports.model import ReportResult

FORMATS = ("auto", "table", "csv", "json")


def run_report(name: str, *, from_day: str | None = None, to_day: str | None = None, terminal: str = "",
               cashier: str = "", category: str = "", vendor: str = "", limit: int = registry.DEFAULT_LIMIT,
               format_: str = "auto", db: Path | None = None, config: Path | None = None) -> None:
    """Report ``name`` on standard output; ``format_`` is one of FORMATS (the caller checked it)."""
    with closing(open_for_reading(db, config)) as session:
        first, last = registry.default_range(session, to_day)
        query = registry.ReportQuery(from_day or first, last, terminal=terminal, cashier=cashier,
                                    category=category, vendor=vendor, limit=limit)
        result = registry.run_report(session, name, query)
        currency = session.currency
    chosen = format_ if format_ != "auto" else ("table" if sys.stdout.isatty() else "csv")
    if chosen == "table":
        render_table(result, currency)
    elif chosen == "csv":
        registry.write_csv(result, currency, sys.stdout)
    else:
        registry.write_json(result, currency, sys.stdout)


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
