"""The daybook: every money movement of a range of days, with bento tiles of the range's totals."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Select, Static

from pos_tui.domain.errors import PosError
from pos_tui.services import daybook
from pos_tui.services.daybook import DaybookTotals, DayRange, Movement, MovementFilter
from pos_tui.services.session import Session
from pos_tui.tui.messages import ActionFailed
from pos_tui.tui.paging import KeysetPager
from pos_tui.tui.screens.base import ModeScreen
from pos_tui.tui.widgets.tiles import Tile

PAGE = 100
RANGES = [("Today", "today"), ("Yesterday", "yesterday"), ("This week", "week"), ("Custom dates", "custom")]
KINDS = [("Sales", "sale.completed"), ("Returns", "sale.returned")]


@dataclass
class MovementsPage(Message):
    days: DayRange
    where: MovementFilter
    page: int
    rows: list[Movement]


@dataclass
class TotalsLoaded(Message):
    days: DayRange
    totals: DaybookTotals


class DaybookScreen(ModeScreen):
    MODE = "daybook"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page(1)", "Next page", priority=True, id="daybook.next"),
        Binding("pageup", "page(-1)", "Prev page", priority=True, id="daybook.prev"),
        Binding("ctrl+r", "reload", "Refresh", priority=True, id="daybook.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.range_name = "today"
        self.days = DayRange("", "")
        self.where = MovementFilter()
        self.pager = KeysetPager((0, ""), PAGE)
        self.rows: list[Movement] = []
        self.loaded_version = -1

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined, no-any-return]

    def compose_body(self) -> ComposeResult:
        session = self.session
        methods = [(m.label, code) for code, m in session.tender_methods.items()]
        with Horizontal(classes="filters"):
            yield Select(RANGES, value="today", allow_blank=False, id="db-range", compact=True)
            yield Input(placeholder="from YYYY-MM-DD", id="db-from", compact=True, classes="date")
            yield Input(placeholder="to YYYY-MM-DD", id="db-to", compact=True, classes="date")
            yield Select(KINDS, prompt="Kind", id="db-kind", compact=True)
            yield Select(methods, prompt="Method", id="db-method", compact=True)
            yield Select([(u, u) for u in daybook.cashiers(session)], prompt="Cashier", id="db-cashier",
                         compact=True)
        with Horizontal(classes="tiles"):
            yield Tile("Sales", tone="in", id="tile-sales")
            yield Tile("Gross profit", tone="in", id="tile-profit")
            yield Tile("Returns", tone="out", id="tile-returns")
            yield Tile("Expenses", tone="expense", id="tile-expenses")
            yield Tile("Net cash", id="tile-cash")
        yield Static("", id="by-method", markup=False)
        yield DataTable(id="movements", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#movements", DataTable)
        for label in ("Time", "Kind", "Reference", "Cashier", "Method", "In", "Out"):
            table.add_column(label, key=label)
        for field in self.query(".date"):
            field.display = False

    def on_screen_resume(self) -> None:
        version = self.app.data_version  # type: ignore[attr-defined]
        if version != self.loaded_version:
            self.loaded_version = version
            self.action_reload()

    def _named_days(self) -> DayRange | None:
        if self.range_name != "custom":
            return DayRange.named(self.range_name, daybook.today(self.session))
        first = self.query_one("#db-from", Input).value.strip()
        last = self.query_one("#db-to", Input).value.strip() or first
        try:
            date.fromisoformat(first)
            date.fromisoformat(last)
        except ValueError:
            self.say("Type the dates as YYYY-MM-DD (e.g. 2025-03-01).", "warning")
            return None
        return DayRange(min(first, last), max(first, last))

    def action_reload(self) -> None:
        days = self._named_days()
        if days is None:
            return
        self.days = days
        self.pager.reset()
        self.load_page(days, self.where, self.pager.page, self.pager.start)
        self.load_totals(days)

    # --- workers -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="db-page")
    def load_page(self, days: DayRange, where: MovementFilter, page: int, after: tuple[int, str]) -> None:
        try:
            rows = daybook.movements(self.session, days, where, after=after, limit=PAGE)
        except PosError as error:
            self.post_message(ActionFailed("daybook", str(error)))
            return
        self.post_message(MovementsPage(days, where, page, rows))

    @work(thread=True, exclusive=True, exit_on_error=False, group="db-totals")
    def load_totals(self, days: DayRange) -> None:
        try:
            self.post_message(TotalsLoaded(days, daybook.totals(self.session, days)))
        except PosError as error:
            self.post_message(ActionFailed("daybook", str(error)))

    # --- showing -------------------------------------------------------------------------------

    def on_movements_page(self, message: MovementsPage) -> None:
        if (message.days, message.where) != (self.days, self.where):
            return
        self.rows = message.rows
        table = self.query_one("#movements", DataTable)
        table.clear()
        money = self.session.currency
        theme = self.app.current_theme
        for m in message.rows:
            table.add_row(
                daybook.local_time(self.session, m.at), m.kind, m.reference, m.cashier, m.method,
                Text(money.format(m.money_in, symbol=False), style=theme.success or "") if m.money_in else "",
                Text(money.format(m.money_out, symbol=False), style=theme.error or "") if m.money_out else "",
                key=f"{m.seq}:{m.account}",
            )
        span = self.days.first if self.days.first == self.days.last else f"{self.days.first} – {self.days.last}"
        self.say(f"{span}: page {message.page + 1}, {len(message.rows)} movements. PgDn/PgUp pages."
                 if message.rows else f"{span}: no money moved.")

    def on_totals_loaded(self, message: TotalsLoaded) -> None:
        if message.days != self.days:
            return
        money = self.session.currency.format
        t = message.totals
        self.query_one("#tile-sales", Tile).show(money(t.sales), f"{t.sale_count} sales")
        self.query_one("#tile-profit", Tile).show(money(t.gross_profit))
        self.query_one("#tile-returns", Tile).show(money(t.returns), f"{t.return_count} returns")
        self.query_one("#tile-expenses", Tile).show(money(t.expenses))
        self.query_one("#tile-cash", Tile).show(money(t.net_cash))
        self.query_one("#by-method", Static).update(
            "By method:  " + "   ".join(f"{label} {money(amount)}" for label, amount in t.by_method)
        )

    def on_action_failed(self, message: ActionFailed) -> None:
        self.say(message.text, "error")

    # --- filters and paging --------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        value = "" if event.select.is_blank() else str(event.value)
        if event.select.id == "db-range":
            self.range_name = value or "today"
            custom = self.range_name == "custom"
            for field in self.query(".date"):
                field.display = custom
            if custom:
                self.query_one("#db-from", Input).focus()
                return
            self.action_reload()
            return
        key = {"db-kind": "kind", "db-method": "method", "db-cashier": "cashier"}.get(event.select.id or "")
        if key:
            self.where = replace(self.where, **{key: value})
            self.pager.reset()
            self.load_page(self.days, self.where, self.pager.page, self.pager.start)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "db-from":
            self.query_one("#db-to", Input).focus()
        else:
            self.action_reload()

    def action_page(self, step: int) -> None:
        refusal = self.pager.turn(step, len(self.rows), self.rows[-1].key if self.rows else None)
        if refusal:
            self.say(refusal)
            return
        self.load_page(self.days, self.where, self.pager.page, self.pager.start)

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [("Refresh the daybook", "Read the movements again (Ctrl+R)", "screen.reload")]
