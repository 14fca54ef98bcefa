"""Printing receipts, test pages and drawer kicks for this till, through its persistent print queue.

Call ``print_sale`` only after ``complete_sale`` returned: the sale is committed by then, and printing
can only add a receipt, never lose a sale. Jobs are rendered here and written to the spool at once;
a worker thread sends them and retries with back-off. Nothing in this file raises into the sale path:
a printer fault is reported by ``status()`` in a sentence the cashier can act on.

Several programs on one till (the till screen, a `pos sale` from a script) may share a printer's
spool. One of them at a time owns it (an flock on the spool) and sends the jobs, so a job never
prints twice; the others only add jobs, and the owner picks them up within a second.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from pos_tui.devices.errors import DeviceConfigError, DeviceError
from pos_tui.devices.escpos_render import EscPosRenderer, PrinterSettings
from pos_tui.devices.print_elements import (
    Align,
    Barcode,
    Cut,
    Feed,
    PrintElement,
    QrCode,
    Rule,
    TextLine,
    TextStyle,
    TwoColumnLine,
    drawer_kick,
)
from pos_tui.devices.print_queue import JOB_SUFFIX, JobKind, PrintQueue, QueueState, QueueStatus
from pos_tui.devices.printer_address import (
    FilePrinter,
    NoPrinter,
    PrinterAddress,
    SerialPrinter,
    TcpPrinter,
    UsbPrinter,
    describe,
    parse_printer_uri,
)
from pos_tui.devices.printer_transport import STATUS_REQUEST, transport_for
from pos_tui.devices.receipt import ReceiptLayout, layout_receipt
from pos_tui.services.selling.receipts import receipt_data

if TYPE_CHECKING:
    from pos_tui.config import Settings
    from pos_tui.devices.backoff import Backoff
    from pos_tui.devices.printer_transport import PrinterTransport
    from pos_tui.services.session import Session

WATCH_SECONDS = 0.5  # how often a spool is checked for jobs other programs added, or for a free owner lock

# A line of each code page's own letters, so a test page shows the page is the right one.
CODE_PAGE_SAMPLES = {
    "CP437": "café naïve £5 ½ ñ",
    "CP850": "Grüße Ñandú Å ø",
    "CP858": "€ 5,00 Grüße Straße é à ç",
    "CP860": "Ação São João ã õ ç",
    "CP866": "Съешь же ещё этих булок",
    "CP857": "Güneş ığdır şeker İ",
    "CP1252": "€ 5,00 œuvre Grüße",
}


@dataclass(frozen=True)
class QueuedJob:
    """A job in the spool: ``wait_printed`` says when the printer has taken it."""

    job_id: str
    kind: JobKind
    sale_number: str | None


@dataclass(frozen=True)
class PrinterStatus:
    printer: str  # "Printer at 10.0.0.7:9100"
    uri: str
    enabled: bool  # False: no printer configured
    state: str  # "no printer", "ready", "retrying", "queued for another program", "stopped"
    pending: int
    last_error: str  # the sentence to show while something is wrong, else ""
    prints_here: bool  # this program sends the jobs (else another program on this till does)

    @property
    def ok(self) -> bool:
        return not self.last_error and self.state in ("ready", "no printer")

    def sentence(self) -> str:
        if not self.enabled:
            return "No printer is configured; receipts are shown on screen only."
        waiting = f"{self.pending} job{'s' if self.pending != 1 else ''} waiting" if self.pending else "nothing waiting"
        text = f"{self.printer}: {self.state}, {waiting}."
        return f"{text} {self.last_error}" if self.last_error else text


def spool_name(address: PrinterAddress) -> str:
    """The spool subdirectory of one printer: each printer keeps its own queue."""
    match address:
        case TcpPrinter(host=host, port=port):
            raw = f"tcp-{host}-{port}"
        case UsbPrinter(vendor_id=vendor, product_id=product):
            raw = f"usb-{vendor:04x}-{product:04x}"
        case SerialPrinter(device=device):
            raw = f"serial-{device}"
        case FilePrinter(path=path):
            raw = f"file-{path}"
        case _:
            raw = "none"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", raw).strip("_")


@contextlib.contextmanager
def _flocked(path: Path, mode: int) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)  # closing releases the lock


class ReceiptPrinter:
    """The till's printer: renders with the configured profile and queues jobs for it.

    ``uri`` overrides ``devices.printer.uri`` (the `--printer` option). Use as a context manager, or
    call ``start()`` and ``close()``.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        uri: str | None = None,
        backoff: Backoff | None = None,
        on_status: Callable[[PrinterStatus], None] | None = None,
        transport: PrinterTransport | None = None,
        spool: Path | None = None,
    ) -> None:
        """``transport`` and ``spool`` replace the address's own transport and spool directory (a
        kitchen station's printer, which falls back to its backup, keeps its own queue)."""
        config = settings.devices.printer
        self.uri = config.uri if uri is None else uri
        address = parse_printer_uri(self.uri)
        if isinstance(address, TcpPrinter) and config.confirm_status:
            address = replace(address, confirm_status=True)
        self.address = address
        self.name = describe(address)
        self._renderer: EscPosRenderer | None = None
        self.layout = ReceiptLayout(columns=config.columns or 42, drawer_pin=config.drawer_pin)
        if not isinstance(address, NoPrinter):  # no printer: nothing to render, nothing to check
            self._renderer = EscPosRenderer(
                PrinterSettings(config.profile, config.columns, settings.store.language, config.code_page)
            )
            self.layout = replace(self.layout, columns=self._renderer.columns)
        self.profile = config.profile
        self.wait_seconds = config.wait_seconds
        self._on_status = on_status
        self._fault = ""
        self._owner = False
        self._owner_fd = -1
        self._watch_stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._queue: PrintQueue | None = None
        self.spool: Path | None = None
        if isinstance(address, NoPrinter):
            return
        self.spool = spool or config.spool_dir / spool_name(address)
        try:
            self.spool.mkdir(parents=True, exist_ok=True)
            # Building a queue clears half-written files: never while another program is writing one.
            with _flocked(self.spool / "enqueue.lock", fcntl.LOCK_EX):
                self._queue = PrintQueue(
                    self.spool, transport or transport_for(address), backoff or config.retry_backoff(),
                    self._queue_changed,
                )
        except OSError as error:
            raise DeviceConfigError(
                f"The print queue at {self.spool} cannot be used ({error.strerror or error}).",
                "Set devices.printer.spool_dir to a directory the till may write to.",
            ) from error

    # -- life cycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        if self._queue is None or self._watcher is not None:
            return
        self._try_to_own()
        self._watch_stop.clear()
        self._watcher = threading.Thread(target=self._watch, name="print-spool-watch", daemon=True)
        self._watcher.start()

    def close(self, timeout: float = 5.0) -> None:  # float-ok: seconds
        self._watch_stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout)
            self._watcher = None
        if self._queue is not None and self._owner:
            self._queue.stop(timeout)
        if self._owner_fd >= 0:
            os.close(self._owner_fd)
            self._owner_fd, self._owner = -1, False

    def __enter__(self) -> ReceiptPrinter:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # -- jobs ---------------------------------------------------------------------------------------

    @property
    def renderer(self) -> EscPosRenderer:
        if self._renderer is None:
            raise DeviceConfigError("No printer is configured.", "Set devices.printer.uri or pass --printer URI.")
        return self._renderer

    @property
    def enabled(self) -> bool:
        return self._queue is not None

    def print_sale(self, session: Session, sale_ref: str, *, duplicate: bool = False) -> QueuedJob | None:
        """Queue the receipt of a committed sale; returns at once and never raises.

        A cash sale's receipt ends with a drawer pulse; a duplicate (reprint) never opens the drawer.
        None: no printer, or the receipt could not be made (``status()`` says why).
        """
        if self._queue is None:
            return None
        try:
            data = receipt_data(session, sale_ref, duplicate=duplicate)
            money = session.currency
            elements = layout_receipt(data, lambda minor: money.format(minor, symbol=False), self.layout)
            job = self.renderer.render(elements)
            return self._enqueue(job, JobKind.DUPLICATE if duplicate else JobKind.RECEIPT, data.sale_number)
        except Exception as error:  # the sale is committed: whatever broke here must not undo the checkout
            self._fault = (
                f"The receipt for {sale_ref} could not be printed ({error}); the sale is saved. "
                f"Reprint it with `pos reprint --sale {sale_ref}` once this is fixed."
            )
            self._queue_changed(self._queue.status())
            return None

    def print_document(self, elements: list[PrintElement], kind: JobKind = JobKind.REPORT) -> QueuedJob | None:
        """Queue a laid-out document (an X, Z or shift report, labels); None when no printer is configured."""
        if self._queue is None:
            return None
        return self._enqueue_or_explain(self.renderer.render(elements), kind)

    def kick_drawer(self) -> QueuedJob:
        """Open the cash drawer (an authorised no-sale, or a drawer check)."""
        if self._queue is None:
            raise DeviceConfigError(
                "No printer is configured, so there is no drawer to open.",
                "Set devices.printer.uri (the drawer is plugged into the printer) or pass --printer.",
            )
        if self.layout.drawer_pin is None:
            raise DeviceConfigError(
                f"{self.name} has no cash drawer set up.", "Set devices.printer.drawer_pin to 2 or 5."
            )
        return self._enqueue_or_explain(self.renderer.render(drawer_kick(self.layout.drawer_pin)), JobKind.DRAWER)

    def test_page(self) -> QueuedJob:
        """A page showing profile, columns, code page samples, a barcode and a QR code."""
        if self._queue is None:
            raise DeviceConfigError(
                "No printer is configured.", "Set devices.printer.uri in the config or pass --printer URI."
            )
        return self._enqueue_or_explain(self.renderer.render(self.test_page_elements()), JobKind.TEST)

    def test_page_elements(self) -> list[PrintElement]:
        columns = self.renderer.columns
        code_page = self.renderer.code_page
        ruler = "".join(str(n % 10) for n in range(1, columns + 1))
        drawer = f"pin {self.layout.drawer_pin}" if self.layout.drawer_pin is not None else "none"
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        return [
            TextLine("pos_tui test page", Align.CENTER, TextStyle(bold=True, double_height=True)),
            TextLine(stamp, Align.CENTER),
            Rule(),
            TwoColumnLine("Printer", self.uri),
            TwoColumnLine("Profile", self.profile),
            TwoColumnLine("Columns", str(columns)),
            TwoColumnLine("Code page", code_page),
            TwoColumnLine("Drawer", drawer),
            Rule(),
            TextLine(ruler),
            TextLine(CODE_PAGE_SAMPLES.get(code_page, "ABC abc 0123456789")),
            TextLine("Bold", style=TextStyle(bold=True)),
            TextLine("Double width", style=TextStyle(double_width=True)),
            TextLine("Inverted", style=TextStyle(inverted=True)),
            Rule(),
            Barcode("TEST-0123456789"),
            QrCode("pos_tui test page " + self.profile),
            Feed(1),
            TextLine("If all of this reads well,", Align.CENTER),
            TextLine("the printer is set up.", Align.CENTER),
            Cut(),
        ]

    def wait_printed(self, job: QueuedJob | None, timeout: float | None = None) -> bool:  # float-ok: seconds
        """Wait until the printer took ``job`` (True) or ``timeout`` seconds passed (False)."""
        if job is None or self.spool is None:
            return False
        waiting = self.spool / "queue" / (job.job_id + JOB_SUFFIX)
        deadline = time.monotonic() + (self.wait_seconds if timeout is None else timeout)
        while waiting.exists():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True

    def retry_now(self) -> None:
        """Try the waiting jobs now instead of after the back-off (the printer was just fixed)."""
        if self._queue is not None:
            self._queue.retry_now()

    # -- status -------------------------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        if self._queue is None:
            return PrinterStatus(self.name, self.uri, False, "no printer", 0, self._fault, False)
        return self._status_from(self._queue.status())

    def probe(self, timeout: float = 2.0) -> str:  # float-ok: seconds
        """Ask the printer itself whether it is there (a sentence); does not print anything."""
        return probe_printer(self.address, timeout)

    # -- inside -------------------------------------------------------------------------------------

    def _enqueue(self, job: bytes, kind: JobKind, sale_number: str | None = None) -> QueuedJob:
        assert self._queue is not None and self.spool is not None
        with _flocked(self.spool / "enqueue.lock", fcntl.LOCK_SH):
            job_id = self._queue.enqueue(job, kind, sale_number)
        self._fault = ""
        return QueuedJob(job_id, kind, sale_number)

    def _enqueue_or_explain(self, job: bytes, kind: JobKind) -> QueuedJob:
        try:
            return self._enqueue(job, kind)
        except OSError as error:
            raise DeviceError(
                f"The print queue at {self.spool} cannot take the job ({error.strerror or error}).",
                "Free some disk space or fix the spool directory's permissions.",
            ) from error

    def _try_to_own(self) -> None:
        assert self._queue is not None and self.spool is not None
        if self._owner:
            return
        fd = os.open(self.spool / "owner.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return
        self._owner_fd, self._owner = fd, True
        self._queue.start()

    def _watch(self) -> None:
        assert self._queue is not None and self.spool is not None
        queue_dir = self.spool / "queue"
        while not self._watch_stop.wait(WATCH_SECONDS):
            if not self._owner:
                self._try_to_own()
                continue
            status = self._queue.status()
            # The worker sleeps until a job of ours arrives; jobs other programs added wake it here.
            if status.state is QueueState.OK and status.pending == 0 and any(queue_dir.glob("*" + JOB_SUFFIX)):
                self._queue.retry_now()

    def _status_from(self, queued: QueueStatus) -> PrinterStatus:
        if queued.state is QueueState.STOPPED:
            state = "stopped"
        elif not self._owner and self._watcher is not None:
            state = "queued for another program"
        elif queued.state is QueueState.RETRYING:
            state = "retrying"
        else:
            state = "ready"
        last_error = queued.last_error if queued.state is QueueState.RETRYING else ""
        return PrinterStatus(
            self.name, self.uri, True, state, queued.pending, " ".join(filter(None, (last_error, self._fault))),
            self._owner,
        )

    def _queue_changed(self, queued: QueueStatus) -> None:
        if self._on_status is not None:
            self._on_status(self._status_from(queued))


def probe_printer(address: PrinterAddress, timeout: float = 2.0) -> str:  # float-ok: seconds
    name = describe(address)
    match address:
        case NoPrinter():
            return "No printer is configured."
        case TcpPrinter(host=host, port=port):
            try:
                with socket.create_connection((host, port), timeout=timeout) as sock:
                    sock.settimeout(timeout)
                    sock.sendall(STATUS_REQUEST)
                    answer = sock.recv(1)
            except ConnectionRefusedError:
                return f"{name} refused the connection: check it is switched on and on the network."
            except TimeoutError:
                return f"{name} did not answer in {timeout:g} s: check its cable and its address."
            except OSError as error:
                return f"{name} cannot be reached ({error.strerror or error})."
            if not answer:
                return f"{name} accepted a connection but did not report its status."
            if answer[0] & 0x08:
                return f"{name} is offline: check the paper and that the cover is closed."
            return f"{name} is online."
        case FilePrinter(path=path):
            if not os.path.exists(path):
                return f"{name} is not there: check the printer is plugged in and switched on."
            if not os.access(path, os.W_OK):
                return f"{name} exists but the till may not write to it: check the udev rule and group."
            return f"{name} is there and writable."
        case SerialPrinter(device=device):
            if "://" not in device and not os.path.exists(device):
                return f"{name} is not there: check the cable and the port name."
            return f"{name} is there (serial printers cannot report more without printing)."
        case UsbPrinter():
            return _probe_usb(address)
    return f"{name}: unknown."


def _probe_usb(address: UsbPrinter) -> str:
    name = describe(address)
    try:
        import usb.core  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        return f"{name}: USB support (pyusb) is not installed; install python-escpos[usb] or use file:///dev/usb/lp0."
    try:
        found = usb.core.find(idVendor=address.vendor_id, idProduct=address.product_id)
    except usb.core.NoBackendError:
        return f"{name}: libusb is missing; install the Debian package libusb-1.0-0."
    if found is None:
        return f"{name} is not plugged in (see lsusb)."
    return f"{name} is plugged in."


def spool_dirs(settings: Settings) -> list[Path]:
    """Every printer spool under the configured spool directory (jobs may wait for an old address)."""
    root = settings.devices.printer.spool_dir
    if not root.is_dir():
        return []
    return sorted(path for path in root.iterdir() if (path / "queue").is_dir())


def waiting_jobs(spool: Path) -> int:
    return sum(1 for _ in (spool / "queue").glob("*" + JOB_SUFFIX))
