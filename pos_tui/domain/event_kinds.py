"""Every kind of event the journal can hold, by its ``KIND``: each area's events in one map."""

from __future__ import annotations

from pos_tui.domain.events import CORE_EVENTS, Event

EVENT_KINDS: dict[str, type[Event]] = {cls.KIND: cls for cls in (*CORE_EVENTS,)}
