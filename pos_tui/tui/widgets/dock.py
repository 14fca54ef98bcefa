"""The vertical dock of modes on the left: which F-key leads where, and where we are."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static


class DockEntry(Static):
    def __init__(self, action: str, key: str, title: str, *, active: bool) -> None:
        super().__init__(f"{key} {title}", markup=False, classes="-active" if active else "")
        self.action = action

    async def on_click(self) -> None:
        await self.app.run_action(self.action)


class Dock(Vertical):
    """One entry per mode plus lock; keys shown are the ones in force after a site's key map."""

    def __init__(self, current: str) -> None:
        super().__init__(id="dock")
        self.current = current

    def on_mount(self) -> None:
        # Another person logs in: the modes on offer follow their role.
        signal = getattr(self.app, "user_changed_signal", None)
        if signal is not None:
            signal.subscribe(self, lambda _user: self.recompose())

    def compose(self) -> ComposeResult:
        entries = getattr(self.app, "dock_entries", lambda: [])()
        for mode, action, key, title in entries:
            if mode == "-":
                yield Static("", classes="dock-gap")
            yield DockEntry(action, key, title, active=mode == self.current)
