"""The bucket's totals: items, subtotal, discounts, tax and the total in big digits."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

from pos_tui.domain.cart import PricedCart
from pos_tui.domain.money import Currency


def totals_table(priced: PricedCart, currency: Currency) -> Table:
    """A pure render of the figures; the same function serves both the wide and the narrow layout."""
    table = Table.grid(expand=True)
    table.add_column(ratio=1)
    table.add_column(justify="right")
    money = currency.format
    table.add_row("Items", str(priced.item_count))
    table.add_row("Subtotal", money(priced.subtotal))
    table.add_row("Discounts", Text(money(-priced.discount_total) if priced.discount_total else money(0)))
    table.add_row("Tax", money(priced.tax_total))
    table.add_row(Text("TOTAL", style="bold"), Text(money(priced.total), style="bold"))
    return table


def totals_bar(priced: PricedCart, currency: Currency) -> Text:
    """The same figures on two lines, for 80-column terminals."""
    money = currency.format
    text = Text(f"Items {priced.item_count} · Subtotal {money(priced.subtotal)}")
    text.append(f" · Disc {money(-priced.discount_total)}\n")
    text.append(f"Tax {money(priced.tax_total)} · ")
    text.append(f"TOTAL {money(priced.total)}", style="bold")
    return text


class Totals(Vertical):
    def compose(self) -> ComposeResult:
        yield Static(id="totals-lines")
        yield Static(id="totals-bar")
        yield Digits("0", id="total-digits")

    def show(self, priced: PricedCart, currency: Currency) -> None:
        self.query_one("#totals-lines", Static).update(totals_table(priced, currency))
        self.query_one("#totals-bar", Static).update(totals_bar(priced, currency))
        self.query_one("#total-digits", Digits).update(currency.format(priced.total, symbol=False))
