"""Receiving a delivery against a purchase order by scanning: each scan counts one on its line (a pack's
code the pack; "12*" typed first, twelve), the line shows at once with what is over or still short,
and F12 posts the receipt: the stock and the vendor's payable in one event, or a refusal and nothing
changed. The scans stay in memory until then; Ctrl+D takes the last one back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input, Static

from pos_tui.domain.errors import PosError
from pos_tui.domain.money import Currency, format_quantity
from pos_tui.services.inventory import orders
from pos_tui.services.inventory.receiving import Receiving, ReceivingLine
from pos_tui.tui.dialogs.approval import guarded
from pos_tui.tui.dialogs.confirm import ConfirmDialog
from pos_tui.tui.dialogs.form import Answer, Field, FormDialog
from pos_tui.tui.messages import BarcodeScanned
from pos_tui.tui.screens.stock_page import StockPage
from pos_tui.tui.widgets.line_table import Column, LineTable
from pos_tui.tui.widgets.scan_input import ScanInput


def receiving_cells(line: ReceivingLine, money: Currency) -> tuple[str, ...]:
    """The cells of one order line as this delivery leaves it: a pure function of the line."""
    order_line = line.line
    if line.over:
        note = f"OVER {format_quantity(line.over)}"
    elif line.short:
        note = f"short {format_quantity(line.short)}" if line.now or order_line.received else "to come"
    else:
        note = "complete"
    cost = money.format(line.unit_cost, symbol=False) + (" *" if line.cost_changed else "")
    return (order_line.sku, order_line.name, format_quantity(order_line.ordered),
            format_quantity(order_line.received), format_quantity(line.now) if line.now else "", note, cost)


class ReceivingTable(LineTable):
    COLUMNS: ClassVar[tuple[Column, ...]] = (
        Column("SKU", 14), Column("Item", 0), Column("Ordered", 9, "right"), Column("Before", 9, "right"),
        Column("Scanned", 9, "right"), Column("", 14), Column("Unit cost", 12, "right"),
    )


@dataclass
class ReceiptPosted(Message):
    delivery: orders.Delivery


@dataclass
class ReceiptRefused(Message):
    text: str


class ReceivingScreen(StockPage):
    AUTO_FOCUS = "#scan"
    TAKES_SCANS = True  # a configured evdev or serial scanner's codes come here too (the app routes them)
    WRITES = frozenset({"post"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", priority=True, id="receiving.back"),
        Binding("f12", "post", "Post receipt", priority=True, id="receiving.post"),
        Binding("ctrl+d", "take_back", "Take back scan", priority=True, id="receiving.take_back"),
        Binding("f6", "cost", "Cost", priority=True, id="receiving.cost"),
        Binding("up", "cursor(-1)", "Up", show=False, priority=True, id="receiving.up"),
        Binding("down", "cursor(1)", "Down", show=False, priority=True, id="receiving.down"),
    ]

    def __init__(self, order: orders.PurchaseOrder) -> None:
        super().__init__()
        self.receiving = Receiving(order)
        self.posting = False

    def compose_page(self) -> ComposeResult:
        yield ScanInput(id="scan", placeholder="Scan each delivered item · 12* first for twelve", compact=True)
        yield ReceivingTable(id="receiving", zebra=True)

    def on_mount(self) -> None:
        self.title_line(f"Receive {self.receiving.order.reference}", self.summary())
        self.show_all()
        self.say("Scan the delivery. F6 the delivery note's cost of a line; Ctrl+D takes the last scan back;"
                 " F12 posts the receipt; Esc leaves.")

    # --- showing -------------------------------------------------------------------------------

    def show_all(self) -> None:
        money = self.session.currency
        self.query_one(ReceivingTable).set_rows([receiving_cells(line, money) for line in self.receiving.lines()])
        self.show_summary()

    def summary(self) -> str:
        order = self.receiving.order
        scans = len(self.receiving.scans)
        over = len(self.receiving.over())
        text = (f"{order.vendor} · {order.status} · {len(order.lines)} lines · {scans} scan"
                f"{'s' if scans != 1 else ''} in this delivery")
        if over:
            text += f" · OVER the order on {over} line{'s' if over != 1 else ''}"
        return text

    def show_summary(self) -> None:
        # One line that never changes height: no layout pass for it on a scan.
        self.query_one("#page-summary", Static).update(self.summary(), layout=False)

    def show_row(self, row: int) -> None:
        table = self.query_one(ReceivingTable)
        table.set_row(row, receiving_cells(self.receiving.line(row), self.session.currency))
        table.move_cursor(row=row)

    # --- scanning ------------------------------------------------------------------------------

    def on_scan_input_scanned(self, message: ScanInput.Scanned) -> None:
        message.stop()
        self.take(message.typed.strip() + message.code if message.typed.strip().endswith("*") else message.code)

    def on_barcode_scanned(self, message: BarcodeScanned) -> None:
        message.stop()
        self.take(message.code)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "scan" and event.value.strip():
            self.take(event.value.strip())

    def take(self, code: str) -> None:
        # A barcode lookup is a primary-key read: done here, in order, so fast scans never overtake each other.
        if self.posting:
            self.refuse("The receipt is being posted; scan again once it is done.")
            return
        try:
            row = self.receiving.scan(self.session, code)
        except PosError as error:
            self.refuse(str(error))
            return
        self.show_row(row)
        line = self.receiving.line(row)
        self.show_summary()
        if line.over:
            self.say(f"{line.line.name}: {format_quantity(line.over)} over the order. Set it aside and press"
                     " Ctrl+D, or the receipt will be refused.", "error")
            self.app.bell()

    def action_take_back(self) -> None:
        row = self.receiving.take_back()
        if row is None:
            self.refuse("Nothing is scanned in this delivery.")
            return
        self.show_row(row)
        self.show_summary()
        self.say(f"Took back one scan of {self.receiving.order.lines[row].name}.")

    def action_cost(self) -> None:
        """The delivery note's unit cost for the highlighted line, where it differs from the order's."""
        row = self.query_one(ReceivingTable).cursor_row
        line = self.receiving.line(row)
        money = self.session.currency

        def set_cost(answer: Answer) -> object:
            unit_cost = money.parse(answer["cost"])
            return lambda: self.cost_set(row, unit_cost)  # on the UI thread, once the form has closed

        self.app.push_screen(FormDialog(f"Unit cost of {line.line.name}", [
            Field("cost", f"Unit cost on the delivery note (ordered at {money.format(line.line.unit_cost)})",
                  money.format(line.unit_cost, symbol=False)),
        ], act=set_cost))

    def cost_set(self, row: int, unit_cost: int) -> None:
        self.receiving.set_cost(row, unit_cost)
        self.show_row(row)

    def action_cursor(self, step: int) -> None:
        table = self.query_one(ReceivingTable)
        table.move_cursor(row=table.cursor_row + step)

    # --- posting -------------------------------------------------------------------------------

    def action_post(self) -> None:
        if self.posting:
            return
        if not self.receiving.scans:
            self.refuse("Nothing is scanned yet: scan the delivered items, then F12.")
            return
        self.posting = True
        self.say("Posting the receipt…")
        self.post_receipt(self.receiving)

    @work(thread=True, exclusive=True, exit_on_error=False, group="receive")
    def post_receipt(self, receiving: Receiving) -> None:
        try:
            delivery = guarded(self.app, lambda approval: receiving.post(self.session, approval))
        except PosError as error:
            self.post_message(ReceiptRefused(str(error)))
            return
        self.post_message(ReceiptPosted(delivery))

    def on_receipt_refused(self, message: ReceiptRefused) -> None:
        self.posting = False
        self.refuse(message.text)

    def on_receipt_posted(self, message: ReceiptPosted) -> None:
        self.posting = False
        delivery = message.delivery
        self.receiving = Receiving(delivery.order)
        self.show_all()
        self.books_moved()
        items = sum(line.quantity for line in delivery.received)
        cost = self.session.currency.format(sum(line.cost for line in delivery.received))
        short = delivery.short()
        left = (f" {len(short)} line{'s' if len(short) != 1 else ''} still to come." if short
                else f" {delivery.order.reference} is received in full.")
        self.say(f"Received {format_quantity(items)} on {len(delivery.received)} lines: {cost} owed to"
                 f" {delivery.order.vendor}.{left}", "success")

    def action_back(self) -> None:
        if not self.receiving.scans:
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        scans = len(self.receiving.scans)
        self.app.push_screen(ConfirmDialog("Leave the delivery?", f"{scans} scan{'s' if scans != 1 else ''} not"
                                           " posted will be forgotten.", "leave without posting"), answered)
