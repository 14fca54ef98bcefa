"""After a sale: the change due in big digits and the receipt preview (no printer configured)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Digits, Label, Static

FRAME_COLUMNS = 8  # border 2, the box's padding 2, the receipt's padding 2, the scrollbar 2


class ReceiptDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    ReceiptDialog { align: center middle; }
    ReceiptDialog > Vertical { width: 48; max-width: 98%; height: auto; max-height: 98%; padding: 0 1;
        background: $panel; border: round $success; }
    ReceiptDialog #change-label { color: $success; text-style: bold; }
    ReceiptDialog #change { color: $success; width: auto; }
    ReceiptDialog VerticalScroll { height: auto; max-height: 24; background: $surface; padding: 0 1;
        scrollbar-gutter: stable; }
    ReceiptDialog #receipt-note { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "close", "Next customer", priority=True, id="receipt.close"),
        Binding("e", "send('email')", "Email it", id="receipt.email"),
        Binding("s", "send('sms')", "SMS it", id="receipt.sms"),
    ]

    def __init__(self, receipt: str, change: str, warnings: tuple[str, ...] = (), *, title: str = "Sale complete",
                 printed: str = "", send: Callable[[str, str], str] | None = None,
                 addresses: dict[str, str] | None = None) -> None:
        """``change`` "" shows no change (a reprint); ``printed``: what the printer did ("" = no printer);
        ``send(channel, address)`` queues the receipt for email or SMS and says so (None: not offered);
        ``addresses``: the attached customer's consented address by channel, offered pre-filled."""
        super().__init__()
        self.addresses = addresses or {}
        self.send = send
        self.receipt = receipt
        self.change = change
        self.warnings = warnings
        self.title_text = title
        self.printed = printed

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            if self.change:
                yield Label("CHANGE DUE", id="change-label")
                yield Digits(self.change, id="change")
            for warning in self.warnings:
                yield Static(warning, classes="warning", markup=False)
            with VerticalScroll():
                yield Static(self.receipt, id="receipt-text", markup=False)
            note = self.printed or "Receipt preview (no printer configured)."
            offer = ". E: email it, S: SMS it." if self.send is not None else ""
            yield Static(f"{note} Enter: next customer{offer}", id="receipt-note", markup=False)

    def on_mount(self) -> None:
        # As wide as the receipt's longest line plus the frame (border, paddings, the scrollbar's gutter),
        # so a long receipt scrolls instead of wrapping every line.
        longest = max((len(line) for line in self.receipt.splitlines()), default=0)
        self.query_one(Vertical).styles.width = max(48, longest + FRAME_COLUMNS)

    def action_close(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "send" or self.send is not None

    def action_send(self, channel: str) -> None:
        """Ask for the address and queue the receipt; the outbox sends it when the network is there."""
        from pos_tui.tui.dialogs.form import Field, FormDialog

        send = self.send
        assert send is not None
        label = "Email address" if channel == "email" else "Phone number (with country code)"

        def act(answer: dict[str, str]) -> Callable[[], None]:
            said = send(channel, answer["address"])
            return lambda: self.query_one("#receipt-note", Static).update(said)

        self.app.push_screen(FormDialog("Email the receipt" if channel == "email" else "SMS the receipt",
                                        [Field("address", label, self.addresses.get(channel, ""))], act=act))
