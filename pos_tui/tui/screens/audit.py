"""The audit: who did what sensitive, when, and who approved it (overrides, voids, no-sales, price and
stock changes, logins and wrong PINs, backups and restores), for a range of days and one person or all.

Only roles with ``Action.AUDIT`` are offered this mode (``tui.access``). The events come from
``services.audit`` for the chosen range and person; the table shows a page of them at a time.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Select

from pos_tui.domain.errors import PosError
from pos_tui.services.cash.daybook import DayRange
from pos_tui.services.staff import audit
from pos_tui.services.staff.audit import AuditEvent
from pos_tui.services.staff.users import list_users
from pos_tui.tui.messages import ActionFailed
from pos_tui.tui.paging import KeysetPager
from pos_tui.tui.screens.day_range import DayRangeScreen

PAGE = 100
FIRST_KEY = ("", -1)  # (local time, journal seq) sorts before every event
# The kinds people ask about, in their words; anything else shows its journal kind.
KIND_WORDS = {
    "user.logged_in": "login", "user.login_failed": "wrong PIN", "user.unlocked": "unlock",
    "user.role_changed": "role change", "user.added": "new user", "user.pin_changed": "PIN change",
    "approval.refused": "approval refused", "sale.returned": "void/return", "price.changed": "price change",
    "stock.adjusted": "stock adjust", "drawer.opened": "no sale", "cash.paid_out": "paid out",
    "shift.closed": "shift close", "day.closed": "day close", "sale.completed": "sale",
    "backup.snapshot": "backup", "backup.restored": "restore",
}


def event_key(event: AuditEvent) -> tuple[str, int]:
    return event.at, event.seq


def approvals_text(event: AuditEvent) -> str:
    return "; ".join(f"{a.approver} ({a.action.replace('_', ' ')}: {a.reason})" for a in event.approvals)


@dataclass
class AuditLoaded(Message):
    days: DayRange
    user: str
    events: list[AuditEvent]


class AuditScreen(DayRangeScreen):
    MODE = "audit"
    RANGE_ID = "au"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page(1)", "Next page", priority=True, id="audit.next"),
        Binding("pageup", "page(-1)", "Prev page", priority=True, id="audit.prev"),
        Binding("ctrl+r", "reload", "Refresh", priority=True, id="audit.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.user = ""
        self.events: list[AuditEvent] = []  # the whole range, oldest first
        self.pager: KeysetPager[tuple[str, int]] = KeysetPager(FIRST_KEY, PAGE)

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="filters"):
            yield from self.range_fields("YYYY-MM-DD")
            yield Select([(f"{u.username} ({u.role})", u.username) for u in list_users(self.session)],
                         prompt="Everyone", id="au-user", compact=True)
        yield DataTable(id="audit-events", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#audit-events", DataTable)
        for label in ("When", "User", "Event", "Approved by", "About", "What", "Till"):
            table.add_column(label, key=label)
        self.show_date_fields(False)
        table.focus()

    # --- loading -------------------------------------------------------------------------------

    def load_days(self, days: DayRange) -> None:
        self.load(days, self.user)

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit")
    def load(self, days: DayRange, user: str) -> None:
        try:
            events = audit.audit_events(self.session, days.first, days.last, user or None)
        except PosError as error:
            self.post_message(ActionFailed("audit", str(error)))
            return
        self.post_message(AuditLoaded(days, user, events))

    def on_audit_loaded(self, message: AuditLoaded) -> None:
        if (message.days, message.user) != (self.days, self.user):
            return  # the filters moved on meanwhile
        self.events = message.events
        self.pager.reset()
        self.show_page()

    # --- showing -------------------------------------------------------------------------------

    def page_rows(self) -> list[AuditEvent]:
        """The page after the pager's key: a seek in the sorted events, never a count from the top."""
        start = bisect_right(self.events, self.pager.start, key=event_key)
        return self.events[start:start + PAGE]

    def show_page(self) -> None:
        rows = self.page_rows()
        table = self.query_one("#audit-events", DataTable)
        table.clear()
        theme = self.app.current_theme
        for event in rows:
            words = KIND_WORDS.get(event.kind, event.kind)
            alarming = event.kind in {"user.login_failed", "approval.refused"} or bool(event.approvals)
            table.add_row(
                event.at[5:], event.user, Text(words, style=(theme.warning or "") if alarming else ""),
                approvals_text(event), event.subject, event.what[:60], event.terminal, key=f"{event.seq}:{event.at}",
            )
        span = self.days.describe()
        who = f", {self.user}" if self.user else ""
        if not rows:
            self.say(f"{span}{who}: nothing sensitive happened.")
            return
        first = self.pager.page * PAGE + 1
        self.say(f"{span}{who}: events {first}–{first + len(rows) - 1} of {len(self.events)}. PgDn/PgUp pages.")

    def on_action_failed(self, message: ActionFailed) -> None:
        self.say(message.text, "error")

    # --- filters and paging --------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        value = "" if event.select.is_blank() else str(event.value)
        if event.select.id == "au-range":
            if not self.range_chosen(value):
                return
        elif event.select.id == "au-user":
            self.user = value
        self.action_reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.date_submitted(event.input.id)

    def action_page(self, step: int) -> None:
        rows = self.page_rows()
        refusal = self.pager.turn(step, len(rows), event_key(rows[-1]) if rows else None)
        if refusal:
            self.say(refusal)
            return
        self.show_page()

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [("Refresh the audit", "Read the sensitive events again (Ctrl+R)", "screen.reload")]
