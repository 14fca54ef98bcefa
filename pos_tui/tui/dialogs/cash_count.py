"""Counting the drawer by notes and coins: one field per denomination from config, a running total.

Keypad friendly: digits only, Enter or Down to the next note, Up back, Enter on the last field (or
Ctrl+S anywhere) finishes. A blind count (closing a shift) shows only what was counted: the expected
amount is revealed by the shift report after the count is recorded.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from pos_tui.domain.cash_events import DenominationCount
from pos_tui.domain.money import Currency

Counts = tuple[DenominationCount, ...]


class CountDialog(ModalScreen[Counts | None]):
    DEFAULT_CSS = """
    CountDialog { align: center middle; }
    CountDialog > Vertical { width: 44; max-width: 98%; height: auto; max-height: 100%; padding: 0 1;
        background: $panel; border: round $primary; }
    CountDialog #count-why { color: $text-muted; }
    CountDialog Grid { grid-size: 3; grid-columns: 14 9 1fr; grid-rows: 1; height: auto; }
    CountDialog Grid Label { width: 100%; text-align: right; padding-right: 1; }
    CountDialog Grid .line-total { width: 100%; text-align: right; color: $text-muted; }
    CountDialog #count-total { text-style: bold; text-align: right; width: 100%; color: $success; }
    CountDialog #count-note { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "finish", "Done", priority=True, id="count.done"),
        Binding("down", "move(1)", "Next", show=False, priority=True, id="count.next"),
        Binding("up", "move(-1)", "Back", show=False, priority=True, id="count.back"),
    ]

    def __init__(self, title: str, why: str, denominations: list[int], currency: Currency) -> None:
        super().__init__()
        self.title_text = title
        self.why = why
        self.denominations = denominations
        self.currency = currency

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(self.why, id="count-why", markup=False)
            with Grid():
                for value in self.denominations:
                    yield Label(f"{self.currency.format(value, symbol=False)} ×", markup=False)
                    yield Input(id=f"n-{value}", placeholder="0", restrict=r"[0-9]*", max_length=7, compact=True,
                                select_on_focus=True)
                    yield Static("", id=f"t-{value}", classes="line-total", markup=False)
            yield Static(self._total_text(), id="count-total", markup=False)
            yield Static("Enter/↓ next  ↑ back  Enter on last or Ctrl+S: done  Esc: cancel", id="count-note")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def counts(self) -> Counts:
        found = []
        for value in self.denominations:
            text = self.query_one(f"#n-{value}", Input).value.strip()
            if text:
                found.append(DenominationCount(value, int(text)))
        return tuple(found)

    def _total_text(self, counts: Counts = ()) -> str:
        return "Counted " + self.currency.format(sum(c.value * c.count for c in counts))

    def on_input_changed(self, event: Input.Changed) -> None:
        value = int((event.input.id or "n-0")[2:])
        pieces = int(event.value) if event.value.strip() else 0
        line = self.currency.format(value * pieces, symbol=False) if pieces else ""
        self.query_one(f"#t-{value}", Static).update(line)
        self.query_one("#count-total", Static).update(self._total_text(self.counts()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        fields = list(self.query(Input))
        if event.input is fields[-1]:
            self.action_finish()
        else:
            self.action_move(1)

    def action_move(self, step: int) -> None:
        fields = list(self.query(Input))
        focused = self.focused
        index = fields.index(focused) if isinstance(focused, Input) and focused in fields else 0
        fields[max(0, min(len(fields) - 1, index + step))].focus()

    def action_finish(self) -> None:
        self.dismiss(self.counts())

    def action_cancel(self) -> None:
        self.dismiss(None)
