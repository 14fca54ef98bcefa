"""F2 Stock: a product (its SKU or part of its name) at every store that has it, as head office has the
stores' movements, with what is on the road between stores and what was lost on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input

from pos_tui.domain.money import format_quantity
from pos_tui.services.hq.cockpit import ProductMatch, StockView, products_matching, stock_view
from pos_tui.tui.hq.page import Answered, Failed, OfficePage
from pos_tui.tui.widgets.tiles import Tile


@dataclass
class StockShown(Message):
    sku: str
    stores: int


class StockPage(OfficePage):
    MODE = "stock"
    AUTO_FOCUS = "#hq-find"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "Refresh", priority=True, id="hq_stock.refresh"),
    ]
    EXTRA_KEYS: ClassVar[list[tuple[str, str]]] = [
        ("type, Enter", "a SKU or part of a name"), ("Enter (list)", "the product picked among several")]

    def __init__(self) -> None:
        super().__init__()
        self.matches: list[ProductMatch] = []
        self.sku = ""

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder="SKU or part of a product's name, then Enter", id="hq-find")
        matches: DataTable[str] = DataTable(id="hq-matches", cursor_type="row")
        yield matches
        with Horizontal(classes="tiles"):
            yield Tile("All stores", id="tile-hq-total")
            yield Tile("In transit", tone="expense", id="tile-hq-transit")
            yield Tile("Lost in transit", tone="out", id="tile-hq-shrinkage")
        stock: DataTable[Text] = DataTable(id="hq-stock-table", cursor_type="row", zebra_stripes=True)
        yield stock

    def on_mount(self) -> None:
        self.query_one("#hq-matches", DataTable).add_columns("SKU", "Product", "Stores")
        self.query_one("#hq-stock-table", DataTable).add_columns("Store", "On hand", "", "Store id")
        self.say("Type a SKU or part of a product's name, then Enter.")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "hq-find":
            text = event.value.strip()
            self.say(f"Looking for {text!r}…")
            self.ask("stock-find", lambda conn: products_matching(conn, text))

    def action_reload(self) -> None:
        if self.sku:
            self.show_sku(self.sku)

    def show_sku(self, sku: str) -> None:
        self.sku = sku
        self.ask("stock", lambda conn: stock_view(conn, sku))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "hq-matches" and 0 <= event.cursor_row < len(self.matches):
            self.show_sku(self.matches[event.cursor_row].sku)

    def on_failed(self, message: Failed) -> None:
        if message.what == "stock-find":
            self.say(message.text, "warning")  # a product nobody sent: a typo, not a fault
        else:
            super().on_failed(message)

    def on_answered(self, message: Answered) -> None:
        if message.what == "stock-find":
            self.show_matches(message.value)
        elif message.what == "stock":
            self.show_stock(message.value)

    def show_matches(self, matches: list[ProductMatch]) -> None:
        self.matches = matches
        table = self.query_one("#hq-matches", DataTable)
        table.clear()
        for match in matches:
            table.add_row(match.sku, match.name, str(match.stores))
        several = len(matches) > 1
        table.set_class(several, "-shown")
        if several:
            table.focus()
            self.say(f"{len(matches)} products match: pick one and press Enter.")
        self.show_sku(matches[0].sku)

    def show_stock(self, view: StockView) -> None:
        theme = self.app.current_theme
        table = self.query_one("#hq-stock-table", DataTable)
        table.clear()
        for stock, store_name in view.stores:
            # Below zero is an alert, never a refusal: a store sold or shipped what its count missed.
            alert = Text("below zero: count it", style=theme.error or "") if stock.on_hand < 0 else Text("")
            table.add_row(Text(store_name or stock.store), Text(format_quantity(stock.on_hand), justify="right"),
                          alert, Text(stock.store))
        self.query_one("#tile-hq-total", Tile).show(format_quantity(view.total), view.sku)
        self.query_one("#tile-hq-transit", Tile).show(format_quantity(view.transit.in_transit), "on the road")
        self.query_one("#tile-hq-shrinkage", Tile).show(format_quantity(view.transit.shrinkage), "shipped − received")
        self.say(f"{view.sku} {view.name}: {format_quantity(view.total)} at {len(view.stores)} store(s),"
                 f" {format_quantity(view.transit.in_transit)} in transit.")
        self.post_message(StockShown(view.sku, len(view.stores)))
