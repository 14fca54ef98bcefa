"""A page of the head-office cockpit: the till's mode screen (dock, body, status line, keys), whose
questions to head office's database run in thread workers and come back as messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.worker import Worker, WorkerState

from pos_tui.domain.errors import PosError
from pos_tui.tui.screens.base import ModeScreen

if TYPE_CHECKING:
    import psycopg

    from pos_tui.services.hq.cockpit import OfficeLink


@dataclass
class Answered(Message):
    """Head office answered the page's question ``what``."""

    what: str
    value: Any


@dataclass
class Failed(Message):
    """Head office could not answer ``what``: ``text`` is the sentence to show."""

    what: str
    text: str


class OfficePage(ModeScreen):
    @property
    def link(self) -> OfficeLink:
        return self.app.link  # type: ignore[attr-defined, no-any-return]

    def ask(self, what: str, work: Callable[[psycopg.Connection[Any]], object]) -> None:
        """Run ``work(conn)`` in a worker (a newer question of the same kind replaces an older one); the
        answer comes back as ``Answered(what, ...)``, a refusal as ``Failed(what, sentence)``."""
        self.run_worker(partial(self._ask, what, work), thread=True, exclusive=True, group=what,
                        exit_on_error=False)

    def _ask(self, what: str, work: Callable[[psycopg.Connection[Any]], object]) -> None:
        try:
            value = self.link.run(work)
        except PosError as error:
            self.post_message(Failed(what, str(error)))
            return
        self.post_message(Answered(what, value))

    def on_failed(self, message: Failed) -> None:
        self.say(message.text, "error")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that raised something unforeseen: a sentence, and the cockpit carries on."""
        if event.state == WorkerState.ERROR:
            self.say(f"Head office could not answer ({event.worker.error}). Press Ctrl+R to try again.", "error")
