"""The line of keys at the foot of every mode's screen: one widget that draws one line of text.

Textual's own footer is a container of one widget per key, composed again whenever the keys in force
change (a screen shown again, a dialog, a focus moving between fields): each recompose mounted and
styled some fifteen widgets, and bound each to a setting it dropped only when that setting changed
(never, at a till), so they stayed alive for the garbage collector to walk. At the floor that was half
of a table's opening (six recomposes an opening, about 50 ms of CPU). This line draws the same keys as
text: when they change it repaints one line, and when they do not (most focus moves) it does nothing.
A click on a key presses it, as on Textual's footer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

# (key as shown, what it does, whether it can be pressed now, the key to press on a click)
ShownKey = tuple[str, str, bool, str]


class TillFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"till-footer--key", "till-footer--description"}
    DEFAULT_CSS = """
    TillFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        .till-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .till-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[ShownKey] = []
        self.palette: ShownKey | None = None
        self.spans: list[tuple[int, int, str]] = []  # (from column, to column, key) of what was drawn

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        keys: list[ShownKey] = []
        actions: set[str] = set()
        palette: ShownKey | None = None
        app = self.app
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            shown = (app.get_key_display(binding), binding.description, enabled, binding.key)
            if binding.key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = shown
            elif binding.show and binding.action not in actions:  # one key an action, as Textual's footer
                actions.add(binding.action)
                keys.append(shown)
        if keys != self.keys or palette != self.palette:
            self.keys, self.palette = keys, palette
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("till-footer--key")
        description_style = self.get_component_rich_style("till-footer--description")
        line = Text(no_wrap=True, overflow="crop")
        spans: list[tuple[int, int, str]] = []
        for display, description, enabled, key in self.keys:
            start = line.cell_len
            dim = Style() if enabled else Style(dim=True)
            line.append(f" {display} ", key_style + dim)
            if description:
                line.append(f"{description} ", description_style + dim)
            spans.append((start, line.cell_len, key))
        if self.palette is not None:  # at the right end, always: the keys are cut before it, as Textual's
            display, description, _enabled, key = self.palette
            tail = Text.assemble(("▏", Style(dim=True)), (f"{display} ", key_style), (description, description_style))
            room = max(0, self.size.width - tail.cell_len)
            line.truncate(room, pad=True)
            spans = [(start, min(end, room), shown) for start, end, shown in spans if start < room]
            spans.append((room, room + tail.cell_len, key))
            line.append_text(tail)
        self.spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self.spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
