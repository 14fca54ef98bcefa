"""A report result as a table: typed columns formatted by the currency, numbers right-aligned,
negative amounts in the loss colour, the grand totals as the last (bold) row; and as a chart spec."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from pos_tui.domain.money import Currency
from pos_tui.services.reports.registry import Cell, ColumnKind, ReportResult, format_cell
from pos_tui.tui.widgets.charts import ChartSpec

TOTAL_ROW = "total"
"""Row key of the grand totals."""


def styled_cells(row: tuple[Cell, ...], kinds: list[ColumnKind], currency: Currency, *, loss: str,
                 style: str = "") -> list[Text]:
    cells = []
    for value, kind in zip(row, kinds, strict=True):
        text = format_cell(value, kind, currency)
        if kind == "text":
            cells.append(Text(text, style=style))
        else:
            negative = isinstance(value, int) and value < 0
            cells.append(Text(text, justify="right", style=f"{style} {loss}".strip() if negative else style))
    return cells


class ReportTable(DataTable[Text]):
    def show(self, result: ReportResult, currency: Currency, *, loss: str) -> None:
        """Replace what is shown by ``result``; ``loss`` is the theme's colour for negative numbers."""
        self.clear(columns=True)
        for column in result.columns:
            self.add_column(Text(column.label, justify="left" if column.kind == "text" else "right"), key=column.key)
        kinds = [c.kind for c in result.columns]
        for i, row in enumerate(result.rows):
            self.add_row(*styled_cells(row, kinds, currency, loss=loss), key=str(i))
        self.add_row(*styled_cells(result.totals, kinds, currency, loss=loss, style="bold"), key=TOTAL_ROW)


def chart_spec(result: ReportResult) -> tuple[ChartSpec, ColumnKind] | None:
    """The report's own choice of picture as integers the chart draws, and the kind of its values."""
    chart = result.chart
    if chart is None or not result.rows:
        return None
    labels = tuple("" if v is None else str(v) for v in result.column_values(chart.labels))
    values = tuple(int(v or 0) for v in result.column_values(chart.values))
    previous = tuple(int(v or 0) for v in result.column_values(chart.previous)) if chart.previous else ()
    column = result.columns[result.index(chart.values)]
    return ChartSpec(chart.kind, labels, values, previous, caption=column.label), column.kind
