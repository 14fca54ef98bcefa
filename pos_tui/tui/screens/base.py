"""A mode's screen: the dock on the left, the mode's body, a status line and the footer of keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from pos_tui.tui.widgets.dock import Dock
from pos_tui.tui.widgets.footer import TillFooter


class StatusLine(Static):
    """The last thing the till said: a sentence, coloured by level; never a traceback."""

    wrapped = False  # the sentence shown takes more than one row

    def say(self, text: str, level: str = "info") -> None:
        self.set_classes(f"-{level}")
        # One row is the usual case and needs no new layout; a sentence longer than the row wraps onto
        # up to three (never cut off at 80 columns), and the screen is laid out again for it and after it.
        width = self.content_size.width
        wraps = width > 0 and len(text) > width
        self.update(text, layout=wraps or self.wrapped)
        self.wrapped = wraps


class ModeScreen(Screen[None]):
    MODE = ""
    TITLE_TEXT = ""
    # Textual repaints the whole screen whenever the focus moves; the widgets that gain and lose it restyle
    # and repaint themselves (`Screen._update_focus_styles`), so the rest is work for nothing: at the floor,
    # a table's opening (the table's field to the order's) painted every cell of the screen again.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def compose(self) -> ComposeResult:
        with Horizontal(id="frame"):
            yield Dock(self.MODE)
            with Vertical(id="body"):
                yield from self.compose_body()
                yield StatusLine(id="status", markup=False)
        yield TillFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def say(self, text: str, level: str = "info") -> None:
        self.query_one(StatusLine).say(text, level)

    def palette_commands(self) -> list[tuple[str, str, str]]:
        """(title, help, action) offered by the command palette while this screen is on top."""
        return []
