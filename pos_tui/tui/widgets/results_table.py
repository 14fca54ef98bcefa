"""Search results under the scan field: at most one page of hits, the highlighted one is what Enter adds."""

from __future__ import annotations

from textual.widgets import DataTable

from pos_tui.domain.money import Currency, format_quantity
from pos_tui.services.catalog import SearchHit


class ResultsTable(DataTable[str]):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row")
        self.can_focus = False
        self.display = False
        self.hits: list[SearchHit] = []
        self.query_shown = ""  # the query whose hits are on screen
        for label in ("Item", "SKU", "Price", "On hand"):
            self.add_column(label, key=label)

    def show_hits(self, query: str, hits: list[SearchHit], currency: Currency) -> None:
        self.hits = hits
        self.query_shown = query
        self.clear()
        for hit in hits:
            name = f"{hit.name} ({hit.variant})" if hit.variant else hit.name
            self.add_row(name[:40], hit.sku, currency.format(hit.price, symbol=False), format_quantity(hit.on_hand),
                         key=str(hit.product_id))

    def highlighted(self) -> SearchHit | None:
        if not self.hits or not 0 <= self.cursor_row < len(self.hits):
            return None
        return self.hits[self.cursor_row]

    def forget(self) -> None:
        self.hits = []
        self.query_shown = ""
