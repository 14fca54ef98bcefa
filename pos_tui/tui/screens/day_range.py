"""A mode screen that lists what happened over a range of business days: the audit and the daybook.

The range is a Select (Today, Yesterday, This week, Custom dates) whose From/To fields show only for
custom dates; Enter in From goes to To, Enter in To shows the typed range. The screen reads its range
again when it comes back on top and the books moved meanwhile (``app.data_version``). The reports
screen asks for custom dates in a dialog instead (``tui.dialogs.date_range``).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Select

from pos_tui.domain.errors import PosError
from pos_tui.services.cash import daybook
from pos_tui.services.cash.daybook import DayRange
from pos_tui.services.session import Session
from pos_tui.tui.screens.base import ModeScreen

RANGES = [("Today", "today"), ("Yesterday", "yesterday"), ("This week", "week"), ("Custom dates", "custom")]


class DayRangeScreen(ModeScreen):
    RANGE_ID = ""
    """Prefix of the range's widget ids: ``{RANGE_ID}-range``, ``{RANGE_ID}-from``, ``{RANGE_ID}-to``."""

    def __init__(self) -> None:
        super().__init__()
        self.range_name = "today"
        self.days = DayRange("", "")
        self.loaded_version = -1

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined, no-any-return]

    def range_fields(self, date_format: str) -> ComposeResult:
        """The range Select and the custom From/To fields (hidden until "Custom dates" is chosen)."""
        yield Select(RANGES, value="today", allow_blank=False, id=f"{self.RANGE_ID}-range", compact=True)
        yield Input(placeholder=f"from {date_format}", id=f"{self.RANGE_ID}-from", compact=True, classes="date")
        yield Input(placeholder=f"to {date_format}", id=f"{self.RANGE_ID}-to", compact=True, classes="date")

    def show_date_fields(self, shown: bool) -> None:
        for field in self.query(".date"):
            field.display = shown

    def on_screen_resume(self) -> None:
        version = self.app.data_version  # type: ignore[attr-defined]
        if version != self.loaded_version:
            self.loaded_version = version
            self.action_reload()

    def chosen_days(self) -> DayRange | None:
        """The days the range stands for; None (having said why) when typed dates do not read."""
        if self.range_name != "custom":
            return DayRange.named(self.range_name, daybook.today(self.session))
        try:
            return daybook.parse_range(self.session, self.query_one(f"#{self.RANGE_ID}-from", Input).value,
                                       self.query_one(f"#{self.RANGE_ID}-to", Input).value)
        except PosError as error:
            self.say(str(error), "warning")
            return None

    def action_reload(self) -> None:
        days = self.chosen_days()
        if days is None:
            return
        self.days = days
        self.load_days(days)

    def load_days(self, days: DayRange) -> None:
        """Read what the screen lists over ``days`` (now ``self.days``)."""
        raise NotImplementedError(f"{type(self).__name__} lists nothing over a range")

    def range_chosen(self, value: str) -> bool:
        """The range Select moved to ``value``: True when the screen should read the range now, False when it
        waits for custom dates to be typed."""
        self.range_name = value or "today"
        custom = self.range_name == "custom"
        self.show_date_fields(custom)
        if custom:
            self.query_one(f"#{self.RANGE_ID}-from", Input).focus()
        return not custom

    def date_submitted(self, input_id: str | None) -> bool:
        """Enter in a custom date field: From goes on to To, To reads the range. False for any other field."""
        if input_id == f"{self.RANGE_ID}-from":
            self.query_one(f"#{self.RANGE_ID}-to", Input).focus()
        elif input_id == f"{self.RANGE_ID}-to":
            self.action_reload()
        else:
            return False
        return True
