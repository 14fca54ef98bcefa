"""A one-line text field whose keys repaint the field alone.

Textual's Input sets its scroll width from the text on every key, and that setting asks for a new layout
of the whole screen: on the floor, with its 200 table tiles in view beside an order, each key laid out
some 230 widgets again (7 ms of CPU a key, 13 keys a scanned code). A field's own size is fixed by the
stylesheet, so nothing else needs to move when its text changes.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class Field(Input):
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
