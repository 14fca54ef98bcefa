"""Cash in or out of the drawer outside a sale: amount, category (from config) and a note.

Used for paid-in, paid-out, an expense from the safe and a drop (which has no category). The
service checks the amount, the category and whether a note is needed; this only collects them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from pos_tui.domain.errors import PosError
from pos_tui.domain.money import Currency
from pos_tui.tui.dialogs.form import Form


@dataclass(frozen=True)
class CashMoveRequest:
    amount: int
    category: str
    note: str


class CashMoveDialog(Form[CashMoveRequest | None]):
    """Enter walks amount, category and note and records from the note (the `Form` rule); ``act``, if
    given, records the move before the dialog closes, so a refusal keeps what was typed."""

    DEFAULT_CSS = """
    CashMoveDialog { align: center middle; }
    CashMoveDialog > Vertical { width: 56; max-width: 98%; height: auto; padding: 0 2; background: $panel;
        border: round $warning; }
    CashMoveDialog Label { margin-top: 1; }
    CashMoveDialog #move-error { color: $error; }
    CashMoveDialog #move-note-help { color: $text-muted; margin-top: 1; }
    """
    ERROR_ID = "move-error"

    def __init__(self, title: str, currency: Currency, categories: list[str], *, note_label: str = "Note",
                 act: Callable[[CashMoveRequest], object] | None = None) -> None:
        super().__init__()
        self.act = act
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

    def submit(self) -> None:
        amount_field = self.query_one("#move-amount", Input)
        try:
            amount = self.currency.parse(amount_field.value)
        except PosError as error:
            self.refuse(str(error), amount_field)
            return
        category = str(self.query_one("#move-category", Select).value) if self.categories else ""
        request = CashMoveRequest(amount, category, self.query_one("#move-note", Input).value)
        if self.act is None:
            self.dismiss(request)
            return
        act = self.act
        self.attempt(lambda: act(request), request)
