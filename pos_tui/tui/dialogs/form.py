"""Forms: the keys every dialog with fields obeys, and a small form of labelled text fields.

The rule for every form (`Form`): Enter moves to the next field and submits only from the last one
(a form may add an explicit key, like F12 for a refund; a field of many codes takes Enter after each code,
so a scanner can fill it, and moves on at a second Enter); a form the till refuses stays open with
what was typed and says why; and keys typed into a field stay in the form (they never reach the
screen underneath, whose single-letter keys open other dialogs).

A form that is given ``act`` runs it (in a worker: it may ask a supervisor) before it closes: a
refusal (a `PosError`) shows in the form instead of closing it. What ``act`` returns, if callable, is
called on the UI thread once the form has closed (to open the next dialog, say, never under this one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from textual import work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, RadioSet, Select, Static

from pos_tui.domain.errors import PosError

T = TypeVar("T")
FIELD_TYPES = (Input, Select, Checkbox, RadioSet)


@dataclass
class FormRefused(Message):
    """The till refused what the form asked for: the form stays open and says why."""

    text: str


@dataclass
class FormAccepted(Message):
    result: object
    then: object  # what ``act`` returned: called after the form closes, if callable


class Form(ModalScreen[T]):
    """A modal form: Enter walks the fields and submits from the last; see the module's rule."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next_field", "Next", show=False, priority=True, id="form.next"),
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]
    ERROR_ID = "form-error"  # the Static that shows a refusal
    busy = False  # ``act`` is running: a second Enter does not run it twice

    def form_fields(self) -> list[Widget]:
        """The fields Enter walks through, in order (the ones that can take the focus now)."""
        return [w for w in self.query("*") if isinstance(w, FIELD_TYPES) and w.focusable]

    def action_next_field(self) -> None:
        fields = self.form_fields()
        focused = self.focused
        if focused not in fields:
            raise SkipAction()  # an open Select's list, a button...: Enter does what it does there
        index = fields.index(focused)  # type: ignore[arg-type]
        if index + 1 < len(fields):
            fields[index + 1].focus()
        else:
            self.submit()

    def submit(self) -> None:
        """Check what was typed and close (or `attempt`); Enter on the last field and explicit keys call it."""
        raise NotImplementedError

    def refuse(self, text: str, field: Widget | None = None) -> None:
        """Say why and stay open, everything typed kept; ``field`` gets the focus."""
        self.app.bell()
        self.query_one(f"#{self.ERROR_ID}", Static).update(text)
        if field is not None:
            field.focus()

    def attempt(self, act: Callable[[], object], result: T) -> None:
        """Run ``act`` (a service call, in a worker); close with ``result`` when it is done, stay on a refusal.

        If ``act`` returns a callable, it is called once the form has closed."""
        if self.busy:
            return
        self.busy = True
        self.query_one(f"#{self.ERROR_ID}", Static).update("Saving…")
        self._attempt(act, result)

    @work(thread=True, exclusive=True, exit_on_error=False, group="form")
    def _attempt(self, act: Callable[[], object], result: T) -> None:
        try:
            then = act()
        except PosError as error:
            self.post_message(FormRefused(str(error)))
            return
        self.post_message(FormAccepted(result, then))

    def on_form_refused(self, message: FormRefused) -> None:
        message.stop()
        self.busy = False
        self.refuse(message.text)

    def on_form_accepted(self, message: FormAccepted) -> None:
        message.stop()
        self.dismiss(message.result)  # type: ignore[arg-type]
        if callable(message.then):
            message.then()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter is the form's (``action_next_field``); a field's own submit goes no further

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: str = ""
    password: bool = False
    choices: tuple[str, ...] = ()
    """When given, the answer must be one of these (offered as you type; Right arrow takes the suggestion)."""
    many: bool = False
    """A list of codes, scanned one after another: Enter after a code adds a space and stays (a scanner
    ends each code with Enter); Enter again, after the space, moves on."""


Answer = dict[str, str]


class FormDialog(Form[Answer | None]):
    """A few labelled text fields; returns the texts typed, or None on Escape.

    ``act``, if given, is run with the texts before the form closes: what it refuses keeps the form
    open (see `Form.attempt`)."""

    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    FormDialog > Vertical { width: 60; max-width: 95%; height: auto; padding: 1 2; background: $panel;
        border: round $primary; }
    FormDialog Label { margin-top: 1; }
    FormDialog #form-error { color: $error; height: auto; }
    FormDialog #form-note { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, title: str, fields: list[Field], note: str = "", *,
                 act: Callable[[Answer], object] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.note = note
        self.act = act

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            for field in self.fields:
                label = f"{field.label}: {', '.join(field.choices)}" if field.choices else field.label
                yield Label(label, markup=False)
                suggester = SuggestFromList(field.choices, case_sensitive=False) if field.choices else None
                yield Input(field.value, id=f"f-{field.name}", password=field.password, compact=True,
                            select_on_focus=True, suggester=suggester)
            yield Static("", id="form-error", markup=False)
            yield Static(self.note or "Enter: next / OK   Esc: cancel", id="form-note", markup=False)

    def action_next_field(self) -> None:
        focused = self.focused
        many = {f"f-{field.name}" for field in self.fields if field.many}
        if isinstance(focused, Input) and focused.id in many and focused.value.strip() \
                and not focused.value.endswith(" "):
            focused.value += " "
            focused.cursor_position = len(focused.value)
            return
        super().action_next_field()

    def answer(self) -> Answer:
        return {field.name: self.query_one(f"#f-{field.name}", Input).value for field in self.fields}

    def submit(self) -> None:
        for field in self.fields:  # a field with choices takes one of them, nothing else
            typed = self.query_one(f"#f-{field.name}", Input)
            if field.choices and typed.value.strip() not in field.choices:
                self.refuse(f"{field.label}: pick one of {', '.join(field.choices)}.", typed)
                return
        answer = self.answer()
        if self.act is None:
            self.dismiss(answer)
            return
        act = self.act
        self.attempt(lambda: act(answer), answer)
