"""A page of the stock room opened from the warehouse (orders, a delivery, stocktakes, a count): it
lives on the warehouse mode's stack, so Escape goes back where the warehouse was."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from pos_tui.tui.access import READ_ONLY
from pos_tui.tui.screens.base import StatusLine

if TYPE_CHECKING:
    from pos_tui.services.session import Session


class StockPage(Screen[None]):
    DEFAULT_CSS = """
    StockPage #page-body { padding: 0 1; }
    StockPage #page-title { text-style: bold; color: $primary; margin: 1 0 0 0; height: auto; }
    StockPage #page-summary { color: $text-muted; height: auto; }
    StockPage #scan { margin: 1 0 0 0; border: tall $primary; }
    StockPage #status { height: auto; max-height: 3; color: $text-muted; }
    StockPage #status.-error { color: $error; }
    StockPage #status.-success { color: $success; }
    """
    WRITES: frozenset[str] = frozenset()  # the actions that write: hidden on a read-only seat

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined, no-any-return]

    def compose(self) -> ComposeResult:
        with Vertical(id="page-body"):
            yield Static("", id="page-title", markup=False)
            yield Static("", id="page-summary", markup=False)
            yield from self.compose_page()
            yield StatusLine(id="status", markup=False)
        yield Footer()

    def compose_page(self) -> ComposeResult:
        yield from ()

    def title_line(self, title: str, summary: str = "") -> None:
        self.query_one("#page-title", Static).update(title)
        self.query_one("#page-summary", Static).update(summary)

    def say(self, text: str, level: str = "info") -> None:
        self.query_one(StatusLine).say(text, level)

    def refuse(self, text: str) -> None:
        self.app.bell()
        self.say(text, "error")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in self.WRITES and self.session.ledger.read_only)

    def why_not(self, action: str, parameters: tuple[object, ...]) -> str | None:
        return READ_ONLY if self.session.ledger.read_only else None

    def books_moved(self) -> None:
        """A write landed: the other screens (the warehouse list, the bucket's stock) load again."""
        self.app.data_changed()  # type: ignore[attr-defined]

    def action_back(self) -> None:
        self.dismiss(None)


class StockListPage(StockPage):
    """A page listing the stock room's papers (orders, stocktakes, transfers): it loads again when it
    comes back on screen after a write anywhere (the app's data version moved) and on Ctrl+R, and its
    table keeps the highlighted row across a load."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded_version = -1

    def load(self, note: str = "") -> None:
        raise NotImplementedError  # a thread worker of each page

    def on_screen_resume(self) -> None:
        version = self.app.data_version  # type: ignore[attr-defined]
        if version != self.loaded_version:
            self.loaded_version = version
            self.load()

    def action_reload(self) -> None:
        self.load()

    def show_rows(self, table: DataTable[str], rows: list[tuple[str, tuple[str, ...]]]) -> None:
        """``rows`` (key, cells) in place of the table's, the cursor kept on the same row number."""
        row = table.cursor_row
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        if rows:
            table.move_cursor(row=min(row, len(rows) - 1))
