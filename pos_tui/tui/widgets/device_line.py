"""One line in the bucket saying how the counter's devices are: printer ready / queued / offline and
what to do, each configured scanner, the pole display. Redrawn when a device reports a change."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

LEVELS = ("info", "success", "warning", "error")  # the line takes the colour of the worst


class DeviceLine(Static):
    DEFAULT_CSS = """
    DeviceLine { height: 1; color: $text-muted; }
    DeviceLine.-success { color: $success; }
    DeviceLine.-warning { color: $warning; }
    DeviceLine.-error { color: $error; text-style: bold; }
    """

    def on_mount(self) -> None:
        signal = getattr(self.app, "devices_signal", None)
        if signal is not None:
            signal.subscribe(self, lambda _: self.show())
        self.show()

    def show(self) -> None:
        devices = getattr(self.app, "devices", None)
        lines = devices.status_lines() if devices is not None else []
        worst = max((level for level, _ in lines), key=LEVELS.index, default="info")
        self.set_classes(f"-{worst}")
        self.update(Text(" · ".join(text for _, text in lines), no_wrap=True, overflow="ellipsis"), layout=False)
