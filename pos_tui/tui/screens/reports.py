"""F4 Reports: pick a report and a range; bento tiles of the range, a chart where a picture reads
faster, the report's table with its grand total, and export to CSV.

Every figure comes from ``services.reports`` (summary projections, never sale lines), computed in
thread workers that post messages: ``ReportRequested -> ReportComputed -> ReportShown``. Only the
handlers touch widgets. Reports are for roles with ``Action.REPORTS``; they only read, so they work
on a read-only seat (a manager over SSH).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Select, Static
from textual.worker import Worker, WorkerState

from pos_tui.domain.errors import PosError
from pos_tui.domain.permissions import Action
from pos_tui.services.cash.daybook import DayRange, cashiers, today
from pos_tui.services.catalog import warehouse
from pos_tui.services.reports import registry
from pos_tui.services.reports.model import per, ratio_bp
from pos_tui.services.reports.registry import ReportQuery, ReportResult
from pos_tui.services.reports.sales import Figures, figures_by
from pos_tui.services.session import Session
from pos_tui.services.staff import authz
from pos_tui.tui.dialogs.date_range import NAMED_RANGES, custom_range_dialog, parse_custom_range
from pos_tui.tui.dialogs.form import Field, FormDialog
from pos_tui.tui.messages import ActionFailed
from pos_tui.tui.screens.base import ModeScreen
from pos_tui.tui.widgets.charts import Chart
from pos_tui.tui.widgets.report_table import ReportTable, chart_spec
from pos_tui.tui.widgets.tiles import Tile

ROW_LIMIT = 200
"""Rows an item report shows on screen (totals still cover every row); a DataTable measures each row."""
DEFAULT_REPORT = "sales-by-day"
DEFAULT_RANGE = "month"
FILTER_LABELS = {"terminal": "Terminal", "cashier": "Cashier", "category": "Category", "vendor": "Vendor"}
VIEWS = ("both", "table", "chart")
WORKER_GROUPS = {"report": "report", "report-summary": "summary", "report-choices": "filter choices",
                 "report-export": "export"}


@dataclass
class ReportRequested(Message):
    name: str
    query: ReportQuery


@dataclass
class ReportComputed(Message):
    result: ReportResult


@dataclass
class ReportShown(Message):
    name: str
    query: ReportQuery
    rows: int


@dataclass
class ReportExported(Message):
    path: Path
    rows: int


@dataclass
class SummaryComputed(Message):
    query: ReportQuery
    figures: Figures


@dataclass
class FilterChoices(Message):
    choices: dict[str, list[str]]


def counted(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def sales_summary(session: Session, query: ReportQuery) -> Figures:
    """The range's sales figures (for the tiles, by till and cashier filters), summed from the day summaries."""
    total = Figures()
    for figures in figures_by(session, query, "day").values():
        total.add(figures)
    return total


class ReportsScreen(ModeScreen):
    MODE = "reports"
    AUTO_FOCUS = "#report-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f6", "pick_report", "Report", priority=True, id="reports.pick"),
        Binding("f7", "pick_range", "Range", priority=True, id="reports.range"),
        Binding("ctrl+d", "custom_range", "Dates", priority=True, id="reports.dates"),
        Binding("ctrl+e", "export", "Export CSV", priority=True, id="reports.export"),
        Binding("ctrl+g", "next_view", "Chart/table", priority=True, id="reports.view"),
        Binding("ctrl+r", "reload", "Refresh", priority=True, id="reports.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report_name = DEFAULT_REPORT
        self.range_name = DEFAULT_RANGE
        self.days: tuple[str, str] | None = None
        self.filters: dict[str, str] = dict.fromkeys(FILTER_LABELS, "")
        self.query_shown: ReportQuery | None = None
        self.result: ReportResult | None = None
        self.loaded_version = -1
        self.view = VIEWS[0]
        self.tiles_for: tuple[str, str, str, str] | None = None

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined, no-any-return]

    # --- layout --------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        # The floor's reports only where there is a floor: a shop's picker stays a shop's.
        has_floor = bool(self.session.settings.restaurant.floors)
        options = [(spec.title, name) for name, spec in registry.REPORTS.items()
                   if has_floor or spec.group != "Restaurant"]
        with Horizontal(classes="filters"):
            yield Select(options, value=self.report_name, allow_blank=False, id="rp-report", compact=True)
            yield Select(NAMED_RANGES, value=self.range_name, allow_blank=False, id="rp-range", compact=True)
            for key, label in FILTER_LABELS.items():
                yield Select[str]([], prompt=label, id=f"rp-{key}", compact=True, classes="rp-filter")
        with Horizontal(classes="tiles"):
            # Short titles and amounts without the symbol: five tiles fit 64 columns (80x24 with the dock).
            yield Tile("Sales", tone="in", id="tile-rp-sales")
            yield Tile("Margin", tone="in", id="tile-rp-margin")
            yield Tile("Count", id="tile-rp-count")
            yield Tile("Average", id="tile-rp-average")
            yield Tile("Returns", tone="out", id="tile-rp-returns")
        yield Static("", id="report-highlights", markup=False)
        yield Chart(id="report-chart")
        yield ReportTable(id="report-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="report-columns", markup=False)
        yield Static("", id="report-notes", markup=False)

    def on_mount(self) -> None:
        self.show_filters()
        self.query_one(Chart).display = False
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.redraw())

    def on_screen_resume(self) -> None:
        version = self.app.data_version  # type: ignore[attr-defined]
        if version != self.loaded_version:
            self.loaded_version = version
            if self.allowed():
                self.load_choices(self.query_for(*self.range_days()))
            self.action_reload()

    def allowed(self) -> bool:
        if authz.can(self.session, Action.REPORTS):
            return True
        self.say("Reports are for managers: your role may not see them. Ask a manager.", "warning")
        return False

    def show_filters(self) -> None:
        accepted = registry.REPORTS[self.report_name].filters
        for key in FILTER_LABELS:
            self.query_one(f"#rp-{key}", Select).display = key in accepted

    # --- what to run ---------------------------------------------------------------------------

    def range_days(self) -> tuple[str, str]:
        if self.range_name == "custom" and self.days is not None:
            return self.days
        days = DayRange.named(self.range_name, today(self.session))
        return days.first, days.last

    def query_for(self, first: str, last: str) -> ReportQuery:
        accepted = registry.REPORTS[self.report_name].filters
        chosen = {key: value for key, value in self.filters.items() if key in accepted}
        return ReportQuery(first, last, limit=ROW_LIMIT, **chosen)

    def choose_report(self, name: str) -> None:
        self.report_name = name
        self.query_one("#rp-report", Select).value = name
        self.show_filters()
        self.show_report()

    def action_reload(self) -> None:
        """Ctrl+R: the report and the tiles again (the books may have moved)."""
        self.show_report(fresh_tiles=True)

    def show_report(self, *, fresh_tiles: bool = False) -> None:
        """Run the chosen report over the chosen range; the tiles too when the range or till filters moved."""
        if not self.allowed():
            return
        self.days = self.range_days()
        query = self.query_for(*self.days)
        self.post_message(ReportRequested(self.report_name, query))
        self.say(f"Working out {registry.REPORTS[self.report_name].title.lower()}…")
        self.run_report(self.report_name, query)
        tiles = (query.first, query.last, self.filters["terminal"], self.filters["cashier"])
        if fresh_tiles or tiles != self.tiles_for:
            self.tiles_for = tiles
            self.load_summary(ReportQuery(*tiles[:2], terminal=tiles[2], cashier=tiles[3]))

    # --- workers -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="report")
    def run_report(self, name: str, query: ReportQuery) -> None:
        try:
            result = registry.run_report(self.session, name, query)
        except PosError as error:
            self.post_message(ActionFailed("report", str(error)))
            return
        self.post_message(ReportComputed(result))

    @work(thread=True, exclusive=True, exit_on_error=False, group="report-summary")
    def load_summary(self, query: ReportQuery) -> None:
        try:
            self.post_message(SummaryComputed(query, sales_summary(self.session, query)))
        except PosError as error:
            self.post_message(ActionFailed("report", str(error)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="report-choices")
    def load_choices(self, query: ReportQuery) -> None:
        session = self.session
        terminals = registry.run_report(session, "sales-by-terminal", ReportQuery(query.first, query.last, limit=0))
        self.post_message(FilterChoices({
            "terminal": sorted(str(t) for t in terminals.column_values("terminal")),
            "cashier": cashiers(session),
            "category": warehouse.categories(session),
            "vendor": warehouse.vendors(session),
        }))

    @work(thread=True, exclusive=True, exit_on_error=False, group="report-export")
    def export_csv(self, name: str, query: ReportQuery, path: Path) -> None:
        """Every row (no screen limit), written as `pos report NAME --format csv` writes it."""
        session = self.session
        try:
            result = registry.run_report(session, name, replace(query, limit=0))
            with path.open("x", newline="", encoding="utf-8") as stream:  # "x": never overwrite a file
                try:
                    registry.write_csv(result, session.currency, stream)
                except BaseException:
                    path.unlink(missing_ok=True)  # no half-written file left behind to be mistaken for a report
                    raise
        except PosError as error:
            self.post_message(ActionFailed("export", str(error)))
            return
        except FileExistsError:
            self.post_message(ActionFailed("export", f"{path} already exists. Give another name."))
            return
        except OSError as error:
            self.post_message(ActionFailed("export", f"Could not write {path}: {error.strerror or error}. "
                                                     "Choose a folder you may write to."))
            return
        self.post_message(ReportExported(path, len(result.rows)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that raised (the database went away, a bug): say so; the app carries on."""
        what = WORKER_GROUPS.get(event.worker.group)
        if what and event.state == WorkerState.ERROR:
            self.say(f"The {what} could not be worked out: {event.worker.error}. Press Ctrl+R to try again.",
                     "error")

    # --- showing -------------------------------------------------------------------------------

    def on_report_computed(self, message: ReportComputed) -> None:
        result = message.result
        if (result.name, result.query) != (self.report_name, self.query_for(*(self.days or ("", "")))):
            return  # an answer to an earlier question
        self.result = result
        self.query_shown = result.query
        self.redraw()
        spec = registry.REPORTS[result.name]
        span = registry.span_of(result)
        more = f" (top {len(result.rows)} shown; {result.omitted} more in the totals and the export)" \
            if result.omitted else ""
        self.say(f"{spec.title}, {span}: {counted(len(result.rows), 'row')}{more}." if result.rows
                 else f"{spec.title}, {span}: nothing to show.")
        self.post_message(ReportShown(result.name, result.query, len(result.rows)))

    def redraw(self) -> None:
        """Table, chart and highlights of the report shown, in the current theme's colours."""
        result = self.result
        if result is None:
            return
        currency = self.session.currency
        self.query_one(ReportTable).show(result, currency, loss=self.app.current_theme.error or "")
        picture = chart_spec(result)
        kind: registry.ColumnKind = picture[1] if picture else "money"
        self.query_one(Chart).show(picture[0] if picture else None, lambda v: registry.format_cell(v, kind, currency))
        self.query_one("#report-highlights", Static).update("   ".join(
            f"{h.label} {registry.format_cell(h.value, h.kind, currency)}" for h in result.highlights
            if h.value is not None))
        self.query_one("#report-notes", Static).update(" ".join(result.notes))

    def on_report_table_view_moved(self, message: ReportTable.ViewMoved) -> None:
        """Columns wider than the screen scroll sideways; say which are out of view, and how to see them."""
        parts = ([f"← {', '.join(message.left)}"] if message.left else []) + (
            [f"{', '.join(message.right)} →"] if message.right else [])
        hint = self.query_one("#report-columns", Static)
        hint.update(f"More columns: {'   '.join(parts)}   (← → scroll)" if parts else "")
        hint.set_class(bool(parts), "-shown")

    def on_summary_computed(self, message: SummaryComputed) -> None:
        if self.days is None or (message.query.first, message.query.last) != self.days:
            return
        currency = self.session.currency

        def money(minor: int) -> str:
            return currency.format(minor, symbol=False)

        f = message.figures
        margin_pct = registry.format_cell(ratio_bp(f.margin, f.net), "bp", self.session.currency)
        self.query_one("#tile-rp-sales", Tile).show(money(f.takings), "tax incl.")
        margin = self.query_one("#tile-rp-margin", Tile)
        margin.show(money(f.margin), margin_pct)
        margin.set_class(f.margin < 0, "tone-out")
        margin.set_class(f.margin >= 0, "tone-in")
        self.query_one("#tile-rp-count", Tile).show(f"{f.sales:,}", counted(f.items, "item"))
        average = per(f.takings, f.sales)
        self.query_one("#tile-rp-average", Tile).show(money(average) if average is not None else "–")
        self.query_one("#tile-rp-returns", Tile).show(money(f.returned_value), counted(f.returns, "return"))

    def on_filter_choices(self, message: FilterChoices) -> None:
        for key, values in message.choices.items():
            select = self.query_one(f"#rp-{key}", Select)
            current = self.filters[key]
            select.set_options([(v, v) for v in values])
            if current in values:
                select.value = current

    def on_action_failed(self, message: ActionFailed) -> None:
        self.say(message.text, "error")

    def on_report_exported(self, message: ReportExported) -> None:
        self.say(f"Saved {counted(message.rows, 'row')} and the totals to {message.path}.", "success")

    # --- choosing ------------------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        select_id = event.select.id or ""
        value = "" if event.select.is_blank() else str(event.value)
        if select_id == "rp-report":
            if value and value != self.report_name:
                self.choose_report(value)
        elif select_id == "rp-range":
            if value == "custom":
                if self.range_name != "custom":  # not the echo of choosing custom dates with Ctrl+D
                    self.action_custom_range()
            elif value and value != self.range_name:
                self.range_name = value
                self.show_report()
        elif select_id.startswith("rp-"):
            key = select_id[3:]
            if key in self.filters and self.filters[key] != value:
                self.filters[key] = value
                self.show_report()

    def action_custom_range(self) -> None:
        first, last = self.days or self.range_days()

        def chosen(answer: dict[str, str] | None) -> None:
            if answer is None:
                self.query_one("#rp-range", Select).value = self.range_name  # Esc: the range shown stays
                return
            try:
                self.days = parse_custom_range(answer)
            except PosError as error:
                self.say(str(error), "warning")
                self.query_one("#rp-range", Select).value = self.range_name
                return
            self.range_name = "custom"
            self.query_one("#rp-range", Select).value = "custom"
            self.show_report()

        self.app.push_screen(custom_range_dialog(first, last), callback=chosen)

    def action_export(self) -> None:
        if self.result is None or self.query_shown is None:
            self.say("There is no report on screen to export yet.", "warning")
            return
        name, query = self.result.name, self.query_shown
        suggested = f"report-{name}-{query.first}-{query.last}.csv"

        def chosen(answer: dict[str, str] | None) -> None:
            text = (answer or {}).get("path", "").strip()
            if not text:
                return
            path = Path(text).expanduser()
            self.say(f"Writing {path}…")
            self.export_csv(name, query, path if path.is_absolute() else Path.cwd() / path)

        self.app.push_screen(
            FormDialog("Export to CSV", [Field("path", "Save to (a relative name goes in the current folder)",
                                               suggested)], note="Enter: save   Esc: cancel"),
            callback=chosen,
        )

    def action_pick_report(self) -> None:
        select = self.query_one("#rp-report", Select)
        select.focus()
        select.expanded = True

    def action_pick_range(self) -> None:
        select = self.query_one("#rp-range", Select)
        select.focus()
        select.expanded = True

    def action_next_view(self) -> None:
        """Chart and table together, the table alone, the chart alone (large: small terminals)."""
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        for view in VIEWS:
            self.set_class(view == self.view, f"-view-{view}")

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Choose a report", "Pick from every report (F6)", "screen.pick_report"),
            ("Choose the range", "Today, this week, this month, custom dates... (F7)", "screen.pick_range"),
            ("Export the report to CSV", "Write the report shown to a file (Ctrl+E)", "screen.export"),
            ("Refresh the report", "Work the report out again (Ctrl+R)", "screen.reload"),
        ]
