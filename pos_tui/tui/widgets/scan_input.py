"""The scan field: Enter hands over the code and empties the field in key order.

A keyboard-wedge scanner sends a whole code and Enter in one burst, and the next code may follow at
once. Textual runs key *bindings* (Input's Enter is one) from the app, after the burst's characters
have already been queued to the field, so two scans would run together. Handling Enter here, in the
field's own queue, keeps every code apart.
"""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class ScanInput(Input):
    # Input re-lays out the whole screen on every key (its scroll width follows the text). The field's
    # own size is fixed by the stylesheet, so a key repaints the field alone.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.value))
            self.value = ""
            return
        await super()._on_key(event)
