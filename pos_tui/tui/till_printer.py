"""The till's receipt printer for screens that print (daybook reprints, cash reports).

One ``ReceiptPrinter`` per app, made when first needed from the settings: an app that already has
one (``app.printer``) lends it instead. Building it only reads the config and opens the spool; jobs
are queued on disk, so nothing waiting is lost when the till closes.
"""

from __future__ import annotations

import threading

from textual.app import App

from pos_tui.services.selling.printing import ReceiptPrinter
from pos_tui.services.session import Session

_made: dict[int, ReceiptPrinter] = {}
_lock = threading.Lock()


def till_printer(app: App[object], session: Session) -> ReceiptPrinter:
    """The app's printer (call from a worker: the first call may probe the spool directory)."""
    lent = getattr(app, "printer", None)
    if isinstance(lent, ReceiptPrinter):
        return lent
    with _lock:
        printer = _made.get(id(app))
        if printer is None:
            printer = ReceiptPrinter(session.settings)
            printer.start()
            _made[id(app)] = printer
        return printer
