"""A small form: a few labelled fields, Enter to go on, Escape to cancel. Returns the texts typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: str = ""
    password: bool = False
    choices: tuple[str, ...] = ()
    """When given, the answer must be one of these (offered as you type; Right arrow takes the suggestion)."""


class FormDialog(ModalScreen[dict[str, str] | None]):
    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    FormDialog > Vertical { width: 60; max-width: 95%; height: auto; padding: 1 2; background: $panel;
        border: round $primary; }
    FormDialog Label { margin-top: 1; }
    FormDialog #form-note { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, fields: list[Field], note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            for field in self.fields:
                label = f"{field.label}: {', '.join(field.choices)}" if field.choices else field.label
                yield Label(label, markup=False)
                suggester = SuggestFromList(field.choices, case_sensitive=False) if field.choices else None
                yield Input(field.value, id=f"f-{field.name}", password=field.password, compact=True,
                            select_on_focus=True, suggester=suggester)
            yield Static(self.note or "Enter: next / OK   Esc: cancel", id="form-note", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        field = self.fields[index]
        if field.choices and event.value.strip() not in field.choices:
            self.query_one("#form-note", Static).update(f"{field.label}: pick one of {', '.join(field.choices)}.")
            return
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
            return
        self.dismiss({field.name: self.query_one(f"#f-{field.name}", Input).value for field in self.fields})

    def action_cancel(self) -> None:
        self.dismiss(None)
