"""A printer with a backup: a job the first cannot take goes to the second (a kitchen station's
tickets print at the bar while the kitchen printer is down), and whoever set it up is told."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pos_tui.devices.errors import PrinterUnavailable

if TYPE_CHECKING:
    from pos_tui.devices.printer_transport import PrinterTransport


class FailoverTransport:
    """Sends to ``primary``; when it is unavailable, to ``backup`` and calls ``on_reroute`` with why.
    Both down: ``PrinterUnavailable`` (the queue keeps the job and retries both)."""

    def __init__(
        self,
        primary: PrinterTransport,
        backup: PrinterTransport | None,
        on_reroute: Callable[[PrinterUnavailable], None],
    ) -> None:
        self.primary = primary
        self.backup = backup
        self.on_reroute = on_reroute

    def send(self, job: bytes) -> None:
        try:
            self.primary.send(job)
        except PrinterUnavailable as error:
            if self.backup is None:
                raise
            self.backup.send(job)
            self.on_reroute(error)
