"""A report on screen: the shift report, an X or Z, or a duplicate receipt, as the printer lays it out.

A closed shift's variance stands above the text in big type: red when the drawer is short, green
when it is over (or exact). Enter or Escape closes; P prints again when a printer is configured.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class ReportDialog(ModalScreen[bool]):
    """Dismissed with True when P (print) was pressed, False otherwise."""

    DEFAULT_CSS = """
    ReportDialog { align: center middle; }
    ReportDialog > Vertical { width: 50; max-width: 98%; height: auto; max-height: 98%; padding: 0 1;
        background: $panel; border: round $primary; }
    ReportDialog #report-variance { text-style: bold; padding: 0 1; margin-bottom: 1; }
    ReportDialog #report-variance.-short { color: $error; border: round $error; }
    ReportDialog #report-variance.-over { color: $success; border: round $success; }
    ReportDialog VerticalScroll { height: auto; max-height: 100%; background: $surface; padding: 0 1; }
    ReportDialog #report-note { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "close", "Close", priority=True, id="report.close"),
        Binding("p", "print", "Print", id="report.print"),
    ]

    def __init__(self, title: str, text: str, *, variance: tuple[int, str] | None = None, note: str = "") -> None:
        """``variance``: (minor units, as people read it) of a closed shift's count against the expected."""
        super().__init__()
        self.title_text = title
        self.text = text
        self.variance = variance
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            if self.variance is not None:
                amount, shown = self.variance
                word = "SHORT" if amount < 0 else "OVER" if amount > 0 else "EXACT"
                yield Static(f"{word} {shown}", id="report-variance", markup=False,
                             classes="-short" if amount < 0 else "-over")
            with VerticalScroll():
                yield Static(self.text, id="report-text", markup=False)
            yield Static(self.note or "Enter: close   P: print", id="report-note", markup=False)

    def action_close(self) -> None:
        self.dismiss(False)

    def action_print(self) -> None:
        self.dismiss(True)
