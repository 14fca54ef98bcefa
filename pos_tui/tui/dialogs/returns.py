"""A return: how much of each line comes back, a reason, how the money goes back, and whether the goods
go back on the shelf or are written off.

Against a receipt, each sold line has its own quantity field: type a part (2 of 5, 0.25 kg of 1 kg), or
press Space for the whole quantity still returnable. Without a receipt, the items scanned into the cart
come back whole. Enter moves to the next field and refunds from the last; F12 refunds from anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Select, Static

from pos_tui.domain.errors import PosError
from pos_tui.domain.money import Currency, format_quantity
from pos_tui.domain.scan import parse_quantity
from pos_tui.services.cash.daybook import SoldLine
from pos_tui.tui.dialogs.form import Form


@dataclass(frozen=True)
class ReturnRequest:
    sale_ref: str  # "" for a return without a receipt (the cart's items come back)
    items: list[tuple[int, int]]  # (receipt line number, quantity in thousandths); [] without a receipt
    reason: str
    method: str
    restock: bool = True  # False: written off (damaged goods do not go back on the shelf)


STOCK_CHOICES = (("Back on the shelf (restock)", "restock"), ("Write off (not resold)", "write-off"))


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


class ReturnDialog(Form[ReturnRequest | None]):
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
        Binding("f12", "confirm", "Refund", priority=True, id="return.confirm"),
        Binding("space", "whole_line", "All of the line", priority=True, id="return.whole_line"),
    ]
    ERROR_ID = "return-error"

    def __init__(self, sale_ref: str, lines: list[SoldLine], currency: Currency, methods: dict[str, str],
                 reasons: tuple[str, ...] = (), *, act: Callable[[ReturnRequest], object] | None = None) -> None:
        """``sale_ref`` "": a return without a receipt of ``lines`` (the cart's), whole; ``reasons``: the
        store's list (empty: any); ``act``: see `Form`."""
        super().__init__()
        self.reasons = reasons  # [inventory] return_reasons: the answer must be one of them
        self.sale_ref = sale_ref
        self.lines = lines
        self.currency = currency
        self.methods = methods
        self.act = act

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            if self.sale_ref:
                box.border_title = f"Return against {self.sale_ref}"
                yield Label("How much of each line comes back (Space: all of it):", classes="caption")
            else:
                box.border_title = "Return without a receipt"
                yield Label("These come back, at today's price (the cart's items):", classes="caption")
            with VerticalScroll():
                for line in self.lines:
                    with Horizontal(classes="return-line"):
                        if self.sale_ref:
                            yield Label(f"{line.line_no}. {line.name[:36]}  {format_quantity(line.returnable)} of "
                                        f"{format_quantity(line.quantity)} {line.unit}  "
                                        f"{self.currency.format(line.gross)}", markup=False)
                            yield QuantityField(placeholder="0", id=f"qty-{line.line_no}", compact=True,
                                                restrict=r"[0-9.,]*", disabled=line.returnable <= 0,
                                                select_on_focus=True)
                        else:
                            yield Label(f"{line.line_no}. {line.name[:44]}  {format_quantity(line.quantity)} "
                                        f"{line.unit}  {self.currency.format(line.gross)}", markup=False)
            yield Label(f"Reason: {', '.join(self.reasons)}" if self.reasons else "Reason", markup=False)
            yield Input(placeholder="damaged, wrong size, changed mind…", id="reason", compact=True,
                        suggester=SuggestFromList(self.reasons, case_sensitive=False) if self.reasons else None)
            yield Label("Refund by")
            yield Select([(label, code) for code, label in self.methods.items()], value=next(iter(self.methods)),
                         allow_blank=False, id="refund-method", compact=True)
            yield Label("The goods")
            yield Select(STOCK_CHOICES, value="restock", allow_blank=False, id="stock", compact=True)
            yield Static("", id="return-error", markup=False)
            yield Static("Enter: next (on the last: refund)   ↓: choices   F12: refund   Esc: cancel",
                         classes="caption")

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

    def action_confirm(self) -> None:
        self.submit()

    def submit(self) -> None:
        items: list[tuple[int, int]] = []
        if self.sale_ref:
            typed = {int((field.id or "qty-0")[4:]): field.value for field in self.quantity_fields()}
            items, problems = returned_items(self.lines, typed)
            if problems:
                self.refuse("\n".join(problems))
                return
            if not items:
                self.refuse("Type how much comes back on at least one line (Space: all of it).")
                return
        reason = self.query_one("#reason", Input)
        if not reason.value.strip() or (self.reasons and reason.value.strip() not in self.reasons):
            self.refuse(f"A return needs a reason: {', '.join(self.reasons)}." if self.reasons
                        else "A return needs a reason.", reason)
            return
        method = str(self.query_one("#refund-method", Select).value)
        restock = self.query_one("#stock", Select).value == "restock"
        request = ReturnRequest(self.sale_ref, items, reason.value.strip(), method, restock)
        if self.act is None:
            self.dismiss(request)
            return
        act = self.act
        self.attempt(lambda: act(request), request)
