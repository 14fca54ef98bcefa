"""F3 Transfers: the stores' transfers as head office has their steps, those waiting for approval
first; F5 approves the highlighted one (the service `pos hq transfer approve` calls) and shows the
reference the sending store types when it ships."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Static

from pos_tui.domain.money import format_quantity
from pos_tui.services.hq import transfers
from pos_tui.services.hq.cockpit import store_names
from pos_tui.services.hq.transfers import HqTransfer
from pos_tui.tui.dialogs.confirm import ConfirmDialog
from pos_tui.tui.hq.page import Answered, OfficePage
from pos_tui.tui.widgets.tiles import Tile


@dataclass
class TransfersShown(Message):
    transfers: int
    to_approve: int


@dataclass
class TransferApproved(Message):
    transfer_id: str
    reference: str
    now: bool


def waiting_first(found: list[HqTransfer]) -> list[HqTransfer]:
    """Those to approve first, then the rest as head office lists them (the latest news first)."""
    return sorted(found, key=lambda t: t.state != "requested")


class TransfersPage(OfficePage):
    MODE = "transfers"
    AUTO_FOCUS = "#hq-transfers"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "approve", "Approve", priority=True, id="hq_transfers.approve"),
        Binding("ctrl+r", "reload", "Refresh", priority=True, id="hq_transfers.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.transfers: list[HqTransfer] = []
        self.names: dict[str, str] = {}
        self.approved = ""  # what the last approval said: it stays on the status line over the reload it causes

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="tiles"):
            yield Tile("To approve", tone="expense", id="tile-hq-to-approve")
            yield Tile("In transit", id="tile-hq-in-transit")
            yield Tile("Alarms", tone="out", id="tile-hq-transfer-alarms")
        table: DataTable[Text] = DataTable(id="hq-transfers", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="hq-transfer-detail", markup=False)

    def on_mount(self) -> None:
        self.query_one("#hq-transfers", DataTable).add_columns("Transfer", "State", "From", "To", "Lines",
                                                               "Approval", "Alarm")

    def on_screen_resume(self) -> None:
        self.load()

    def action_reload(self) -> None:
        self.approved = ""
        self.load()

    def load(self) -> None:
        self.ask("transfers", lambda conn: (transfers.list_transfers(conn), store_names(conn)))

    def highlighted(self) -> HqTransfer | None:
        row = self.query_one("#hq-transfers", DataTable).cursor_row
        return self.transfers[row] if self.transfers and 0 <= row < len(self.transfers) else None

    def action_approve(self) -> None:
        transfer = self.highlighted()
        if transfer is None:
            self.say("No transfer to approve: the stores have sent none.", "warning")
            return
        if transfer.approval_ref:
            self.say(f"{transfer.transfer_id} is approved already: {transfer.approval_ref}.", "warning")
            return
        if not transfer.requested:
            self.say(f"Head office has not received the request for {transfer.transfer_id} yet: wait for"
                     f" {transfer.from_store or 'the sending store'} to sync.", "warning")
            return
        tid = transfer.transfer_id

        def answered(yes: bool | None) -> None:
            if yes:
                self.say(f"Approving {tid}…")
                self.ask("approve", lambda conn: (tid, *transfers.approve(conn, tid)))

        lines = ", ".join(f"{line.sku} × {format_quantity(line.requested)}" for line in transfer.lines)
        route = f"{self.store_name(transfer.from_store)} → {self.store_name(transfer.to_store)}"
        self.app.push_screen(ConfirmDialog("Approve a transfer", f"{tid}: {route}, {lines}.", "approve"),
                             callback=answered)

    def store_name(self, store: str) -> str:
        """A store as people call it (its id where head office does not know it: an alarm to read)."""
        return self.names.get(store, store) if store else "?"

    def on_answered(self, message: Answered) -> None:
        if message.what == "transfers":
            found, self.names = message.value
            self.show_transfers(waiting_first(found))
        elif message.what == "approve":
            tid, reference, now = message.value
            self.approved = (f"{tid} {'approved' if now else 'was already approved'}: {reference}. It reaches the"
                             " sending store with its `pos sync`; offline, it ships with"
                             f" `pos transfer ship {tid} --approval {reference}`.")
            self.say(self.approved, "success")
            self.post_message(TransferApproved(tid, reference, now))
            self.load()

    def show_transfers(self, found: list[HqTransfer]) -> None:
        self.transfers = found
        theme = self.app.current_theme
        table = self.query_one("#hq-transfers", DataTable)
        at = table.cursor_row
        table.clear()
        for t in found:
            state = Text(t.state, style=f"bold {theme.warning}" if t.state == "requested" else "")
            table.add_row(Text(t.transfer_id), state, Text(self.store_name(t.from_store)),
                          Text(self.store_name(t.to_store)),
                          Text(str(len(t.lines)), justify="right"), Text(t.approval_ref or "-"),
                          Text(t.alarm, style=theme.error or ""), key=t.transfer_id)
        if found:
            table.move_cursor(row=min(max(at, 0), len(found) - 1))
        waiting = sum(1 for t in found if t.state == "requested")
        self.query_one("#tile-hq-to-approve", Tile).show(f"{waiting:,}", "F5 approves")
        self.query_one("#tile-hq-in-transit", Tile).show(f"{sum(1 for t in found if t.state == 'in transit'):,}")
        self.query_one("#tile-hq-transfer-alarms", Tile).show(f"{sum(1 for t in found if t.alarm):,}")
        if self.approved:  # until Ctrl+R: a reload the approval caused must not hide its reference
            self.say(self.approved, "success")
        else:
            self.say(f"{len(found)} transfer(s), {waiting} to approve." if found
                     else "The stores have sent no transfer yet.")
        self.show_detail()
        self.post_message(TransfersShown(len(found), waiting))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        transfer = self.highlighted()
        detail = self.query_one("#hq-transfer-detail", Static)
        if transfer is None:
            detail.update("")
            return
        q = format_quantity
        lines = "  ".join(f"{line.sku}: asked {q(line.requested)}, shipped {q(line.shipped)}, received"
                          f" {q(line.received)}" + (f", lost {q(line.shrinkage)}" if line.shrinkage else "")
                          for line in transfer.lines)
        detail.update(f"{transfer.transfer_id}: {lines}" + (f"  ALARM: {transfer.alarm}" if transfer.alarm else ""))
        detail.set_classes("-error" if transfer.alarm else "")

