"""Are you sure? One question, Enter (or Y) to go ahead, Escape (or N) to leave things as they are."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 56; max-width: 95%; height: auto; padding: 1 2; background: $panel;
        border: round $warning; }
    ConfirmDialog #confirm-note { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "answer(True)", "Yes", priority=True, id="confirm.yes"),
        Binding("escape,n", "answer(False)", "No", priority=True, id="confirm.no"),
    ]

    def __init__(self, title: str, question: str, yes: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(self.question, markup=False)
            yield Static(f"Enter: {self.yes}   Esc: keep it", id="confirm-note", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
