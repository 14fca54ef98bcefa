"""Counting a stocktake by scanning: each scan adds one (a pack's code the pack; F6 a quantity of many,
or none there), written at once as a count of this till, so several tills counting at once add up;
the screen shows the stocktake's live total from every till, with the variance (quantity and value at
cost) by product, or by category (F7), and F12 posts it once the review is done."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input, Static

from pos_tui.domain.errors import InvalidInput, PosError
from pos_tui.domain.inventory_events import stocktake_reference
from pos_tui.domain.money import Currency, format_quantity
from pos_tui.domain.scan import parse_quantity
from pos_tui.services.inventory import stocktakes
from pos_tui.tui.dialogs.approval import guarded
from pos_tui.tui.dialogs.form import Answer, Field, FormDialog
from pos_tui.tui.messages import BarcodeScanned
from pos_tui.tui.screens.stock_page import StockPage
from pos_tui.tui.widgets.line_table import Column, LineTable
from pos_tui.tui.widgets.scan_input import ScanInput

FOLLOW_SECONDS = 1.0  # float-ok: how often the screen looks for other tills' counts


def variance_cells(line: stocktakes.Variance, money: Currency) -> tuple[str, ...]:
    counted = "-" if line.uncounted else format_quantity(line.counted)  # on the shelf list, not counted yet
    return (line.sku, line.name, line.category, counted, format_quantity(line.expected),
            _signed(line.quantity), money.format(line.value, symbol=False))


def _signed(quantity: int) -> str:
    return ("+" if quantity > 0 else "") + format_quantity(quantity)


def category_cells(row: tuple[str, int, int], products: int, money: Currency) -> tuple[str, ...]:
    category, quantity, value = row
    return (category or "Other", str(products), _signed(quantity), money.format(value, symbol=False))


class VarianceTable(LineTable):
    COLUMNS: ClassVar[tuple[Column, ...]] = (
        Column("SKU", 14), Column("Item", 0), Column("Category", 14), Column("Counted", 9, "right"),
        Column("Expected", 9, "right"), Column("Variance", 9, "right"), Column("At cost", 12, "right"),
    )


class CategoryTable(LineTable):
    COLUMNS: ClassVar[tuple[Column, ...]] = (
        Column("Category", 0), Column("Products", 9, "right"), Column("Variance", 10, "right"),
        Column("At cost", 14, "right"),
    )


@dataclass
class ReviewLoaded(Message):
    review: stocktakes.Review
    head: int  # the stocktakes' last change it shows
    focus: int | None  # the product just counted here: the cursor goes to it
    by_product: list[tuple[str, ...]]  # the tables' rows, made in the worker: a count may have 20,000
    by_category: list[tuple[str, ...]]


@dataclass
class CountRefused(Message):
    text: str


@dataclass
class CountsWritten(Message):
    product_id: int | None


@dataclass
class StocktakePosted(Message):
    seq: int


class CountingScreen(StockPage):
    AUTO_FOCUS = "#scan"
    TAKES_SCANS = True  # a configured evdev or serial scanner's codes come here too (the app routes them)
    WRITES = frozenset({"quantity", "post"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", priority=True, id="counting.back"),
        Binding("f6", "quantity", "Quantity", priority=True, id="counting.quantity"),
        Binding("f7", "by_category", "By category", priority=True, id="counting.by_category"),
        Binding("f12", "post", "Post", priority=True, id="counting.post"),
        Binding("up", "cursor(-1)", "Up", show=False, priority=True, id="counting.up"),
        Binding("down", "cursor(1)", "Down", show=False, priority=True, id="counting.down"),
    ]

    def __init__(self, number: int, note: str = "") -> None:
        super().__init__()
        self.number = number
        self.note = note  # what starting it left out (a shelf list's retired products), said first
        self.review: stocktakes.Review | None = None
        self.pending: deque[str] = deque()  # scans not yet written
        self.counting = False
        self.seen_head = -1

    def compose_page(self) -> ComposeResult:
        yield ScanInput(id="scan", placeholder="Scan each item: +1 a scan · F6 a quantity for many", compact=True)
        yield VarianceTable(id="variances", zebra=True)
        yield CategoryTable(id="categories", zebra=True)

    def on_mount(self) -> None:
        self.query_one(CategoryTable).display = False
        self.title_line(f"Count {stocktake_reference(self.number)}", "loading…")
        if self.note:
            self.say(self.note, "warning")
        else:
            self.say("Scan what is on the shelf. F6 a quantity · F7 by category · F12 posts the variance · Esc back.")
        self.load(None)
        self.set_interval(FOLLOW_SECONDS, self.follow_other_tills)

    # --- loading -------------------------------------------------------------------------------

    def follow_other_tills(self) -> None:
        if not self.counting and stocktakes.last_change(self.session) != self.seen_head:
            self.load(None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="count-review")
    def load(self, focus: int | None) -> None:
        try:
            head = stocktakes.last_change(self.session)
            found = stocktakes.review(self.session, self.number)
            money = self.session.currency
            products_in: dict[str, int] = {}
            for line in found.lines:
                products_in[line.category] = products_in.get(line.category, 0) + 1
            self.post_message(ReviewLoaded(
                found, head, focus, [variance_cells(line, money) for line in found.lines],
                [category_cells(row, products_in.get(row[0], 0), money) for row in found.by_category()]))
        except PosError as error:
            self.post_message(CountRefused(str(error)))

    def on_review_loaded(self, message: ReviewLoaded) -> None:
        self.review, self.seen_head = message.review, message.head
        money = self.session.currency
        found = message.review
        table = self.query_one(VarianceTable)
        table.set_rows(message.by_product)
        if message.focus is not None:
            row = next((n for n, line in enumerate(found.lines) if line.product_id == message.focus), None)
            if row is not None:
                table.move_cursor(row=row)
        self.query_one(CategoryTable).set_rows(message.by_category)
        taken = found.stocktake
        state = f"posted ({taken.reason})" if taken.posted_seq else "open"
        uncounted = sum(1 for line in found.lines if line.uncounted)
        counted = len(found.lines) - uncounted
        waiting = f" · {uncounted:,} listed not counted yet (none there, if posted so)" if uncounted else ""
        self.query_one("#page-summary", Static).update(
            f"{taken.scope} · {state} · {counted:,} product{'s' if counted != 1 else ''} counted"
            f" on every till{waiting} · variance at cost {money.format(found.value)}")

    # --- counting ------------------------------------------------------------------------------

    def on_scan_input_scanned(self, message: ScanInput.Scanned) -> None:
        message.stop()
        typed = message.typed.strip()
        self.take(typed + message.code if typed.endswith("*") else message.code)

    def on_barcode_scanned(self, message: BarcodeScanned) -> None:
        message.stop()
        self.take(message.code)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "scan" and event.value.strip():
            self.take(event.value.strip())

    def take(self, code: str) -> None:
        """Written in order by one worker at a time: a burst of scans never overtakes itself."""
        self.pending.append(code)
        if not self.counting:
            self.counting = True
            self.write_counts()

    @work(thread=True, exclusive=False, exit_on_error=False, group="count-write")
    def write_counts(self) -> None:
        last: int | None = None
        while self.pending:
            code = self.pending.popleft()
            try:
                stocktakes.count(self.session, self.number, [code])
                last = self._product_of(code)
            except PosError as error:
                self.post_message(CountRefused(str(error)))
        self.post_message(CountsWritten(last))

    def _product_of(self, code: str) -> int | None:
        from pos_tui.services.inventory.scanning import scanned

        try:
            return scanned(self.session, code, what="counted")[0].product_id
        except PosError:
            return None

    def on_counts_written(self, message: CountsWritten) -> None:
        self.counting = False
        if self.pending:  # scanned while the worker was finishing
            self.counting = True
            self.write_counts()
            return
        self.load(message.product_id)

    def on_count_refused(self, message: CountRefused) -> None:
        self.refuse(message.text)

    def action_quantity(self) -> None:
        def count(answer: Answer) -> None:
            quantity = answer["qty"].strip()
            if not quantity:
                raise InvalidInput("Type how many are there.", "0 when there are none; nothing was counted.")
            negative = quantity.startswith("-")
            amount = parse_quantity(quantity.lstrip("-")) if quantity.lstrip("-").strip("0.") else 0
            stocktakes.count(self.session, self.number, [answer["code"]], quantity=-amount if negative else amount)
            self.post_message(CountsWritten(self._product_of(answer["code"])))

        self.app.push_screen(FormDialog("Count many at once", [
            Field("code", "Barcode or SKU"), Field("qty", "How many are there (0: none)"),
        ], act=count))

    def action_by_category(self) -> None:
        by_product = self.query_one(VarianceTable)
        by_category = self.query_one(CategoryTable)
        by_product.display, by_category.display = by_category.display, by_product.display

    def action_cursor(self, step: int) -> None:
        table = self.query_one(VarianceTable)
        table.move_cursor(row=table.cursor_row + step)

    # --- posting -------------------------------------------------------------------------------

    def action_post(self) -> None:
        reasons = tuple(self.session.settings.inventory.adjustment_reasons)
        money = self.session.currency
        value = money.format(self.review.value) if self.review else "?"

        def post(answer: Answer) -> None:
            seq: int = guarded(self.app, lambda approval: stocktakes.post(
                self.session, self.number, reason=answer["reason"], approval=approval))
            self.post_message(StocktakePosted(seq))

        self.app.push_screen(FormDialog(f"Post {stocktake_reference(self.number)}", [
            Field("reason", "Reason", "count" if "count" in reasons else "", choices=reasons),
        ], note=f"Variance at cost {value}. Enter posts it; Esc keeps counting.", act=post))

    def on_stocktake_posted(self, message: StocktakePosted) -> None:
        self.books_moved()
        self.load(None)
        self.say(f"{stocktake_reference(self.number)} posted: stock moved by each variance.", "success")
