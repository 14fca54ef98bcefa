"""Stocktakes at the till: the list, F5 starts one (all stock, a category, a vendor, or a shelf list typed,
scanned or read from a file), Enter counts the highlighted one by scanning (any number of tills at once),
reviews its variance and posts it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from pos_tui.domain.errors import InvalidInput, PosError
from pos_tui.services.inventory import stocktakes
from pos_tui.tui.dialogs.approval import guarded
from pos_tui.tui.dialogs.form import Answer, Field, FormDialog
from pos_tui.tui.screens.counting import CountingScreen
from pos_tui.tui.screens.stock_page import StockListPage

SHOWN = 200


@dataclass
class StocktakesLoaded(Message):
    note: str  # what to say once the list shows (what was just done), instead of the count
    stocktakes: list[stocktakes.Stocktake]


@dataclass
class StocktakeStarted(Message):
    number: int
    note: str = ""  # what was left out of a shelf list


@dataclass
class StocktakesFailed(Message):
    text: str


class StocktakesScreen(StockListPage):
    WRITES = frozenset({"start"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", priority=True, id="stocktakes.back"),
        Binding("f5", "start", "Start a count", priority=True, id="stocktakes.start"),
        Binding("enter", "open", "Count / review", priority=True, id="stocktakes.open"),
        Binding("ctrl+r", "reload", "Refresh", priority=True, id="stocktakes.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stocktakes: list[stocktakes.Stocktake] = []

    def compose_page(self) -> ComposeResult:
        yield DataTable(id="stocktakes", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#stocktakes", DataTable)
        for label in ("Stocktake", "Counting", "Status", "Reason"):
            table.add_column(label, key=label)
        self.title_line("Stocktakes", "F5 starts a count (all, a category, a vendor, a shelf list)"
                                      " · Enter counts, reviews and posts the highlighted one")

    @work(thread=True, exclusive=True, exit_on_error=False, group="stocktakes")
    def load(self, note: str = "") -> None:
        try:
            self.post_message(StocktakesLoaded(note, stocktakes.list_stocktakes(self.session, limit=SHOWN)))
        except PosError as error:
            self.post_message(StocktakesFailed(str(error)))

    def on_stocktakes_loaded(self, message: StocktakesLoaded) -> None:
        self.stocktakes = message.stocktakes
        self.show_rows(self.query_one("#stocktakes", DataTable), [
            (str(taken.number), (taken.reference, taken.scope, "posted" if taken.posted_seq else "open", taken.reason))
            for taken in message.stocktakes])
        if message.note:
            self.say(message.note, "success")
            return
        self.say(f"{len(message.stocktakes)} stocktake{'s' if len(message.stocktakes) != 1 else ''}, newest first."
                 if message.stocktakes else "No stocktake yet: F5 starts one.")

    def on_stocktakes_failed(self, message: StocktakesFailed) -> None:
        self.refuse(message.text)

    def action_start(self) -> None:
        def start(answer: Answer) -> object:
            shelf = answer["shelf"].strip()
            if not shelf:
                if answer["shelf_name"].strip():
                    raise InvalidInput("A name was given for a shelf list, and no list.",
                                       "Type or scan the list's codes, or a file's name; or clear the name.")
                number: int = guarded(self.app, lambda approval: stocktakes.start(
                    self.session, category=answer["category"], vendor=answer["vendor"], approval=approval))
                return lambda: self.post_message(StocktakeStarted(number))  # once the form has closed
            if answer["category"].strip() or answer["vendor"].strip():
                raise InvalidInput("A shelf list names its own products: a category or vendor does not go with it.",
                                   "Clear the category and vendor, or the shelf list.")
            if stocktakes.looks_like_a_file(shelf):
                file_name, codes = stocktakes.read_shelf_list(shelf)
            else:
                file_name, codes = "", stocktakes.typed_codes(shelf)
            name = answer["shelf_name"].strip() or file_name
            started: stocktakes.ShelfStart = guarded(self.app, lambda approval: stocktakes.start_shelf_list(
                self.session, name, codes, approval=approval))
            return lambda: self.post_message(StocktakeStarted(started.number, started.note))

        self.app.push_screen(FormDialog("Start a stocktake", [
            Field("category", "Category (empty: every category)"),
            Field("vendor", "Vendor (empty: every vendor)"),
            Field("shelf", "Or a shelf list: its codes scanned or typed (Enter twice: done), or a file (CSV)",
                  many=True),
            Field("shelf_name", "Shelf list's name (empty for a file: the file's)"),
        ], act=start))

    def on_stocktake_started(self, message: StocktakeStarted) -> None:
        self.books_moved()
        self.loaded_version = self.app.data_version  # type: ignore[attr-defined]
        self.load()
        self.app.push_screen(CountingScreen(message.number, message.note))

    def action_open(self) -> None:
        table = self.query_one("#stocktakes", DataTable)
        if not self.stocktakes or table.cursor_row >= len(self.stocktakes):
            self.refuse("No stocktake is highlighted: F5 starts one.")
            return
        self.app.push_screen(CountingScreen(self.stocktakes[table.cursor_row].number))

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [("Start a stocktake", "All stock, a category, a vendor or a shelf list (F5)", "screen.start")]
