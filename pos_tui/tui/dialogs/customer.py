"""Attach a customer at the counter: type part of a phone number, a name or an email (or scan their
card) and Enter takes the first match; arrows pick another; Ctrl+N adds a new one (name and phone)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

NEW_CUSTOMER = -1
DETACH = 0

Finder = Callable[[str], list[tuple[int, str]]]


class CustomerDialog(ModalScreen[int | None]):
    """Dismissed with a customer id, ``NEW_CUSTOMER`` (Ctrl+N), ``DETACH`` (Ctrl+X) or None (Esc)."""

    DEFAULT_CSS = """
    CustomerDialog { align: center middle; }
    CustomerDialog > Vertical { width: 76; max-width: 95%; height: auto; max-height: 90%; padding: 1 2;
        background: $panel; border: round $primary; }
    CustomerDialog OptionList { height: auto; max-height: 12; }
    CustomerDialog #customer-error { color: $error; }
    CustomerDialog #customer-note { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("up", "move(-1)", "Up", show=False, priority=True, id="customer.up"),
        Binding("down", "move(1)", "Down", show=False, priority=True, id="customer.down"),
        Binding("ctrl+n", "new", "New customer", priority=True, id="customer.new"),
        Binding("ctrl+x", "detach", "Detach", priority=True, id="customer.detach"),
    ]

    def __init__(self, find: Finder, attached: str = "") -> None:
        """``find``: typed text -> (customer id, one line about them); raises PosError to say why not."""
        super().__init__()
        self.find = find
        self.attached = attached

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Customer"
            yield Input(placeholder="Phone, name, email, or scan the card", id="customer-query", compact=True)
            yield OptionList(id="customer-results")
            yield Static("", id="customer-error", markup=False)
            detach = "   Ctrl+X: detach " + self.attached if self.attached else ""
            yield Static(f"Enter: attach   ↑↓ choose   Ctrl+N: new customer{detach}   Esc: cancel",
                         id="customer-note", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, text: str) -> bool:
        from pos_tui.domain.errors import PosError

        results = self.query_one(OptionList)
        error = self.query_one("#customer-error", Static)
        results.clear_options()
        error.update("")
        if not text.strip():
            return False
        try:
            found = self.find(text)
        except PosError as refused:
            error.update(str(refused))
            return False
        results.add_options([Option(Content(line), id=str(customer_id)) for customer_id, line in found])
        if found:
            results.highlighted = 0
        else:
            error.update("No customer matches. Ctrl+N adds a new one.")
        return bool(found)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        results = self.query_one(OptionList)
        if results.option_count == 0 and not self._search(event.value):
            return
        index = results.highlighted or 0
        option_id = results.get_option_at_index(index).id
        if option_id is not None:
            self.dismiss(int(option_id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_move(self, step: int) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            results.highlighted = max(0, min(results.option_count - 1, (results.highlighted or 0) + step))

    def action_new(self) -> None:
        self.dismiss(NEW_CUSTOMER)

    def action_detach(self) -> None:
        if self.attached:
            self.dismiss(DETACH)

    def action_cancel(self) -> None:
        self.dismiss(None)
