"""The counter's hardware as the cockpit sees it: the receipt printer's queue, scanners, the pole display.

Built from ``[devices]`` in the config and started after the login's first frame, off the UI thread
(python-escpos reads its printer profiles for ~0.2 s). Devices call back from their own threads;
everything they say reaches the app as a message, so only message handlers touch widgets. Nothing
here raises into the till: a device that is missing, unplugged or misconfigured becomes a sentence
in ``status_lines()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pos_tui.config import Settings
from pos_tui.domain.errors import PosError
from pos_tui.domain.money import Currency

if TYPE_CHECKING:
    from pos_tui.devices.scan_source import Scan, ScannerStatus, ScanSource
    from pos_tui.services.selling.customer_display import CustomerDisplay
    from pos_tui.services.selling.printing import PrinterStatus, QueuedJob, ReceiptPrinter
    from pos_tui.services.session import Session

Post = Callable[[object], None]  # App.post_message: thread-safe


@dataclass(frozen=True)
class PrintOutcome:
    """What became of a receipt, in a sentence for the cashier."""

    queued: bool
    text: str


def printer_sentence(status: PrinterStatus | None) -> tuple[str, str]:
    """(level, sentence) for the bucket's device line."""
    if status is None:
        return "info", "Printer: starting…"
    if not status.enabled:
        return ("error", f"Printer: {status.last_error}") if status.last_error else (
            "info", "No printer: receipts show on screen.")
    queued = f" · {status.pending} receipt{'s' if status.pending != 1 else ''} queued" if status.pending else ""
    if status.state == "ready" and not status.last_error:
        return ("warning" if status.pending else "success"), f"Printer ready{queued}"
    if status.state == "queued for another program":
        return "info", f"Printer: another program on this till prints{queued}"
    if status.state == "stopped":
        return "error", f"Printer stopped{queued} · restart the till to print them"
    what_to_do = status.last_error or "check it is on and connected"
    return "error", f"Printer offline{queued} · {what_to_do} (prints when back)"


class CounterDevices:
    """``evdev_opener``: how an evdev scanner's device is opened (tests hand in a pipe-backed one)."""

    def __init__(self, settings: Settings, currency: Currency, *, evdev_opener: Callable[[str], Any] | None = None):
        self.receipts_waiting = 0  # receipts by email or SMS not yet sent (the outbox)
        self.settings = settings
        self.currency = currency
        self.evdev_opener = evdev_opener
        self.printer: ReceiptPrinter | None = None
        self.printer_status: PrinterStatus | None = None
        self.printer_problem = ""  # the printer could not be set up at all
        self.display: CustomerDisplay | None = None
        self.scanners: list[ScanSource] = []
        self.scanner_status: dict[str, ScannerStatus] = {}
        self._display_lock = threading.Lock()  # one write at a time on the display's serial line
        self.chain_line: tuple[str, str] | None = None  # (level, "synced 14:02 · 0 waiting") in a chain
        self._post: Post = lambda message: None

    # --- life cycle (start runs in a worker thread) ----------------------------------------------

    def start(self, post: Post, *, selling: bool = True) -> None:
        """``selling`` False (a read-only seat, e.g. a manager over SSH): the printer only, for reprints;
        the scanners and the display belong to the till that sells (grabbing them would take them away)."""
        from pos_tui.tui.messages import DevicesChanged

        self._post = post
        self._start_printer()
        if selling:
            self._start_display()
            self._start_scanners()
        post(DevicesChanged())

    def close(self) -> None:
        for scanner in self.scanners:
            scanner.stop()
        if self.printer is not None:
            self.printer.close()
        if self.display is not None:
            self.display.close()

    def _start_printer(self) -> None:
        from pos_tui.services.selling.printing import ReceiptPrinter
        from pos_tui.tui.messages import DevicesChanged

        def changed(status: PrinterStatus) -> None:
            self.printer_status = status
            self._post(DevicesChanged())

        try:
            self.printer = ReceiptPrinter(self.settings, on_status=changed)
            self.printer.start()
            self.printer_status = self.printer.status()
        except (PosError, OSError) as error:
            self.printer_problem = str(error)

    def _start_display(self) -> None:
        from pos_tui.services.selling.customer_display import CustomerDisplay

        try:
            self.display = CustomerDisplay(self.settings, self.currency)
        except (PosError, OSError) as error:
            self.scanner_status_note("pole display", f"Pole display not available ({error}).")

    def _start_scanners(self) -> None:
        from pos_tui.tui.messages import ScannerRead, ScannerStatusChanged

        def read(scan: Scan) -> None:
            self._post(ScannerRead(scan))

        def status(changed: ScannerStatus) -> None:
            self._post(ScannerStatusChanged(changed))

        for config in self.settings.devices.scanners:
            try:
                source = self._source(config, read, status)
            except (PosError, OSError, ImportError) as error:
                self.scanner_status_note(config.label, f"Scanner {config.label} cannot start: {error}")
                continue
            self.scanners.append(source)
            source.start()

    def _source(self, config: Any, read: Callable[[Scan], None], status: Callable[[ScannerStatus], None]
                ) -> ScanSource:
        if config.kind == "evdev":
            from pos_tui.devices.evdev_scanner import EvdevScanner

            opener = self.evdev_opener
            open_device = (lambda: opener(config.device)) if opener is not None else None
            return EvdevScanner(config.to_config(), read, status, name=config.label, open_device=open_device)
        from pos_tui.devices.serial_scanner import SerialScanner

        return SerialScanner(config.to_config(), read, status, name=config.label)

    def scanner_status_note(self, source: str, detail: str) -> None:
        from pos_tui.devices.scan_source import ScannerState, ScannerStatus, now_utc

        self.scanner_status[source] = ScannerStatus(source, ScannerState.DISCONNECTED, detail, now_utc())

    # --- what the till asks of them (called from worker threads) ---------------------------------

    def print_sale(self, session: Session, sale_ref: str, *, duplicate: bool = False) -> PrintOutcome | None:
        """Queue a committed sale's receipt; None when no printer is configured (the screen shows it)."""
        printer = self.printer
        if printer is None or not printer.enabled:
            return None
        job: QueuedJob | None = printer.print_sale(session, sale_ref, duplicate=duplicate)
        status = printer.status()
        self.printer_status = status
        what = "Duplicate of " + sale_ref if duplicate else "Receipt"
        if job is None:
            return PrintOutcome(True, status.last_error or f"{what} could not be printed; F9 reprints it.")
        if status.state == "ready" and not status.last_error:
            return PrintOutcome(False, f"{what} on its way to the printer (the line below says if it is not).")
        return PrintOutcome(True, f"{what} queued: {printer_sentence(status)[1]}.")

    def show_item(self, name: str, price: int, total: int, *, first: bool) -> None:
        display = self.display
        if display is None or not display.enabled:
            return
        with self._display_lock:
            if first:
                display.new_sale()
            display.show_item(name, price, total)

    def show_paid(self, total: int, change: int) -> None:
        display = self.display
        if display is None or not display.enabled:
            return
        with self._display_lock:
            display.show_paid(total, change)

    # --- what the cashier sees ---------------------------------------------------------------------

    def status_lines(self) -> list[tuple[str, str]]:
        """(level, sentence) per device, printer first."""
        if self.printer_problem:
            lines = [("error", f"Printer: {self.printer_problem}")]
        else:
            lines = [printer_sentence(self.printer_status)]
        for source, status in sorted(self.scanner_status.items()):
            state = status.state.value
            level = {"connected": "success", "rejected_scan": "warning"}.get(state, "error")
            text = f"Scanner {source} ready" if state == "connected" else status.detail
            lines.append((level, text))
        if self.display is not None and self.display.problem:
            lines.append(("warning", f"Pole display: {self.display.problem}"))
        if self.receipts_waiting:
            lines.append(("warning", f"{self.receipts_waiting} receipt{'s' if self.receipts_waiting > 1 else ''}"
                                     " waiting to be sent"))
        if self.chain_line is not None:
            lines.append(self.chain_line)
        return lines
