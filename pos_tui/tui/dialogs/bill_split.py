"""How the table pays: the whole bill, one seat's lines, or N equal parts (a number and Enter)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from pos_tui.domain.bill_parts import MAX_PARTS, part_totals


@dataclass(frozen=True)
class SplitChoice:
    how: str  # "whole", "seat", "parts"
    number: int = 0  # the seat, or how many parts


class SplitDialog(ModalScreen[SplitChoice | None]):
    DEFAULT_CSS = """
    SplitDialog { align: center middle; }
    SplitDialog > Vertical { width: 64; max-width: 95%; height: auto; padding: 1 2; background: $panel;
        border: round $primary; }
    SplitDialog #split-error { color: $error; height: auto; }
    SplitDialog .caption { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="split.cancel")]

    def __init__(self, table: int, total: int, seats: dict[int, int], show: object) -> None:
        """``seats``: seat -> what its lines come to (0 for lines of the whole table)."""
        super().__init__()
        self.table = table
        self.total = total
        self.seats = seats
        self.show = show

    def compose(self) -> ComposeResult:
        money = self.show
        with Vertical() as box:
            box.border_title = f"Table {self.table}: {money(self.total)}"  # type: ignore[operator]
            rows = ["Enter alone: the whole bill", "s2 Enter: seat 2's lines", "3 Enter: three equal parts", ""]
            rows += [f"  seat {seat}: {money(amount)}" if seat else f"  table: {money(amount)}"  # type: ignore[operator]
                     for seat, amount in sorted(self.seats.items())]
            yield Static("\n".join(rows), id="split-seats", markup=False)
            yield Input(placeholder="parts, or s and a seat", id="split-input", compact=True)
            yield Static("", id="split-preview", classes="caption", markup=False)
            yield Static("", id="split-error", markup=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        typed = event.value.strip()
        preview = ""
        if typed.isdigit() and 0 < int(typed) <= MAX_PARTS:
            parts = part_totals(self.total, int(typed))
            preview = ", ".join(self.show(p) for p in parts[:4]) + (" ..." if len(parts) > 4 else "")  # type: ignore[operator]
        self.query_one("#split-preview", Static).update(preview)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip().lower()
        error = self.query_one("#split-error", Static)
        if not typed:
            self.dismiss(SplitChoice("whole"))
        elif typed.startswith("s") and typed[1:].isdigit():
            seat = int(typed[1:])
            if seat not in self.seats:
                error.update(f"Seat {seat} has nothing to pay. Seats here: {', '.join(map(str, sorted(self.seats)))}.")
                return
            self.dismiss(SplitChoice("seat", seat))
        elif typed.isdigit() and 1 <= int(typed) <= MAX_PARTS:
            self.dismiss(SplitChoice("parts", int(typed)))
        else:
            error.update(f"{typed!r}: type 1 to {MAX_PARTS} parts, or s and a seat (s2); nothing was changed.")

    def action_cancel(self) -> None:
        self.dismiss(None)
