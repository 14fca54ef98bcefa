"""Kitchen tickets on the stations' printers, through the persistent print queue.

The journal says which tickets exist; a cursor file beside the spools says up to which journal seq
they were handed to the queues. ``dispatch`` (called after every send, by any program on the till)
takes a lock, queues every ticket after the cursor and moves the cursor past it: each ticket is
queued once, whichever program made it, and one that a crash kept from being queued goes out with the
next dispatch. A station's printer that is down hands its tickets to the station's backup printer,
and the alert says so.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pos_tui.devices.failover import FailoverTransport
from pos_tui.devices.print_elements import Align, Cut, Feed, PrintElement, Rule, TextLine, TextStyle
from pos_tui.devices.printer_address import NoPrinter, describe, parse_printer_uri
from pos_tui.devices.printer_transport import transport_for
from pos_tui.domain.money import format_quantity
from pos_tui.ledger.journal import format_time
from pos_tui.services.restaurant.kitchen import Ticket, last_seq_before, prints_after
from pos_tui.services.selling.printing import ReceiptPrinter

if TYPE_CHECKING:
    from pos_tui.config import Settings
    from pos_tui.devices.backoff import Backoff
    from pos_tui.devices.errors import PrinterUnavailable
    from pos_tui.services.session import Session

FRESH_SPOOL_MINUTES = 60
BIG = TextStyle(bold=True, double_height=True, double_width=True)


def ticket_elements(ticket: Ticket, local_time: str) -> list[PrintElement]:
    """A ticket as the station reads it: what, for which table, sent by whom and when."""
    elements: list[PrintElement] = [TextLine(ticket.station.upper(), Align.CENTER, BIG)]
    if ticket.reprint:
        elements.append(TextLine("** REPRINT **", Align.CENTER, TextStyle(bold=True, inverted=True)))
    if ticket.kind == "void":
        elements.append(TextLine("*** VOID ***", Align.CENTER, TextStyle(bold=True, inverted=True, double_height=True)))
    elements += [
        TextLine(f"Ticket {ticket.number}", style=TextStyle(bold=True)),
        TextLine(f"Table {ticket.table}  Covers {ticket.covers}", style=TextStyle(bold=True, double_height=True)),
        TextLine(f"Waiter {ticket.waiter}"),
        TextLine(f"Time {local_time}"),
        Rule(),
    ]
    course = None
    for line in ticket.lines:
        if line.course != course:
            course = line.course
            elements.append(TextLine(f"Course {course}", style=TextStyle(underline=True)))
        prefix = "VOID " if ticket.kind == "void" else ""
        elements.append(TextLine(f"{prefix}{format_quantity(line.quantity)} x {line.name} #{line.line_no}",
                                 style=TextStyle(bold=True)))
        elements += [TextLine(f"   + {m.name}") for m in line.modifiers]
        if line.seat:
            elements.append(TextLine(f"   seat {line.seat}"))
        if line.note:
            elements.append(TextLine(f"   note: {line.note}"))
    elements += [Feed(2), Cut()]
    return elements


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class KitchenPrinters:
    """Every station's printer (with its backup), and the dispatch of tickets to them."""

    def __init__(
        self, settings: Settings, *, backoff: Backoff | None = None,
        on_alert: Callable[[str], None] | None = None,
    ) -> None:
        self.root = settings.devices.printer.spool_dir
        self.root.mkdir(parents=True, exist_ok=True)
        self._on_alert = on_alert
        self._alerts: list[str] = []
        self._lock = threading.Lock()
        self.printers: dict[str, ReceiptPrinter] = {}
        for name, station in settings.restaurant.stations.items():
            primary = parse_printer_uri(station.printer)
            if isinstance(primary, NoPrinter):
                continue  # tickets for this station are on screen only
            backup = parse_printer_uri(station.backup)
            transport = FailoverTransport(
                transport_for(primary), None if isinstance(backup, NoPrinter) else transport_for(backup),
                self._rerouted_alert(name, describe(primary), describe(backup)),
            )
            self.printers[name] = ReceiptPrinter(settings, uri=station.printer, backoff=backoff, transport=transport,
                                                 spool=self.root / f"station-{name}")

    def _rerouted_alert(self, station: str, primary: str, backup: str) -> Callable[[PrinterUnavailable], None]:
        def alert(error: PrinterUnavailable) -> None:
            self.alert(f"The {station} printer is down ({primary}: {error.message.rstrip(';')}); "
                       f"its tickets print at {backup} until it is back.")
        return alert

    def alert(self, sentence: str) -> None:
        with self._lock:
            self._alerts.append(sentence)
        if self._on_alert is not None:
            self._on_alert(sentence)

    def alerts(self) -> list[str]:
        with self._lock:
            return list(self._alerts)

    def start(self) -> None:
        for printer in self.printers.values():
            printer.start()

    def close(self) -> None:
        for printer in self.printers.values():
            printer.close()

    def __enter__(self) -> KitchenPrinters:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def wait_idle(self, timeout: float) -> bool:  # float-ok: seconds
        """Wait until every station's queue is empty (True) or ``timeout`` seconds passed (False)."""
        deadline = time.monotonic() + timeout
        while any(printer.status().pending for printer in self.printers.values()):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True

    @property
    def cursor_path(self) -> Path:
        return self.root / "kitchen.cursor"

    def cursor(self, session: Session) -> int:
        """The last journal seq handed to the printers. A spool without a cursor (the first start, or a
        spool directory replaced) starts an hour back: older tickets are history, not orders waiting."""
        try:
            return int(self.cursor_path.read_text() or 0)
        except FileNotFoundError:
            since = session.clock() - timedelta(minutes=FRESH_SPOOL_MINUTES)
            return last_seq_before(session, format_time(since))

    def _advance(self, seq: int) -> None:
        staged = self.root / "kitchen.cursor.tmp"
        staged.write_text(str(seq))
        os.replace(staged, self.cursor_path)

    def dispatch(self, session: Session) -> int:
        """Queue every ticket the journal holds past the cursor; returns how many were queued. A
        ticket is queued before the cursor moves past it (a crash between the two prints it twice
        rather than never)."""
        queued = 0
        with _locked(self.root / "kitchen.lock"):
            cursor = self.cursor(session)
            while prints := prints_after(session, cursor):
                for item in prints:
                    printer = self.printers.get(item.ticket.station)
                    if printer is not None:
                        at = session.local_time(item.ticket.at).strftime("%Y-%m-%d %H:%M")
                        printer.print_document(ticket_elements(item.ticket, at))
                        queued += 1
                    cursor = item.seq
                    self._advance(cursor)
        return queued
