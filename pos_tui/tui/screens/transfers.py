"""Transfers between the chain's stores, from the warehouse (Ctrl+E): this store's transfers, a new
request (F5), shipping the highlighted request by scanning what is packed (Enter), and receiving
another store's transfer by scanning what arrived (F6). The scans stay in memory until F12 posts
them with head office's approval reference (shipping) or the reason for any difference (receiving)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Input

from pos_tui.domain.errors import PosError
from pos_tui.domain.money import format_quantity
from pos_tui.services.inventory import transfers
from pos_tui.services.inventory.scanning import scanned
from pos_tui.tui.dialogs.approval import guarded
from pos_tui.tui.dialogs.form import Answer, Field, FormDialog
from pos_tui.tui.messages import BarcodeScanned
from pos_tui.tui.screens.stock_page import StockListPage, StockPage
from pos_tui.tui.widgets.line_table import Column, LineTable
from pos_tui.tui.widgets.scan_input import ScanInput

SHOWN = 200  # the newest transfers listed


@dataclass
class TransfersLoaded(Message):
    note: str
    transfers: list[transfers.Transfer]


@dataclass
class TransfersFailed(Message):
    text: str


class TransfersScreen(StockListPage):
    WRITES = frozenset({"new_request", "ship", "receive"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", priority=True, id="transfers.back"),
        Binding("f5", "new_request", "New request", priority=True, id="transfers.new"),
        Binding("enter", "ship", "Ship", priority=True, id="transfers.ship"),
        Binding("f6", "receive", "Receive", priority=True, id="transfers.receive"),
        Binding("ctrl+r", "reload", "Refresh", priority=True, id="transfers.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.transfers: list[transfers.Transfer] = []

    def compose_page(self) -> ComposeResult:
        yield DataTable(id="transfers", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#transfers", DataTable)
        for label in ("Transfer", "State", "Way", "Store", "Lines"):
            table.add_column(label, key=label)
        self.title_line("Transfers between stores",
                        "F5 a new request · Enter ships the highlighted request by scan · F6 receives by scan")

    @work(thread=True, exclusive=True, exit_on_error=False, group="transfers")
    def load(self, note: str = "") -> None:
        try:
            self.post_message(TransfersLoaded(note, transfers.list_transfers(self.session, limit=SHOWN)))
        except PosError as error:
            self.post_message(TransfersFailed(str(error)))

    def on_transfers_loaded(self, message: TransfersLoaded) -> None:
        self.transfers = message.transfers
        self.show_rows(self.query_one("#transfers", DataTable), [
            (transfer.transfer_id, (transfer.transfer_id, transfer.state, transfer.direction, transfer.other_store,
                                    str(len(transfer.lines))))
            for transfer in message.transfers])
        if message.note:
            self.say(message.note, "success")
            return
        self.say(f"{len(message.transfers)} transfer{'s' if len(message.transfers) != 1 else ''}, latest first."
                 if message.transfers else "No transfers yet: F5 requests one, F6 receives another store's.")

    def on_transfers_failed(self, message: TransfersFailed) -> None:
        self.refuse(message.text)

    def current(self) -> transfers.Transfer | None:
        table = self.query_one("#transfers", DataTable)
        if not self.transfers or table.cursor_row >= len(self.transfers):
            return None
        return self.transfers[table.cursor_row]

    def action_new_request(self) -> None:
        def make(answer: Answer) -> object:
            lines = [transfers.parse_line(text) for text in answer["lines"].split()]
            made = guarded(self.app, lambda approval: transfers.request(self.session, answer["to"], lines,
                                                                        approval=approval))
            return lambda: self.changed(f"{made.transfer_id} requested: head office approves it with"
                                        f" `pos hq transfer approve {made.transfer_id}`.")

        self.app.push_screen(FormDialog("Request a transfer to another store", [
            Field("to", "The store it goes to (its id)"),
            Field("lines", "Lines: CODE:QTY, separated by spaces"),
        ], act=make))

    def changed(self, note: str) -> None:
        self.books_moved()
        self.loaded_version = self.app.data_version  # type: ignore[attr-defined]
        self.load(note)

    def action_ship(self) -> None:
        transfer = self.current()
        if transfer is None:
            self.refuse("No transfer is highlighted: F5 requests one.")
            return
        if transfer.direction != "out" or transfer.state != "requested":
            self.refuse(f"{transfer.transfer_id} is {transfer.state}: only this store's requests are shipped.")
            return
        self.app.push_screen(TransferScanScreen(transfer.transfer_id, transfer, self.changed))

    def action_receive(self) -> None:
        def chosen(answer: Answer) -> object:
            tid = transfers.normal_id(answer["transfer"])
            return lambda: self.app.push_screen(TransferScanScreen(tid, None, self.changed))

        self.app.push_screen(FormDialog("Receive another store's transfer", [
            Field("transfer", "The transfer's id, from its delivery note (TR-...)"),
        ], act=chosen))

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [("Request a transfer", "Ask to move stock to another store (F5)", "screen.new_request"),
                ("Receive a transfer", "Count in another store's transfer by scan (F6)", "screen.receive")]


class TransferTable(LineTable):
    COLUMNS: ClassVar[tuple[Column, ...]] = (
        Column("SKU", 14), Column("Item", 0), Column("Requested", 10, "right"), Column("Scanned", 10, "right"),
    )


@dataclass
class ScanRow:
    name: str
    requested: int
    scanned: int


@dataclass
class TransferPosted(Message):
    note: str


class TransferScanScreen(StockPage):
    """Shipping a request (``requested`` given) or receiving another store's transfer, by scan."""

    AUTO_FOCUS = "#scan"
    TAKES_SCANS = True
    WRITES = frozenset({"post"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", priority=True, id="transfer_scan.back"),
        Binding("f12", "post", "Post", priority=True, id="transfer_scan.post"),
        Binding("ctrl+d", "take_back", "Take back scan", priority=True, id="transfer_scan.take_back"),
    ]

    def __init__(self, transfer_id: str, requested: transfers.Transfer | None, done: Callable[[str], None]) -> None:
        super().__init__()
        self.done = done  # the transfers list: reload, and say what was posted
        self.transfer_id = transfer_id
        self.requested = requested
        self.rows: dict[str, ScanRow] = {}  # by SKU, in the order first seen
        if requested is not None:
            for line in requested.lines:
                self.rows[line.sku] = ScanRow(line.name, line.requested, 0)
        self.scans: list[tuple[str, int]] = []

    @property
    def shipping(self) -> bool:
        return self.requested is not None

    def compose_page(self) -> ComposeResult:
        yield ScanInput(id="scan", placeholder="Scan each item · 12* first for twelve", compact=True)
        yield TransferTable(id="transfer-lines", zebra=True)

    def on_mount(self) -> None:
        what = "Ship" if self.shipping else "Receive"
        self.title_line(f"{what} {self.transfer_id}",
                        "Scan what is packed; F12 ships it with head office's approval reference." if self.shipping
                        else "Scan what arrived; F12 posts the count (a difference goes to head office).")
        self.show_all()
        self.say("Ctrl+D takes the last scan back; Esc leaves without posting.")

    def show_all(self) -> None:
        self.query_one(TransferTable).set_rows([
            (sku, row.name, format_quantity(row.requested) if self.shipping else "", format_quantity(row.scanned))
            for sku, row in self.rows.items()])

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
        try:
            product, quantity = scanned(self.session, code, what="shipped" if self.shipping else "received")
        except PosError as error:
            self.refuse(str(error))
            return
        row = self.rows.setdefault(product.sku, ScanRow(product.display_name, 0, 0))
        row.scanned += quantity
        self.scans.append((product.sku, quantity))
        self.show_all()
        self.say(f"{product.display_name}: {format_quantity(row.scanned)} scanned.")

    def action_take_back(self) -> None:
        if not self.scans:
            self.refuse("Nothing is scanned yet.")
            return
        sku, quantity = self.scans.pop()
        self.rows[sku].scanned -= quantity
        self.show_all()
        self.say(f"Took back one scan of {sku}.")

    def counted(self) -> list[tuple[str, int]]:
        """Receiving counts every line seen (0 for a product not come); shipping only what was packed."""
        return [(sku, row.scanned) for sku, row in self.rows.items() if not self.shipping or row.scanned]

    def action_post(self) -> None:
        if not self.scans:
            self.refuse("Nothing is scanned yet: scan the items, then F12.")
            return
        lines = self.counted()
        if self.shipping:
            def ship(answer: Answer) -> object:
                shipped, alerts = guarded(self.app, lambda approval: transfers.ship(
                    self.session, self.transfer_id, answer["approval"], lines, approval=approval))
                note = f"{shipped.transfer_id} shipped under {shipped.approval_ref}. " + " ".join(alerts)
                return lambda: self.post_message(TransferPosted(note.strip()))

            # Head office's approval, when it has come with `pos sync`, is filled in: Enter ships.
            arrived = self.requested.approval_ref if self.requested is not None else ""
            self.app.push_screen(FormDialog(f"Ship {self.transfer_id}", [
                Field("approval", "Head office's approval (arrived)" if arrived
                      else "Head office's approval reference (AP-...)", value=arrived),
            ], act=ship))
            return

        def receive(answer: Answer) -> object:
            got = guarded(self.app, lambda approval: transfers.receive(
                self.session, self.transfer_id, lines, answer["reason"], approval=approval))
            return lambda: self.post_message(TransferPosted(f"{got.transfer_id} received: {len(got.lines)} line(s)."))

        self.app.push_screen(FormDialog(f"Receive {self.transfer_id}", [
            Field("reason", "Reason for any difference from what was shipped (damaged, missing...)",
                  transfers.DEFAULT_REASON),
        ], act=receive))

    def on_transfer_posted(self, message: TransferPosted) -> None:
        self.scans = []
        self.done(message.note)
        self.dismiss(None)
