"""Purchase orders at the till: the list, a new one by hand or from the reorder report's suggestions
for a vendor, and Enter to receive a delivery against the highlighted one by scanning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from pos_tui.domain.errors import PosError
from pos_tui.domain.inventory_events import order_reference
from pos_tui.services.inventory import orders
from pos_tui.tui.dialogs.approval import guarded
from pos_tui.tui.dialogs.form import Answer, Field, FormDialog
from pos_tui.tui.screens.receiving import ReceivingScreen
from pos_tui.tui.screens.stock_page import StockListPage

SHOWN = 200  # the newest orders listed


@dataclass
class OrdersLoaded(Message):
    note: str  # what to say once the list shows (what was just done), instead of the count
    orders: list[orders.PurchaseOrder]
    vendors: list[str]


@dataclass
class OrderMade(Message):
    number: int


@dataclass
class OrdersFailed(Message):
    text: str


class OrdersScreen(StockListPage):
    WRITES = frozenset({"new_order", "from_reorder", "receive"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", priority=True, id="orders.back"),
        Binding("f5", "new_order", "New order", priority=True, id="orders.new"),
        Binding("f6", "from_reorder", "From reorder", priority=True, id="orders.reorder"),
        Binding("enter", "receive", "Receive", priority=True, id="orders.receive"),
        Binding("ctrl+r", "reload", "Refresh", priority=True, id="orders.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.orders: list[orders.PurchaseOrder] = []
        self.vendors: list[str] = []

    def compose_page(self) -> ComposeResult:
        yield DataTable(id="orders", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#orders", DataTable)
        for label in ("Order", "Vendor", "Status", "Lines", "Ordered at cost"):
            table.add_column(label, key=label)
        self.title_line("Purchase orders",
                        "F5 a new order · F6 one from the reorder report · Enter receives a delivery")

    @work(thread=True, exclusive=True, exit_on_error=False, group="orders")
    def load(self, note: str = "") -> None:
        from pos_tui.services.catalog import warehouse

        try:
            self.post_message(OrdersLoaded(note, orders.list_orders(self.session, limit=SHOWN),
                                           warehouse.vendors(self.session)))
        except PosError as error:
            self.post_message(OrdersFailed(str(error)))

    def on_orders_loaded(self, message: OrdersLoaded) -> None:
        self.orders, self.vendors = message.orders, message.vendors
        money = self.session.currency
        self.show_rows(self.query_one("#orders", DataTable), [
            (str(order.number), (order.reference, order.vendor, order.status, str(len(order.lines)),
                                 money.format(order.total_cost, symbol=False)))
            for order in message.orders])
        if message.note:
            self.say(message.note, "success")
            return
        self.say(f"{len(message.orders)} order{'s' if len(message.orders) != 1 else ''}, newest first."
                 if message.orders else "No purchase orders yet: F5 makes one.")

    def on_orders_failed(self, message: OrdersFailed) -> None:
        self.refuse(message.text)

    def current(self) -> orders.PurchaseOrder | None:
        table = self.query_one("#orders", DataTable)
        if not self.orders or table.cursor_row >= len(self.orders):
            return None
        return self.orders[table.cursor_row]

    # --- making one ----------------------------------------------------------------------------

    def action_new_order(self) -> None:
        def make(answer: Answer) -> None:
            lines = [orders.parse_order_line(self.session, text) for text in answer["lines"].split()]
            self._made(lambda approval: orders.create_order(self.session, answer["vendor"], lines,
                                                            approval=approval))

        self.app.push_screen(FormDialog("New purchase order", [
            Field("vendor", "Vendor"),
            Field("lines", "Lines: CODE:QTY or CODE:QTY@COST, separated by spaces"),
        ], act=make))

    def action_from_reorder(self) -> None:
        def make(answer: Answer) -> None:
            self._made(lambda approval: orders.create_order(self.session, answer["vendor"], from_reorder=True,
                                                            approval=approval))

        self.app.push_screen(FormDialog("Order what is below its reorder level", [
            Field("vendor", "Vendor", choices=tuple(self.vendors)),
        ], act=make))

    def _made(self, create: object) -> None:
        """In the form's worker: a refusal keeps the form open with what was typed."""
        number: int = guarded(self.app, create)  # type: ignore[arg-type]
        self.post_message(OrderMade(number))

    def on_order_made(self, message: OrderMade) -> None:
        self.books_moved()
        self.loaded_version = self.app.data_version  # type: ignore[attr-defined]
        self.load(f"{order_reference(message.number)} made; Enter on it receives the delivery.")

    # --- receiving -----------------------------------------------------------------------------

    def action_receive(self) -> None:
        order = self.current()
        if order is None:
            self.refuse("No order is highlighted: F5 makes one.")
            return
        if order.status == "received":
            self.refuse(f"{order.reference} is received in full; nothing is left to come.")
            return
        self.app.push_screen(ReceivingScreen(order))

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [("New purchase order", "An order by hand (F5)", "screen.new_order"),
                ("Order from the reorder report", "What a vendor's products need (F6)", "screen.from_reorder")]
