"""The cart on screen: one row per line. A scan repaints one row, never the whole table."""

from __future__ import annotations

from typing import ClassVar

from pos_tui.domain.cart import PricedCart, PricedLine
from pos_tui.domain.giftcards import GiftCardMove, masked
from pos_tui.domain.money import Currency, format_quantity
from pos_tui.tui.widgets.line_table import Column, LineTable


def line_cells(n: int, p: PricedLine, currency: Currency) -> tuple[str, ...]:
    """The cells of cart line ``n`` (1-based): a pure function of the priced line."""
    line = p.line
    qty = format_quantity(line.quantity) + ("" if line.unit == "each" else f" {line.unit}")
    mark = " *" if line.price_source == "override" else ""  # a price override is always marked
    return (
        str(n), line.name, qty, currency.format(line.unit_price, symbol=False) + mark,
        currency.format(-p.discount, symbol=False) if p.discount else "", currency.format(p.amount, symbol=False),
    )


def gift_card_cells(p: GiftCardMove, currency: Currency) -> tuple[str, ...]:
    """A gift card sold or reloaded in the cart: after the goods, unnumbered."""
    what = "new" if p.kind == "sold" else "reload"
    amount = currency.format(p.amount, symbol=False)
    return ("", f"Gift card {masked(p.number)} ({what})", "1", amount, "", amount)


class CartTable(LineTable):
    COLUMNS: ClassVar[tuple[Column, ...]] = (
        Column("#", 3, "right"), Column("Item", 0), Column("Qty", 8, "right"), Column("Price", 10, "right"),
        Column("Disc", 9, "right"), Column("Total", 11, "right"),
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, zebra=True)

    def show(self, priced: PricedCart, currency: Currency, *, select: int | None = None,
             only: int | None = None) -> None:
        """Show ``priced``; ``only``: just that line changed or was appended (a scan), so touch one row.

        The caller passes no ``only`` while a cart discount is on: it spreads over every line.
        """
        count = len(priced.lines)
        if only is not None and not priced.gift_cards and self.row_count in (count, count - 1):
            self.set_row(only, line_cells(only + 1, priced.lines[only], currency))
        else:
            self.set_rows([line_cells(n, p, currency) for n, p in enumerate(priced.lines, start=1)]
                          + [gift_card_cells(card, currency) for card in priced.gift_cards])
            count += len(priced.gift_cards)
        if count:
            self.move_cursor(row=count - 1 if select is None else select)
