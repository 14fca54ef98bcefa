"""A table that draws only the rows on screen, each from a cache: changing one row repaints one line.

Textual's DataTable re-renders every visible cell through Rich whenever any row changes, and adding a
row re-lays out the screen; at a busy counter that is tens of milliseconds a scan. Here a row is one
string cut to the column widths, kept as a ready `Strip` until its cells, the cursor or the width
change, and scrolling moves a window over the rows without a layout pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

GAP = 1  # space between columns


@dataclass(frozen=True)
class Column:
    label: str
    width: int  # 0: takes the room the other columns leave
    justify: Literal["left", "right"] = "left"


def fit(text: str, width: int, justify: str) -> str:
    """``text`` cut or padded to exactly ``width`` cells (wide characters counted as two)."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    return set_cell_size(text, width) if justify == "left" else " " * (width - cell_len(text)) + text


class LineTable(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"line-table--header", "line-table--cursor", "line-table--odd"}
    DEFAULT_CSS = """
    LineTable { height: 1fr; }
    LineTable > .line-table--header { text-style: bold; color: $text-primary; background: $panel; }
    LineTable > .line-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground;
        text-style: $block-cursor-text-style; }
    LineTable > .line-table--odd { background: $surface-lighten-1; }
    """
    COLUMNS: ClassVar[tuple[Column, ...]] = ()

    def __init__(self, *, id: str | None = None, zebra: bool = False) -> None:
        super().__init__(id=id)
        self.can_focus = False  # the scan field keeps the focus; arrows move the cursor from there
        self.zebra = zebra
        self.rows: list[tuple[str, ...]] = []
        self._cursor = 0
        self.top = 0  # the first row on screen
        self._strips: dict[int, tuple[object, Strip]] = {}  # row index -> (what it was drawn from, the line)
        self._styles: dict[str, Style] = {}

    # --- the rows ------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    def get_row_at(self, index: int) -> tuple[str, ...]:
        return self.rows[index]

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        self.rows = rows
        self._cursor = min(self._cursor, max(0, len(rows) - 1))
        self._strips.clear()
        self._keep_cursor_in_view()
        self.refresh()

    def set_row(self, index: int, cells: tuple[str, ...]) -> None:
        """Change row ``index`` (or append it when ``index`` is the row count): one line repainted."""
        if index == len(self.rows):
            self.rows.append(cells)
        else:
            self.rows[index] = cells
        self._refresh_row(index)

    def move_cursor(self, *, row: int) -> None:
        row = max(0, min(row, len(self.rows) - 1))
        before, self._cursor = self._cursor, row
        if not self._keep_cursor_in_view():
            self._refresh_row(before)
            self._refresh_row(row)

    def visible_rows(self) -> int:
        return max(1, self.content_size.height - 1)  # the header takes a line

    def _keep_cursor_in_view(self) -> bool:
        """Scroll so the cursor shows; True when the window moved (the whole table was repainted)."""
        if self.content_size.height < 2:
            # Hidden (the search results were over the cart) or not laid out yet: no height to scroll
            # by. Scrolling now would put the cursor's row on top and hide every row above it; the
            # window is placed on the resize that comes when the table shows.
            return False
        visible = self.visible_rows()
        top = min(self.top, self._cursor)
        top = max(top, self._cursor - visible + 1, 0)
        top = min(top, max(0, len(self.rows) - visible))  # no blank rows below while rows above are hidden
        if top == self.top:
            return False
        self.top = top
        self.refresh()
        return True

    def _refresh_row(self, index: int) -> None:
        y = index - self.top + 1
        if 1 <= y <= self.visible_rows():
            self.refresh(Region(0, y, self.size.width, 1))

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self._keep_cursor_in_view()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def on_click(self, event: events.Click) -> None:
        row = self.top + event.y - 1
        if event.y >= 1 and row < len(self.rows):
            self.move_cursor(row=row)

    # --- drawing -------------------------------------------------------------------------------

    def widths(self, width: int) -> list[int]:
        fixed = sum(c.width for c in self.COLUMNS) + GAP * (len(self.COLUMNS) - 1)
        return [c.width or max(4, width - fixed) for c in self.COLUMNS]

    def _line(self, cells: tuple[str, ...], width: int) -> str:
        parts = [fit(cell, w, c.justify) for cell, w, c in zip(cells, self.widths(width), self.COLUMNS, strict=True)]
        return (" " * GAP).join(parts)

    def _style(self, name: str) -> Style:
        if name not in self._styles:
            self._styles[name] = self.get_component_rich_style(name, partial=False)
        return self._styles[name]

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        base = self.rich_style
        if y == 0:
            text = self._line(tuple(c.label for c in self.COLUMNS), width)
            return Strip([Segment(text, self._style("line-table--header"))]).crop_extend(0, width, base)
        index = self.top + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        cells = self.rows[index]
        selected = index == self._cursor
        key = (cells, selected, width)
        cached = self._strips.get(index)
        if cached is not None and cached[0] == key:
            return cached[1]
        if selected:
            style = self._style("line-table--cursor")
        elif self.zebra and index % 2:
            style = self._style("line-table--odd")
        else:
            style = base
        strip = Strip([Segment(self._line(cells, width), style)]).crop_extend(0, width, style)
        self._strips[index] = (key, strip)
        return strip
