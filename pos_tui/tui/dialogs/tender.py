"""Paying: cash with quick amounts and change in big digits, card, wallet, or a split of them.

Returns the tenders taken, or None when the cashier backs out. ``settle`` in the domain has the last
word on whether they pay the total; this dialog only gathers them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Digits, Input, Label, Static

from pos_tui.domain.errors import PosError
from pos_tui.domain.giftcards import GIFT_CARD_TENDER
from pos_tui.domain.money import Currency
from pos_tui.domain.tender import Tender, TenderMethod

METHOD_KEYS = ("f5", "f6", "f7", "f8", "f9", "f12")  # F10 and F11 stay lock and help everywhere


def quick_amounts(due: int, exponent: int, count: int = 3) -> list[int]:
    """The exact amount and the next round notes above it (100, 500, 1000, 5000 major units)."""
    major = 10**exponent
    found = [due]
    for note in (100, 500, 1000, 5000, 10000):
        step = note * major
        amount = -(-due // step) * step
        if amount > found[-1] and len(found) <= count:
            found.append(amount)
    return found


class TenderDialog(ModalScreen[list[Tender] | None]):
    DEFAULT_CSS = """
    TenderDialog { align: center middle; }
    TenderDialog > Vertical { width: 64; max-width: 98%; height: auto; max-height: 100%; padding: 0 2;
        background: $panel; border: round $primary; }
    TenderDialog #due { color: $primary; width: auto; }
    TenderDialog #change { color: $success; width: auto; }
    TenderDialog .caption { color: $text-muted; }
    TenderDialog #method { text-style: bold; color: $accent; }
    TenderDialog #quick { height: auto; }
    TenderDialog #quick Button { min-width: 12; margin-right: 1; }
    TenderDialog #taken { color: $text-muted; }
    TenderDialog #tender-error { color: $error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back to cart", id="tender.cancel"),
        Binding("up", "quick(-1)", "Quick amount", show=False, priority=True, id="tender.quick_prev"),
        Binding("down", "quick(1)", "Quick amount", show=False, priority=True, id="tender.quick_next"),
    ]

    def __init__(self, total: int, currency: Currency, methods: dict[str, TenderMethod],
                 card_tender: Callable[[str, int], Tender] | None = None) -> None:
        """``card_tender(number, amount)``: a gift card payment checked against the card (or refused)."""
        super().__init__()
        self.card_tender = card_tender
        self.total = total
        self.currency = currency
        self.methods = methods
        self.method = next((code for code, m in methods.items() if m.is_cash), next(iter(methods)))
        self.tenders: list[Tender] = []
        self.quick_index = -1
        for key, code in zip(METHOD_KEYS, methods, strict=False):
            self._bindings.bind(key, f"method('{code}')", methods[code].label, priority=True)

    @property
    def remaining(self) -> int:
        return max(self.total - sum(t.amount for t in self.tenders), 0)

    def compose(self) -> ComposeResult:
        money = self.currency.format
        with Vertical() as box:
            box.border_title = "Payment"
            yield Label("DUE", classes="caption")
            yield Digits(money(self.total, symbol=False), id="due")
            yield Label("", id="method")
            yield Input(placeholder="amount (Enter = exact)", id="amount", compact=True)
            with Horizontal(id="quick"):
                yield from self._quick_buttons()
            yield Label("CHANGE", classes="caption")
            yield Digits(money(0, symbol=False), id="change")
            yield Static("", id="taken", markup=False)
            yield Static("", id="tender-error", markup=False)
            keys = "  ".join(f"{k.upper()} {self.methods[c].label}" for k, c in zip(METHOD_KEYS, self.methods,
                                                                                     strict=False))
            yield Static(f"{keys}  ↑↓ quick amounts  Enter: take  Esc: back", classes="caption")

    def _quick_buttons(self) -> list[Button]:
        money = self.currency.format
        return [Button(money(amount, symbol=False), id=f"q{amount}", compact=True)
                for amount in quick_amounts(self.remaining, self.currency.exponent)]

    async def _refresh_quick(self) -> None:
        """The quick amounts of what is still due, after a part was paid."""
        quick = self.query_one("#quick", Horizontal)
        await quick.remove_children()  # first: the new buttons may reuse an old one's id
        await quick.mount_all(self._quick_buttons())

    def on_mount(self) -> None:
        self._show_method()
        self.query_one("#amount", Input).focus()

    def _show_method(self) -> None:
        method = self.methods[self.method]
        remaining = self.currency.format(self.remaining)
        self.query_one("#method", Label).update(f"Paying by {method.label} — still due {remaining}")

    def _typed(self) -> int | None:
        text = self.query_one("#amount", Input).value.strip()
        return None if not text else self.currency.parse(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        try:
            typed = self._typed()
        except PosError:
            typed = None
        given = sum(t.amount for t in self.tenders) + (typed or 0)
        change = max(given - self.total, 0) if self.methods[self.method].is_cash else 0
        self.query_one("#change", Digits).update(self.currency.format(change, symbol=False))
        self.query_one("#tender-error", Static).update("")

    def action_method(self, code: str) -> None:
        self.method = code
        self._show_method()
        self.on_input_changed(None)  # type: ignore[arg-type]

    def action_quick(self, step: int) -> None:
        amounts = quick_amounts(self.remaining, self.currency.exponent)
        self.quick_index = (self.quick_index + step) % len(amounts)
        field = self.query_one("#amount", Input)
        field.value = self.currency.format(amounts[self.quick_index], symbol=False)
        field.cursor_position = len(field.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("q"):
            self.query_one("#amount", Input).value = self.currency.format(int(event.button.id[1:]), symbol=False)
            self._take()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._take()

    def _take(self) -> None:
        error = self.query_one("#tender-error", Static)
        try:
            amount = self._typed()
        except PosError as problem:
            error.update(str(problem))
            return
        amount = self.remaining if amount is None else amount
        if amount <= 0:
            error.update("Type the amount the customer gave.")
            return
        if not self.methods[self.method].is_cash and amount > self.remaining:
            error.update("No change is given on cards: the amount is more than is still due.")
            return
        if self.method == GIFT_CARD_TENDER and self.card_tender is not None:
            self._ask_card(self.card_tender, amount)
            return
        self._append(Tender(self.method, amount))

    def _ask_card(self, card_tender: Callable[[str, int], Tender], amount: int) -> None:
        """The card to take ``amount`` from: scanned or typed, checked against its balance before it counts."""
        from pos_tui.tui.dialogs.form import Field, FormDialog

        def act(answer: dict[str, str]) -> Callable[[], None]:
            return functools.partial(self._append, card_tender(answer["card"], amount))

        self.app.push_screen(FormDialog("Gift card", [Field("card", "Card number (scan the card)")],
                                        f"Paying {self.currency.format(amount)} from the card.", act=act))

    def _append(self, tender: Tender) -> None:
        self.tenders.append(tender)
        if self.remaining == 0:
            self.dismiss(self.tenders)
            return
        taken = ", ".join(f"{self.methods[t.method].label} {self.currency.format(t.amount)}" for t in self.tenders)
        self.query_one("#taken", Static).update(f"Taken: {taken}")
        field = self.query_one("#amount", Input)
        field.value = ""
        self.quick_index = -1
        self._show_method()
        self.call_later(self._refresh_quick)

    def action_cancel(self) -> None:
        self.dismiss(None)
