"""The login's two fields, safe for a burst: "user⇥PIN⏎" typed by a keyboard macro or a badge reader.

Textual queues each key to the field focused when the app reads it, and moves the focus on Tab
only when the user field gets to that Tab. In a burst every key is already queued to the user
field by then, so the PIN landed in the user name. Here the user field handles Tab and Enter
itself (as the scan field handles Enter): it gives the focus to the PIN field at once, passes on the
keys of the burst still queued behind the Tab, and the PIN field holds the keys that reach it
directly until those have arrived, so every key lands where it was typed, in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import Input

HAND_OVER_KEYS = frozenset({"tab", "enter"})


class PinInput(Input):
    """The PIN field; while the user field hands over, keys that reach it wait their turn."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.held: list[events.Key] | None = None

    def hold(self) -> None:
        self.held = []

    def release(self) -> None:
        held, self.held = self.held or [], None
        for key in held:
            self.take(key)

    def take(self, key: events.Key) -> None:
        """A key typed for this field, applied now (Enter submits, as the field's own binding does)."""
        if key.key == "enter":
            self.post_message(self.Submitted(self, self.value))
        elif key.key == "backspace":
            self.action_delete_left()
        elif key.is_printable and key.character:
            self.insert_text_at_cursor(key.character)  # the field's restrict still applies

    async def _on_key(self, event: events.Key) -> None:
        if self.held is not None:
            event.stop()
            event.prevent_default()
            self.held.append(event)
            return
        await super()._on_key(event)


class UserNameInput(Input):
    """The user name; Tab or Enter moves to the PIN field, taking the rest of a burst with it."""

    @dataclass
    class HandedOver(Message, bubble=False):
        """Queued behind every key that reached the user field before the focus left it."""

        pin: PinInput

    def __init__(self, *, pin_id: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.pin_id = pin_id
        self.passing_to: PinInput | None = None

    async def _on_key(self, event: events.Key) -> None:
        if self.passing_to is not None:
            event.stop()
            event.prevent_default()
            if event.key != "tab":
                self.passing_to.take(event)
            return
        if event.key in HAND_OVER_KEYS:
            event.stop()
            event.prevent_default()
            pin = self.screen.query_one(f"#{self.pin_id}", PinInput)
            pin.hold()
            self.passing_to = pin
            self.screen.set_focus(pin)  # now: from here on the app queues keys to the PIN field
            self.post_message(self.HandedOver(pin))
            return
        await super()._on_key(event)

    def on_user_name_input_handed_over(self, message: HandedOver) -> None:
        self.passing_to = None
        message.pin.release()
