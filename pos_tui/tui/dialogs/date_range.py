"""The ranges of business days a manager picks by name (their days: `DayRange.named`), and custom dates."""

from __future__ import annotations

from datetime import date

from pos_tui.domain.errors import InvalidInput
from pos_tui.tui.dialogs.form import Field, FormDialog

NAMED_RANGES = (
    ("Today", "today"),
    ("Yesterday", "yesterday"),
    ("This week", "week"),
    ("This month", "month"),
    ("Last month", "last-month"),
    ("This year", "year"),
    ("Custom dates…", "custom"),
)


def custom_range_dialog(first: str, last: str) -> FormDialog:
    """From and To, filled with the range shown now; read the answer with `parse_custom_range`."""
    return FormDialog(
        "Custom dates",
        [Field("first", "From (YYYY-MM-DD)", first), Field("last", "To (YYYY-MM-DD, empty: the same day)", last)],
        note="Enter: next / show   Esc: keep the range shown",
        act=parse_custom_range,  # a date that is no day keeps the form, with what was typed
    )


def parse_custom_range(answer: dict[str, str]) -> tuple[str, str]:
    """The days typed, earliest first; InvalidInput with a sentence when one is not a day."""
    first = answer.get("first", "").strip()
    last = answer.get("last", "").strip() or first
    days = []
    for text in (first, last):
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            raise InvalidInput(f"{text!r} is not a day.", "Type the dates as YYYY-MM-DD, e.g. 2025-03-01.") from None
    return min(days).isoformat(), max(days).isoformat()
