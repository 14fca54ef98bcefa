"""The quick-key grid: goods without a barcode in two key presses, a category's key then an item's.
Returns the product id picked, or None (Escape)."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from pos_tui.domain.money import Currency
from pos_tui.services.inventory.quick_keys import QuickCategory

_COLUMNS = 3
_CELL = 24


class QuickKeyDialog(ModalScreen[int | None]):
    DEFAULT_CSS = """
    QuickKeyDialog { align: center middle; }
    QuickKeyDialog > Vertical { width: 80; max-width: 98%; height: auto; max-height: 95%; padding: 1 2;
        background: $panel; border: round $primary; }
    QuickKeyDialog #quick-grid { height: auto; }
    QuickKeyDialog #quick-note { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back", id="dialog.cancel")]

    def __init__(self, categories: tuple[QuickCategory, ...], currency: Currency) -> None:
        super().__init__()
        self.categories = categories
        self.currency = currency
        self.chosen: QuickCategory | None = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Quick keys"
            yield Static("", id="quick-grid", markup=False)
            yield Static("", id="quick-note", markup=False)

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        if self.chosen is None:
            cells = [f"[{c.key}] {c.category}" for c in self.categories]
            note = "A key picks a category   Esc: close" if cells else "No product has a quick key yet: " \
                "`pos product quick-key CODE --position 1`.   Esc: close"
        else:
            cells = [f"[{i.key}] {i.name} {self.currency.format(i.price, symbol=False)}" for i in self.chosen.items]
            note = f"{self.chosen.category}: a key adds the item (a quantity typed first counts)   Esc: back"
        rows = [cells[n:n + _COLUMNS] for n in range(0, len(cells), _COLUMNS)]
        grid = "\n".join("".join(cell[:_CELL - 1].ljust(_CELL) for cell in row) for row in rows)
        self.query_one("#quick-grid", Static).update(grid)
        self.query_one("#quick-note", Static).update(note)

    def on_key(self, event: events.Key) -> None:
        key = (event.character or "").lower()
        if not key:
            return
        if self.chosen is None:
            found = next((c for c in self.categories if c.key == key), None)
            if found is not None:
                event.stop()
                self.chosen = found
                self.show()
            return
        item = next((i for i in self.chosen.items if i.key == key), None)
        if item is not None:
            event.stop()
            self.dismiss(item.product_id)

    def action_back(self) -> None:
        if self.chosen is None:
            self.dismiss(None)
            return
        self.chosen = None
        self.show()
