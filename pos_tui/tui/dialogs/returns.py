"""A return against a receipt: how much of each line comes back, a reason, and how the money goes back.

Each sold line has its own quantity field: type a part (2 of 5, 0.25 kg of 1 kg), or press Space for
the whole quantity still returnable. Enter moves to the next field; F12 refunds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Select, Static

from pos_tui.domain.errors import PosError
from pos_tui.domain.money import Currency, format_quantity
from pos_tui.domain.scan import parse_quantity
from pos_tui.services.cash.daybook import SoldLine


@dataclass(frozen=True)
class ReturnRequest:
    sale_ref: str
    items: list[tuple[int, int]]  # (receipt line number, quantity in thousandths)
    reason: str
    method: str


def returned_items(lines: list[SoldLine], typed: dict[int, str]) -> tuple[list[tuple[int, int]], list[str]]:
    """The (line, quantity) coming back from what was typed per line, and every problem found."""
    items, problems = [], []
    for line in lines:
        text = typed.get(line.line_no, "").strip()
        if not text or text in {"0", "0.0"}:
            continue
        try:
            quantity = parse_quantity(text)
        except PosError as error:
            problems.append(f"Line {line.line_no}: {error}")
            continue
        if quantity > line.returnable:
            problems.append(f"Line {line.line_no}: only {format_quantity(line.returnable)} can come back.")
        elif quantity > 0:
            items.append((line.line_no, quantity))
    return items, problems


class QuantityField(Input):
    """A line's quantity; Space is not typed here but fills in the whole returnable quantity."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key != "space" and super().check_consume_key(key, character)


class ReturnDialog(ModalScreen[ReturnRequest | None]):
    DEFAULT_CSS = """
    ReturnDialog { align: center middle; }
    ReturnDialog > Vertical { width: 76; max-width: 98%; height: auto; max-height: 98%; padding: 0 2;
        background: $panel; border: round $error; }
    ReturnDialog VerticalScroll { height: auto; max-height: 12; }
    ReturnDialog .return-line { height: 1; }
    ReturnDialog .return-line Label { width: 1fr; }
    ReturnDialog .return-line Input { width: 10; }
    ReturnDialog #return-error { color: $error; height: auto; }
    ReturnDialog .caption { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("f12", "confirm", "Refund", priority=True, id="return.confirm"),
        Binding("space", "whole_line", "All of the line", priority=True, id="return.whole_line"),
    ]

    def __init__(self, sale_ref: str, lines: list[SoldLine], currency: Currency, methods: dict[str, str],
                 reasons: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.reasons = reasons  # [inventory] return_reasons: the answer must be one of them
        self.sale_ref = sale_ref
        self.lines = lines
        self.currency = currency
        self.methods = methods

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Return against {self.sale_ref}"
            yield Label("How much of each line comes back (Space: all of it):", classes="caption")
            with VerticalScroll():
                for line in self.lines:
                    with Horizontal(classes="return-line"):
                        yield Label(f"{line.line_no}. {line.name[:36]}  {format_quantity(line.returnable)} of "
                                    f"{format_quantity(line.quantity)} {line.unit}  {self.currency.format(line.gross)}",
                                    markup=False)
                        yield QuantityField(placeholder="0", id=f"qty-{line.line_no}", compact=True,
                                            restrict=r"[0-9.,]*", disabled=line.returnable <= 0, select_on_focus=True)
            yield Label(f"Reason: {', '.join(self.reasons)}" if self.reasons else "Reason", markup=False)
            yield Input(placeholder="damaged, wrong size, changed mind…", id="reason", compact=True,
                        suggester=SuggestFromList(self.reasons, case_sensitive=False) if self.reasons else None)
            yield Label("Refund by")
            yield Select([(label, code) for code, label in self.methods.items()], value=next(iter(self.methods)),
                         allow_blank=False, id="refund-method", compact=True)
            yield Static("", id="return-error", markup=False)
            yield Static("Enter: next   F12: refund   Esc: cancel", classes="caption")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).can_focus = False
        returnable = [field for field in self.quantity_fields() if not field.disabled]
        (returnable[0] if returnable else self.query_one("#reason", Input)).focus()

    def quantity_fields(self) -> list[Input]:
        return [field for field in self.query(Input) if (field.id or "").startswith("qty-")]

    def action_whole_line(self) -> None:
        field = self.focused
        if not isinstance(field, Input) or not (field.id or "").startswith("qty-"):
            return
        line = next(line for line in self.lines if f"qty-{line.line_no}" == field.id)
        field.value = format_quantity(line.returnable)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "reason":
            self.action_confirm()
            return
        self.focus_next()

    def action_confirm(self) -> None:
        typed = {int((field.id or "qty-0")[4:]): field.value for field in self.quantity_fields()}
        items, problems = returned_items(self.lines, typed)
        reason = self.query_one("#reason", Input).value.strip()
        error = self.query_one("#return-error", Static)
        if problems:
            error.update("\n".join(problems))
            return
        if not items:
            error.update("Type how much comes back on at least one line (Space: all of it).")
            return
        if not reason or (self.reasons and reason not in self.reasons):
            error.update(f"A return needs a reason: {', '.join(self.reasons)}." if self.reasons
                         else "A return needs a reason.")
            self.query_one("#reason", Input).focus()
            return
        method = str(self.query_one("#refund-method", Select).value)
        self.dismiss(ReturnRequest(self.sale_ref, items, reason, method))

    def action_cancel(self) -> None:
        self.dismiss(None)
