"""Quitting with a cart on the counter: park it, throw it away (the journal keeps it), or stay."""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

QuitChoice = Literal["park", "discard"]


class QuitDialog(ModalScreen[QuitChoice | None]):
    """P parks the cart and quits, D throws it away and quits, Esc (or S) stays; Enter parks, the kind default.

    ``may_discard`` False (the till is locked: nobody at it can answer for a thrown-away cart) offers
    park or stay only."""

    DEFAULT_CSS = """
    QuitDialog { align: center middle; }
    QuitDialog > Vertical { width: 64; max-width: 95%; height: auto; padding: 1 2; background: $panel;
        border: round $warning; }
    QuitDialog #quit-note { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p,enter", "choose('park')", "Park and quit", priority=True, id="quit.park"),
        Binding("d", "choose('discard')", "Discard and quit", priority=True, id="quit.discard"),
        Binding("escape,s", "choose(None)", "Stay", priority=True, id="quit.stay"),
    ]

    def __init__(self, question: str, *, may_discard: bool = True) -> None:
        super().__init__()
        self.question = question
        self.may_discard = may_discard

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Quit the till?"
            yield Static(self.question, markup=False)
            discard = "   D: discard it and quit" if self.may_discard else ""
            yield Static(f"Enter/P: park it and quit{discard}   Esc/S: stay", id="quit-note", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters and parameters[0] == "discard":
            return self.may_discard
        return True

    def action_choose(self, choice: QuitChoice | None) -> None:
        self.dismiss(choice)
