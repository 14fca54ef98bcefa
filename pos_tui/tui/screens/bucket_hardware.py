"""The bucket's side of the counter hardware: wedge scans, receipts and reprints, the pole display.

A mixin of `BucketScreen` (it uses the screen's cart, session and status line). The sale never
waits for a device: receipts go to the print queue after the sale is committed, in the payment's
worker; the pole display is written from its own worker.
"""

from __future__ import annotations

import re

from textual import work

from pos_tui.domain.cart import price_cart
from pos_tui.domain.errors import PosError
from pos_tui.services.selling.receipts import receipt_text
from pos_tui.services.selling.sales import CompletedSale
from pos_tui.tui.counter_devices import CounterDevices
from pos_tui.tui.dialogs.receipt import ReceiptDialog
from pos_tui.tui.messages import ActionFailed, BarcodeScanned, LineAdded
from pos_tui.tui.widgets.scan_input import ScanInput

QUANTITY_PREFIX = re.compile(r"^\d+(?:[.,]\d+)?\*$")  # "3*" typed by hand before a scan


class CounterHardware:
    """Mixed into `BucketScreen`: uses its ``cart``, ``session``, ``say`` and the app's devices."""

    last_sale_ref: str = ""

    @property
    def devices(self) -> CounterDevices:
        return self.app.devices  # type: ignore[attr-defined, no-any-return]

    # --- a keyboard-wedge scanner typing into the scan field -----------------------------------

    def on_scan_input_scanned(self, message: ScanInput.Scanned) -> None:
        typed = message.typed.strip()
        if QUANTITY_PREFIX.match(typed):
            code, typed = typed + message.code, ""
        else:
            code = message.code
        self.show_results(False)
        self.post_message(BarcodeScanned(code, "wedge"))
        if typed:  # a person was typing a search when the scanner fired: give them their text back,
            # without searching it again: the status names what was scanned, and the cart stays in view
            # until they type on (or press Enter to search it).
            field = self.query_one(ScanInput)
            with field.prevent(ScanInput.Changed):
                field.value = typed

    # --- the customer's pole display -----------------------------------------------------------

    def show_on_pole(self, message: LineAdded) -> None:
        if self.devices.display is None or not self.devices.display.enabled:
            return
        priced = price_cart(self.cart, self.session.tax_policy)
        line = priced.lines[message.index]
        self.pole_item(line.line.name, line.gross, priced.total, len(self.cart.lines) == 1)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pole")
    def pole_item(self, name: str, price: int, total: int, first: bool) -> None:
        self.devices.show_item(name, price, total, first=first)

    # --- receipts ------------------------------------------------------------------------------

    def receipt_out(self, sale: CompletedSale) -> str:
        """In the payment's worker, after the commit: queue the receipt, show the change on the pole.

        Returns what the receipt dialog says about the printer ("" when none is configured)."""
        self.last_sale_ref = sale.reference
        outcome = self.devices.print_sale(self.session, sale.reference)
        self.devices.show_paid(sale.priced.total + sale.rounding, sale.change)
        return "" if outcome is None else outcome.text

    def action_reprint(self) -> None:
        if not self.last_sale_ref:
            self.say("No sale on this till since it opened; the daybook reprints older receipts.", "warning")
            return
        self.reprint(self.last_sale_ref)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reprint")
    def reprint(self, sale_ref: str) -> None:
        try:
            outcome = self.devices.print_sale(self.session, sale_ref, duplicate=True)
            if outcome is None:  # no printer: the duplicate shows on screen
                text = receipt_text(self.session, sale_ref, duplicate=True)
                self.app.call_from_thread(
                    self.app.push_screen, ReceiptDialog(text, "", (), title=f"Duplicate of {sale_ref}"))
                return
        except PosError as error:
            self.post_message(ActionFailed("reprint", str(error)))
            return
        self.app.call_from_thread(self.say, outcome.text, "warning" if outcome.queued else "success")
