"""The bucket's totals: items, subtotal, discounts, tax and the total in big digits."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Digits, Static

from pos_tui.domain.cart import PricedCart
from pos_tui.domain.money import Currency


def totals_rows(priced: PricedCart, currency: Currency) -> list[tuple[str, str]]:
    """A pure list of the figures; the same rows serve both the wide and the narrow layout."""
    money = currency.format
    return [
        ("Items", str(priced.item_count)),
        ("Subtotal", money(priced.subtotal)),
        ("Discounts", money(-priced.discount_total) if priced.discount_total else money(0)),
        ("Tax", money(priced.tax_total)),
        ("TOTAL", money(priced.due)),  # with any gift cards sold or reloaded
    ]


def totals_bar(priced: PricedCart, currency: Currency) -> Text:
    """The same figures on two lines, for 80-column terminals."""
    money = currency.format
    text = Text(f"Items {priced.item_count} · Subtotal {money(priced.subtotal)}")
    text.append(f" · Disc {money(-priced.discount_total)}\n")
    text.append(f"Tax {money(priced.tax_total)} · ")
    text.append(f"TOTAL {money(priced.due)}", style="bold")
    return text


class FigureRows(Widget):
    """Label left, figure right, one row each; the last row bold. Plain text cut to the width: a scan
    repaints it in well under a millisecond (a Rich table measured itself several times a frame)."""

    DEFAULT_CSS = "FigureRows { height: 5; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[tuple[str, str]] = []

    def show(self, rows: list[tuple[str, str]]) -> None:
        self.rows = rows
        self.refresh()

    def render(self) -> Text:
        width = self.content_size.width
        text = Text(no_wrap=True, overflow="crop")
        for n, (label, figure) in enumerate(self.rows):
            gap = " " * max(1, width - len(label) - len(figure))
            text.append(label + gap + figure, style="bold" if n == len(self.rows) - 1 else "")
            if n < len(self.rows) - 1:
                text.append("\n")
        return text


class Totals(Vertical):
    def compose(self) -> ComposeResult:
        yield FigureRows(id="totals-lines")
        yield Static(id="totals-bar")
        yield Digits("0", id="total-digits")
        yield Static("", id="customer-panel", markup=False)  # the attached customer (bucket_customer.py)

    def show(self, priced: PricedCart, currency: Currency) -> None:
        # Fixed sizes (five rows, two lines): a change repaints these widgets without re-laying the screen.
        self.query_one(FigureRows).show(totals_rows(priced, currency))
        self.query_one("#totals-bar", Static).update(totals_bar(priced, currency), layout=False)
        self.query_one("#total-digits", Digits).update(currency.format(priced.due, symbol=False))
