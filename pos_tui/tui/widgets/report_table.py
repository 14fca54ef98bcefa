"""A report result as a table: typed columns formatted by the currency, numbers right-aligned,
negative amounts in the loss colour, the grand totals as the last (bold) row; and as a chart spec."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from pos_tui.domain.money import Currency
from pos_tui.services.reports.registry import Cell, ColumnKind, ReportResult, format_cell
from pos_tui.tui.widgets.charts import ChartSpec

TOTAL_ROW = "total"
"""Row key of the grand totals."""
TEXT_WIDTH = 16
"""The widest a text column's values show (a category, a vendor, a cashier, a reason)..."""
TEXT_WIDTHS = {"name": 26}
"""...but a product's name, by column key."""
LABEL_WIDTH = 10
"""A column title longer than this goes on two lines."""


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


def two_lines(label: str) -> str:
    """A long column title in two lines, broken at the space nearest its middle ("Net last\\nyear"), so
    a column is as wide as its figures rather than its title."""
    if len(label) <= LABEL_WIDTH or " " not in label:
        return label
    spaces = [i for i, char in enumerate(label) if char == " "]
    middle = min(spaces, key=lambda i: max(i, len(label) - i - 1))
    return f"{label[:middle]}\n{label[middle + 1:]}"


def shortened(cells: list[Text], kinds: list[ColumnKind], keys: list[str]) -> list[Text]:
    """Long names cut to their column's width with an ellipsis, so a text column never pushes the
    figures beside it out of view; numbers are never shortened."""
    for cell, kind, key in zip(cells, kinds, keys, strict=True):
        if kind == "text":
            cell.truncate(TEXT_WIDTHS.get(key, TEXT_WIDTH), overflow="ellipsis")
    return cells


class ReportTable(DataTable[Text]):
    """A report's rows. Where its columns are wider than the screen, the first column (what a row is)
    stays put and the others scroll sideways (← →); ``ViewMoved`` then names the columns not wholly in
    view, for the screen to say so beside the table."""

    @dataclass
    class ViewMoved(Message):
        left: list[str]
        """Labels of the columns scrolled away to the left (or cut at the left edge)."""
        right: list[str]
        """...and to the right."""

    def show(self, result: ReportResult, currency: Currency, *, loss: str) -> None:
        """Replace what is shown by ``result``; ``loss`` is the theme's colour for negative numbers."""
        self.clear(columns=True)
        self.fixed_columns = 1 if result.columns else 0
        labels = [two_lines(column.label) for column in result.columns]
        self.header_height = 2 if any("\n" in label for label in labels) else 1
        for column, label in zip(result.columns, labels, strict=True):
            self.add_column(Text(label, justify="left" if column.kind == "text" else "right"), key=column.key)
        kinds = [c.kind for c in result.columns]
        keys = [c.key for c in result.columns]
        for i, row in enumerate(result.rows):
            self.add_row(*shortened(styled_cells(row, kinds, currency, loss=loss), kinds, keys), key=str(i))
        self.add_row(*shortened(styled_cells(result.totals, kinds, currency, loss=loss, style="bold"), kinds, keys),
                     key=TOTAL_ROW)
        self.scroll_to(x=0, animate=False)
        self.call_after_refresh(self.tell_view)

    def out_of_view(self) -> tuple[list[str], list[str]]:
        """(left, right): labels of the columns not wholly in view now."""
        columns = list(self.ordered_columns)
        widths = [column.get_render_width(self) for column in columns]
        fixed = sum(widths[: self.fixed_columns])
        shown_from, shown_to = round(self.scroll_x) + fixed, round(self.scroll_x) + self.scrollable_content_region.width
        left: list[str] = []
        right: list[str] = []
        start = 0
        for index, (column, width) in enumerate(zip(columns, widths, strict=True)):
            end, label = start + width, column.label.plain.replace("\n", " ")
            if index >= self.fixed_columns:
                if start < shown_from:
                    left.append(label)
                elif end > shown_to:
                    right.append(label)
            start = end
        return left, right

    def tell_view(self) -> None:
        self.post_message(self.ViewMoved(*self.out_of_view()))

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_x(old_value, new_value)
        if round(old_value) != round(new_value):
            self.tell_view()

    def on_resize(self) -> None:
        self.call_after_refresh(self.tell_view)

    def watch_virtual_size(self) -> None:
        # The columns' widths settle when the table has measured its cells (when idle), after ``show``.
        # Textual 8's DataTable keeps the lines it drew before that (the header drawn at its titles' widths)
        # in caches whose keys do not hold the widths: drop them, or the titles stay misaligned and cut.
        self._clear_caches()
        self.refresh()
        self.call_after_refresh(self.tell_view)


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
