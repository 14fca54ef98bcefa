"""Search results under the scan field: at most one page of hits, the highlighted one is what Enter adds."""

from __future__ import annotations

from typing import ClassVar

from pos_tui.domain.money import Currency, format_quantity
from pos_tui.services.catalog.products import SearchHit
from pos_tui.tui.widgets.line_table import Column, LineTable


class ResultsTable(LineTable):
    COLUMNS: ClassVar[tuple[Column, ...]] = (
        Column("Item", 0), Column("SKU", 14), Column("Price", 10, "right"), Column("On hand", 8, "right"),
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.display = False
        self.hits: list[SearchHit] = []
        self.query_shown = ""  # the query whose hits are on screen

    def show_hits(self, query: str, hits: list[SearchHit], currency: Currency) -> None:
        self.hits = hits
        self.query_shown = query
        self.set_rows([
            (f"{hit.name} ({hit.variant})" if hit.variant else hit.name, hit.sku,
             currency.format(hit.price, symbol=False), format_quantity(hit.on_hand))
            for hit in hits
        ])
        self.move_cursor(row=0)

    def highlighted(self) -> SearchHit | None:
        if not self.hits or not 0 <= self.cursor_row < len(self.hits):
            return None
        return self.hits[self.cursor_row]

    def forget(self) -> None:
        self.hits = []
        self.query_shown = ""
