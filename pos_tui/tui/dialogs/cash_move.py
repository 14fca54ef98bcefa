"""Cash in or out of the drawer outside a sale: amount, category (from config) and a note.

Used for paid-in, paid-out, an expense from the safe and a drop (which has no category). The
service checks the amount, the category and whether a note is needed; this only collects them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from pos_tui.domain.errors import PosError
from pos_tui.domain.money import Currency


@dataclass(frozen=True)
class CashMoveRequest:
    amount: int
    category: str
    note: str


class CashMoveDialog(ModalScreen[CashMoveRequest | None]):
    DEFAULT_CSS = """
    CashMoveDialog { align: center middle; }
    CashMoveDialog > Vertical { width: 56; max-width: 98%; height: auto; padding: 0 2; background: $panel;
        border: round $warning; }
    CashMoveDialog Label { margin-top: 1; }
    CashMoveDialog #move-error { color: $error; }
    CashMoveDialog #move-note-help { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, currency: Currency, categories: list[str], *, note_label: str = "Note") -> None:
        super().__init__()
        self.title_text = title
        self.currency = currency
        self.categories = categories
        self.note_label = note_label

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Label("Amount")
            yield Input(id="move-amount", placeholder="0.00", restrict=r"[0-9.,]*", compact=True)
            if self.categories:
                yield Label("Category")
                yield Select([(c, c) for c in self.categories], value=self.categories[0], allow_blank=False,
                             id="move-category", compact=True)
            yield Label(self.note_label, markup=False)
            yield Input(id="move-note", placeholder="who was paid, for what", compact=True)
            yield Static("", id="move-error", markup=False)
            yield Static("Enter: next / OK   Esc: cancel", id="move-note-help")

    def on_mount(self) -> None:
        self.query_one("#move-amount", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "move-amount":
            self.query_one("#move-note", Input).focus()
            return
        try:
            amount = self.currency.parse(self.query_one("#move-amount", Input).value)
        except PosError as error:
            self.query_one("#move-error", Static).update(str(error))
            self.query_one("#move-amount", Input).focus()
            return
        category = str(self.query_one("#move-category", Select).value) if self.categories else ""
        self.dismiss(CashMoveRequest(amount, category, self.query_one("#move-note", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
