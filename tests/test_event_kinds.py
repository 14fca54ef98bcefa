"""Every event kind has a projection handler, and every handled kind is a known event."""

from pos_tui.domain.event_kinds import EVENT_KINDS
from pos_tui.ledger.projections import HANDLERS


def test_every_event_kind_is_projected_and_every_projected_kind_is_an_event() -> None:
    assert set(EVENT_KINDS) == set(HANDLERS)


def test_event_kinds_are_unique_across_areas() -> None:
    assert all(kind == cls.KIND for kind, cls in EVENT_KINDS.items())
