"""A portion and its modifiers by digit keys: the first digit picks the portion (when the item has
several), the next ones toggle modifiers from the item's allowed list; Enter adds the line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Static

from pos_tui.domain.restaurant_events import Modifier
from pos_tui.services.catalog.products import Product


@dataclass(frozen=True)
class PortionChoice:
    product: Product
    modifiers: tuple[str, ...]


class PortionDialog(ModalScreen[PortionChoice | None]):
    DEFAULT_CSS = """
    PortionDialog { align: center middle; }
    PortionDialog > Vertical { width: 60; max-width: 95%; height: auto; padding: 1 2; background: $panel;
        border: round $primary; }
    PortionDialog .caption { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="portion.cancel"),
        Binding("enter", "take", "Add", id="portion.add"),
    ]

    def __init__(self, portions: list[Product], modifiers: list[Modifier], money: object) -> None:
        super().__init__()
        self.portions = portions
        self.modifiers = modifiers
        self.money = money
        self.portion = 0
        self.chosen: list[int] = []
        # The first digit picks a portion only where there is a choice of them.
        self.picking_portion = len(portions) > 1

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.portions[0].group or self.portions[0].name
            yield Static(id="portion-body", markup=False)
            yield Static("digits: portion, then modifiers   Enter: add   Esc: cancel", classes="caption")

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        show = self.money  # a formatter of minor units
        rows = []
        if len(self.portions) > 1:
            rows.append("Portion" + (" (press its digit)" if self.picking_portion else ""))
            rows += [f" {'>' if n == self.portion else ' '} {n + 1} {p.variant or p.name}  {show(p.price)}"  # type: ignore[operator]
                     for n, p in enumerate(self.portions)]
        if self.modifiers:
            rows.append("Modifiers")
            rows += [f" {'[x]' if n in self.chosen else '[ ]'} {n + 1} {m.name}"
                     + (f"  +{show(m.price)}" if m.price else "") for n, m in enumerate(self.modifiers)]  # type: ignore[operator]
        self.query_one("#portion-body", Static).update("\n".join(rows))

    def on_key(self, event: Key) -> None:
        if event.character is None or not event.character.isdigit() or event.character == "0":
            return
        event.stop()
        n = int(event.character) - 1
        if self.picking_portion:
            if n < len(self.portions):
                self.portion, self.picking_portion = n, False
        elif n < len(self.modifiers):
            self.chosen = [c for c in self.chosen if c != n] if n in self.chosen else [*self.chosen, n]
        self.show()

    def action_take(self) -> None:
        self.dismiss(PortionChoice(self.portions[self.portion], tuple(self.modifiers[n].name for n in self.chosen)))

    def action_cancel(self) -> None:
        self.dismiss(None)
