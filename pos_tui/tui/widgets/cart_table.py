"""The cart on screen: one row per line. A scan touches one row, never the whole table."""

from __future__ import annotations

from textual.widgets import DataTable

from pos_tui.domain.cart import PricedCart, PricedLine
from pos_tui.domain.money import Currency, format_quantity

COLUMNS = (("#", "n"), ("Item", "item"), ("Qty", "qty"), ("Price", "price"), ("Disc", "disc"), ("Total", "total"))


def line_cells(n: int, p: PricedLine, currency: Currency, name_width: int) -> tuple[str, ...]:
    """The cells of cart line ``n`` (1-based): a pure function of the priced line."""
    line = p.line
    qty = format_quantity(line.quantity) + ("" if line.unit == "each" else f" {line.unit}")
    mark = " *" if line.price_source == "override" else ""  # a price override is always marked
    return (
        str(n), line.name[:name_width], qty, currency.format(line.unit_price, symbol=False) + mark,
        currency.format(-p.discount, symbol=False) if p.discount else "", currency.format(p.amount, symbol=False),
    )


class CartTable(DataTable[str]):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.can_focus = False  # the scan field keeps the focus; arrows move this cursor from there
        for label, key in COLUMNS:
            self.add_column(label, key=key)

    def show(self, priced: PricedCart, currency: Currency, name_width: int, *, select: int | None = None,
             only: int | None = None) -> None:
        """Show ``priced``; ``only``: just that line changed or was appended (a scan), so touch one row.

        The caller passes no ``only`` while a cart discount is on: it spreads over every line.
        """
        count = len(priced.lines)
        if only is not None and self.row_count in (count, count - 1):
            cells = line_cells(only + 1, priced.lines[only], currency, name_width)
            if self.row_count == count:
                for column, value in zip(self.columns, cells, strict=True):
                    self.update_cell(str(only + 1), column, value)
            else:
                self.add_row(*cells, key=str(count))
        else:
            self.clear()
            for n, p in enumerate(priced.lines, start=1):
                self.add_row(*line_cells(n, p, currency, name_width), key=str(n))
        if count:
            row = count - 1 if select is None else max(0, min(select, count - 1))
            self.move_cursor(row=row)
