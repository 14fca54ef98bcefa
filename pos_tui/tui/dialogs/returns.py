"""A return against a receipt: tick the lines coming back, give a reason, choose the refund method."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from pos_tui.domain.money import Currency, format_quantity
from pos_tui.services.daybook import SoldLine


@dataclass(frozen=True)
class ReturnRequest:
    sale_ref: str
    items: list[tuple[int, int]]
    reason: str
    method: str


class ReturnDialog(ModalScreen[ReturnRequest | None]):
    DEFAULT_CSS = """
    ReturnDialog { align: center middle; }
    ReturnDialog > Vertical { width: 72; max-width: 98%; height: auto; max-height: 98%; padding: 0 2;
        background: $panel; border: round $error; }
    ReturnDialog SelectionList { height: auto; max-height: 12; }
    ReturnDialog #return-error { color: $error; }
    ReturnDialog .caption { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("f12", "confirm", "Refund", priority=True, id="return.confirm"),
    ]

    def __init__(self, sale_ref: str, lines: list[SoldLine], currency: Currency, methods: dict[str, str]) -> None:
        super().__init__()
        self.sale_ref = sale_ref
        self.lines = lines
        self.currency = currency
        self.methods = methods

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Return against {self.sale_ref}"
            yield Label("Space ticks the lines coming back (whole remaining quantity):", classes="caption")
            yield SelectionList[int](
                *(
                    Selection(
                        f"{line.line_no}. {line.name[:34]}  {format_quantity(line.returnable)} of "
                        f"{format_quantity(line.quantity)}  {self.currency.format(line.gross)}",
                        line.line_no,
                        disabled=line.returnable <= 0,
                    )
                    for line in self.lines
                ),
                id="return-lines",
            )
            yield Label("Reason")
            yield Input(placeholder="damaged, wrong size, changed mind…", id="reason", compact=True)
            yield Label("Refund by")
            yield Select([(label, code) for code, label in self.methods.items()], value=next(iter(self.methods)),
                         allow_blank=False, id="refund-method", compact=True)
            yield Static("", id="return-error", markup=False)
            yield Static("F12: refund   Esc: cancel", classes="caption")

    def on_input_submitted(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        chosen = self.query_one(SelectionList).selected
        reason = self.query_one("#reason", Input).value.strip()
        error = self.query_one("#return-error", Static)
        if not chosen:
            error.update("Tick at least one line (Space).")
            return
        if not reason:
            error.update("A return needs a reason.")
            self.query_one("#reason", Input).focus()
            return
        by_no = {line.line_no: line for line in self.lines}
        method = str(self.query_one("#refund-method", Select).value)
        self.dismiss(ReturnRequest(self.sale_ref, [(n, by_no[n].returnable) for n in chosen], reason, method))

    def action_cancel(self) -> None:
        self.dismiss(None)
