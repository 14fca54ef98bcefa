"""The till's hand to the kitchen: after a send, the new tickets go to the stations' printers from a
worker thread; a station printing at its backup is told to the waiter as a notice."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from pos_tui.domain.errors import PosError

if TYPE_CHECKING:
    from textual.app import App

    from pos_tui.services.restaurant.printing import KitchenPrinters
    from pos_tui.services.session import Session


class KitchenTickets:
    def __init__(self, app: App[None]) -> None:
        self.app = app
        self.printers: KitchenPrinters | None = None
        self.lock = threading.Lock()

    def dispatch(self, session: Session) -> None:
        self.app.run_worker(lambda: self._dispatch(session), thread=True, exit_on_error=False, group="kitchen")

    def _dispatch(self, session: Session) -> None:
        from pos_tui.services.restaurant.printing import KitchenPrinters

        with self.lock:
            try:
                if self.printers is None:
                    self.printers = KitchenPrinters(session.settings, on_alert=self._alert)
                    self.printers.start()
                self.printers.dispatch(session)
            except (PosError, OSError) as error:
                self._alert(f"Kitchen tickets could not be queued ({error}); they go out with the next send.")

    def _alert(self, sentence: str) -> None:
        self.app.call_from_thread(self.app.notify, sentence, title="Kitchen", severity="warning", markup=False)

    def close(self) -> None:
        with self.lock:
            if self.printers is not None:
                self.printers.close()
                self.printers = None
