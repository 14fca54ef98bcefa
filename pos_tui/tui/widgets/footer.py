"""The footer of keys, without the leak of Textual's own.

Textual's footer binds each key it composes to its own ``compact`` reactive, and drops the bindings of
keys that are gone only when ``compact`` changes, which at a till it never does. Each recompose (a
screen shown again, a dialog, a focus change) left its keys alive: at the floor, some forty keys a
table opened, with their styles and caches, all walked by every full garbage collection, which grew
from 30 to 150 ms of CPU in twenty tables and landed on scans. After each recompose this footer
prunes those bindings the way Textual does when ``compact`` changes.
"""

from __future__ import annotations

from textual.widgets import Footer


class TillFooter(Footer):
    async def recompose(self) -> None:
        await super().recompose()
        # The keys just removed are closed: re-announcing `compact` makes Textual drop their bindings.
        self.mutate_reactive(Footer.compact)
