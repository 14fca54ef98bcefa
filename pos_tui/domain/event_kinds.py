"""Every kind of event the journal can hold, by its ``KIND``: each area's events in one map."""

from __future__ import annotations

from pos_tui.domain.api_events import API_EVENTS
from pos_tui.domain.cash_events import CASH_EVENTS
from pos_tui.domain.chain_events import CHAIN_EVENTS
from pos_tui.domain.customer_events import CUSTOMER_EVENTS
from pos_tui.domain.events import CORE_EVENTS, Event
from pos_tui.domain.giftcard_events import GIFT_CARD_EVENTS
from pos_tui.domain.inventory_events import INVENTORY_EVENTS
from pos_tui.domain.restaurant_events import RESTAURANT_EVENTS
from pos_tui.domain.staff_events import STAFF_EVENTS
from pos_tui.domain.transfer_events import TRANSFER_EVENTS

EVENT_KINDS: dict[str, type[Event]] = {
    cls.KIND: cls
    for cls in (*CORE_EVENTS, *CASH_EVENTS, *STAFF_EVENTS, *API_EVENTS, *INVENTORY_EVENTS, *GIFT_CARD_EVENTS,
                *CUSTOMER_EVENTS, *RESTAURANT_EVENTS, *TRANSFER_EVENTS, *CHAIN_EVENTS)
}
