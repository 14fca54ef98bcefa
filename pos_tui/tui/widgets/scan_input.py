"""The scan field: tells a keyboard-wedge scanner from a person by key timing, and keeps codes apart.

A wedge scanner is a keyboard: over SSH or on a plain terminal its characters arrive exactly like
typed ones, only faster. Every character is fed, with the time its key event was made, to the
classifier in ``pos_tui.devices.wedge``; at Enter it says whether the last burst was a scan.

A scanner sends a whole code and Enter in one burst, and the next code may follow at once. Textual
runs key *bindings* (Input's Enter is one) from the app, after the burst's characters have already
been queued to the field, so two scans would run together. Handling Enter here, in the field's own
queue, keeps every code apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message

from pos_tui.devices.wedge import WedgeClassifier, WedgeTiming
from pos_tui.tui.widgets.field import Field


class ScanInput(Field):

    @dataclass
    class Scanned(Message):
        """A burst at scanner speed ended in Enter: ``code`` was scanned; ``typed`` is what a person
        had typed before it (kept in the field, or a ``3*`` quantity prefix)."""

        code: str
        typed: str

    def __init__(self, *, timing: WedgeTiming | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.wedge = WedgeClassifier(timing)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            verdict = self.wedge.feed_enter(event.time)
            if verdict.is_scan:
                typed = self.value.removesuffix(verdict.scanned) if self.value.endswith(verdict.scanned) else ""
                self.post_message(self.Scanned(verdict.scanned, typed))
            else:
                self.post_message(self.Submitted(self, self.value))
            self.value = ""
            return
        if event.is_printable and event.character:
            self.wedge.feed_char(event.character, event.time)
        else:
            self.wedge.reset()  # an editing key: a person is at the keyboard
        await super()._on_key(event)
