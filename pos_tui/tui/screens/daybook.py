"""The daybook: every money movement of a range of days, with bento tiles of the range's totals.

Rows come a page at a time (keyset, ``services.daybook``); the line under the tiles sums exactly the
rows the filters pick. Ctrl+D reprints the selected sale's receipt, marked DUPLICATE.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Select, Static

from pos_tui.domain.errors import PosError
from pos_tui.services.cash import daybook
from pos_tui.services.cash.daybook import DaybookTotals, DayRange, Movement, MovementFilter, RangeSums
from pos_tui.services.selling.receipts import receipt_text
from pos_tui.tui.dialogs.cash_report import ReportDialog
from pos_tui.tui.messages import ActionFailed
from pos_tui.tui.paging import KeysetPager
from pos_tui.tui.screens.day_range import DayRangeScreen
from pos_tui.tui.till_printer import till_printer
from pos_tui.tui.widgets.tiles import Tile

PAGE = 100


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


@dataclass
class SumsLoaded(Message):
    days: DayRange
    where: MovementFilter
    sums: RangeSums


@dataclass
class DuplicatePrinted(Message):
    """A reprint went to the printer queue (``printer`` says which), or, with no printer, ``text`` to show."""

    reference: str
    printer: str
    text: str


class DaybookScreen(DayRangeScreen):
    MODE = "daybook"
    RANGE_ID = "db"
    DEFAULT_CSS = """
    DaybookScreen .filters.second { margin: 0; }
    DaybookScreen #db-sums { height: 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page(1)", "Next page", priority=True, id="daybook.next"),
        Binding("pageup", "page(-1)", "Prev page", priority=True, id="daybook.prev"),
        Binding("ctrl+r", "reload", "Refresh", priority=True, id="daybook.refresh"),
        Binding("ctrl+d", "reprint", "Duplicate", priority=True, id="daybook.reprint"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.where = MovementFilter()
        self.pager = KeysetPager(daybook.FIRST_KEY, PAGE)
        self.rows: list[Movement] = []

    def compose_body(self) -> ComposeResult:
        session = self.session
        methods = [(m.label, code) for code, m in session.tender_methods.items()] + [("Safe", "cash:safe")]
        with Horizontal(classes="filters"):
            yield from self.range_fields("YYYY-MM-DD [HH:MM]")
            yield Select(daybook.kinds(), prompt="Kind", id="db-kind", compact=True)
            yield Select(methods, prompt="Method", id="db-method", compact=True)
            yield Select([(u, u) for u in daybook.cashiers(session)], prompt="Cashier", id="db-cashier",
                         compact=True)
        with Horizontal(classes="filters second"):
            yield Input(placeholder="shift (T1-S0001)", id="db-shift", compact=True)
            yield Input(placeholder="find: sale number, note, item…", id="db-text", compact=True)
        with Horizontal(classes="tiles"):
            yield Tile("Sales", tone="in", id="tile-sales")
            yield Tile("Gross profit", tone="in", id="tile-profit")
            yield Tile("Returns", tone="out", id="tile-returns")
            yield Tile("Expenses", tone="expense", id="tile-expenses")
            yield Tile("Net cash", id="tile-cash")
        yield Static("", id="by-method", markup=False)
        yield Static("", id="db-sums", markup=False)
        yield DataTable(id="movements", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#movements", DataTable)
        for label in ("Time", "Kind", "Reference", "Cashier", "Method", "In", "Out"):
            table.add_column(label, key=label)
        self.show_date_fields(False)
        table.focus()  # arrows walk the rows at once; Tab reaches the filters

    def load_days(self, days: DayRange) -> None:
        self._filtered()
        self.load_totals(days)

    def _filtered(self) -> None:
        """The filters changed: first page and the rows' sums again (the tiles stay: same range)."""
        self.pager.reset()
        self.load_page(self.days, self.where, self.pager.page, self.pager.start)
        self.load_sums(self.days, self.where)

    # --- workers -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="db-page")
    def load_page(self, days: DayRange, where: MovementFilter, page: int, after: daybook.Key) -> None:
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

    @work(thread=True, exclusive=True, exit_on_error=False, group="db-sums")
    def load_sums(self, days: DayRange, where: MovementFilter) -> None:
        try:
            self.post_message(SumsLoaded(days, where, daybook.sums(self.session, days, where)))
        except PosError:
            return  # the page worker says the same thing

    @work(thread=True, exclusive=True, exit_on_error=False, group="db-reprint")
    def reprint(self, reference: str) -> None:
        try:
            session = self.session
            text = receipt_text(session, reference, duplicate=True)
            printer = till_printer(self.app, session)
            job = printer.print_sale(session, reference, duplicate=True)
        except PosError as error:
            self.post_message(ActionFailed("reprint", str(error)))
            return
        if job is None and printer.enabled:
            self.post_message(ActionFailed("reprint", printer.status().sentence()))
            return
        self.post_message(DuplicatePrinted(reference, printer.name if job is not None else "", text))

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
                key=f"{m.day}:{m.seq}:{m.leg}",
            )
        span = self.days.describe()
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

    def on_sums_loaded(self, message: SumsLoaded) -> None:
        if (message.days, message.where) != (self.days, self.where):
            return
        money = self.session.currency.format
        s = message.sums
        self.query_one("#db-sums", Static).update(
            f"{s.rows} listed:  in {money(s.money_in)}  out {money(s.money_out)}  net {money(s.net)}"
        )

    def on_action_failed(self, message: ActionFailed) -> None:
        self.say(message.text, "error")

    def on_duplicate_printed(self, message: DuplicatePrinted) -> None:
        if message.printer:
            self.say(f"Duplicate of {message.reference} sent to {message.printer}.", "success")
            return
        self.app.push_screen(ReportDialog(f"Duplicate of {message.reference}", message.text,
                                          note="No printer is configured: this is the duplicate. Enter: close"))

    # --- filters, paging, reprint --------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        value = "" if event.select.is_blank() else str(event.value)
        if event.select.id == "db-range":
            if self.range_chosen(value):
                self.action_reload()
            return
        key = {"db-kind": "kind", "db-method": "method", "db-cashier": "cashier"}.get(event.select.id or "")
        if key:
            self.where = replace(self.where, **{key: value})
            self._filtered()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.date_submitted(event.input.id):
            return
        if event.input.id in {"db-shift", "db-text"}:
            key = "shift" if event.input.id == "db-shift" else "text"
            self.where = replace(self.where, **{key: event.value.strip()})
            self._filtered()

    def action_page(self, step: int) -> None:
        refusal = self.pager.turn(step, len(self.rows), self.rows[-1].key if self.rows else None)
        if refusal:
            self.say(refusal)
            return
        self.load_page(self.days, self.where, self.pager.page, self.pager.start)

    def selected(self) -> Movement | None:
        table = self.query_one("#movements", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def action_reprint(self) -> None:
        row = self.selected()
        reference = row.sale_reference if row else None
        if reference is None:
            self.say("Select a sale's row to reprint its receipt (Ctrl+D).", "warning")
            return
        self.say(f"Reprinting {reference}…")
        self.reprint(reference)

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [("Refresh the daybook", "Read the movements again (Ctrl+R)", "screen.reload"),
                ("Reprint the selected receipt", "A duplicate of the selected sale (Ctrl+D)", "screen.reprint")]
