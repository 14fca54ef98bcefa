"""F4 Reports: head office's consolidated reports (those `pos hq report` offers) over every store or
one, between two days or over all of them; the till's tiles, trend chart and report table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

import psycopg
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Select

from pos_tui.domain.errors import InvalidInput
from pos_tui.services.hq import reports
from pos_tui.services.hq.cockpit import store_names
from pos_tui.services.hq.reports import SalesDay
from pos_tui.services.reports.model import Column, ColumnKind, ReportQuery, ReportResult
from pos_tui.tui.hq.page import Answered, Failed, OfficePage
from pos_tui.tui.widgets.charts import Chart, ChartSpec
from pos_tui.tui.widgets.report_table import ReportTable
from pos_tui.tui.widgets.tiles import Tile

ALL_STORES = "*"
TITLES = {"sales-by-day": "Sales by day"}
"""What the report picker shows for each of `pos hq report`'s names."""
LABELS = {"store": "Store", "day": "Day", "sales": "Sales", "takings": "Takings", "returns": "Returns", "net": "Net",
          "tax": "Tax", "cost": "Cost", "margin": "Margin"}


@dataclass(frozen=True)
class Consolidated:
    """A report's rows, and the same days a year before (the chart's other series)."""

    name: str
    stores: tuple[str, ...]
    first: str
    last: str
    rows: list[SalesDay]
    last_year: list[SalesDay]


@dataclass
class HqReportShown(Message):
    name: str
    stores: tuple[str, ...]
    rows: int


def a_year_before(day: str) -> str:
    when = date.fromisoformat(day)
    try:
        return when.replace(year=when.year - 1).isoformat()
    except ValueError:  # 29 February
        return when.replace(year=when.year - 1, day=28).isoformat()


def consolidated(conn: psycopg.Connection[Any], name: str, stores: tuple[str, ...], first: str,
                 last: str) -> Consolidated:
    rows = reports.run(conn, name, list(stores), first or None, last or None)
    if not rows:
        return Consolidated(name, stores, first, last, rows, [])
    first_day, last_day = first or min(r.day for r in rows), last or max(r.day for r in rows)
    before = reports.run(conn, name, list(stores), a_year_before(first_day), a_year_before(last_day))
    return Consolidated(name, stores, first_day, last_day, rows, before)


def as_result(report: Consolidated, names: dict[str, str]) -> ReportResult:
    """Head office's rows as the till's report result, so the till's table draws them; a store by its
    name (its id, a UUID, would be cut to the column's width anyway)."""
    kinds: dict[str, ColumnKind] = {"store": "text", "day": "text", "sales": "int"}
    columns = tuple(Column(key, LABELS[key], kinds.get(key, "money")) for key in reports.COLUMNS)
    rows = tuple((names.get(row.store, row.store), *row.cells()[1:]) for row in report.rows)
    totals: tuple[Any, ...] = ("Total", None, *(sum(row[i] for row in rows) for i in range(2, len(columns))))
    return ReportResult(report.name, TITLES.get(report.name, report.name), ReportQuery(report.first, report.last),
                        columns, rows, totals)


def net_by_day(rows: Sequence[SalesDay]) -> dict[str, int]:
    by_day: dict[str, int] = {}
    for row in rows:
        by_day[row.day] = by_day.get(row.day, 0) + row.net
    return by_day


def trend(report: Consolidated) -> ChartSpec | None:
    """Net by day over the stores chosen, beside the same days a year before (the till's trend)."""
    now = net_by_day(report.rows)
    if not now:
        return None
    then = {day: value for day, value in net_by_day(report.last_year).items()}
    days = sorted(now)
    return ChartSpec("trend", tuple(days), tuple(now[d] for d in days),
                     tuple(then.get(a_year_before(d), 0) for d in days), caption="Net")


class ReportsPage(OfficePage):
    MODE = "reports"
    AUTO_FOCUS = "#report-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f6", "pick_report", "Report", priority=True, id="hq_reports.pick"),
        Binding("f7", "pick_store", "Store", priority=True, id="hq_reports.store"),
        Binding("ctrl+d", "pick_days", "Dates", priority=True, id="hq_reports.dates"),
        Binding("ctrl+g", "next_view", "Chart/table", priority=True, id="hq_reports.view"),
        Binding("ctrl+r", "reload", "Refresh", priority=True, id="hq_reports.refresh"),
    ]
    EXTRA_KEYS: ClassVar[list[tuple[str, str]]] = [("dates, Enter", "from and to, YYYY-MM-DD (empty: every day)")]
    VIEWS = ("both", "table", "chart")

    def __init__(self) -> None:
        super().__init__()
        self.report_name = reports.REPORTS[0]
        self.store = ALL_STORES
        self.first = ""
        self.last = ""
        self.shown: Consolidated | None = None
        self.names: dict[str, str] = {}
        self.view = self.VIEWS[0]

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="filters"):
            yield Select([(TITLES.get(name, name), name) for name in reports.REPORTS], value=self.report_name,
                         allow_blank=False, id="hq-report", compact=True)
            yield Select([("All stores", ALL_STORES)], value=ALL_STORES, allow_blank=False, id="hq-store",
                         compact=True)
            yield Input(placeholder="from", id="hq-from", classes="date", compact=True)
            yield Input(placeholder="to", id="hq-to", classes="date", compact=True)
        with Horizontal(classes="tiles"):
            yield Tile("Sales", tone="in", id="tile-hq-sales")
            yield Tile("Net", tone="in", id="tile-hq-net")
            yield Tile("Margin", tone="in", id="tile-hq-margin")
            yield Tile("Count", id="tile-hq-count")
            yield Tile("Returns", tone="out", id="tile-hq-returns")
        yield Chart(id="report-chart")
        yield ReportTable(id="report-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(Chart).display = False
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.redraw())

    def on_screen_resume(self) -> None:
        self.ask("report-stores", store_names)
        self.action_reload()

    def chosen_stores(self) -> tuple[str, ...]:
        return () if self.store == ALL_STORES else (self.store,)

    def action_reload(self) -> None:
        name, stores, first, last = self.report_name, self.chosen_stores(), self.first, self.last
        self.say("Working out the report…")
        self.ask("report", lambda conn: consolidated(conn, name, stores, first, last))

    def on_answered(self, message: Answered) -> None:
        if message.what == "report-stores":
            names: dict[str, str] = message.value
            self.names = names
            select = self.query_one("#hq-store", Select)
            twice = {name for name in names.values() if list(names.values()).count(name) > 1}
            select.set_options([("All stores", ALL_STORES), *((f"{name} {store[:8]}" if name in twice else name, store)
                                                                for store, name in names.items())])
            select.value = self.store if self.store in names else ALL_STORES
            self.redraw()  # the table names the stores
        elif message.what == "report":
            report: Consolidated = message.value
            if (report.name, report.stores) != (self.report_name, self.chosen_stores()):
                return  # the answer to an earlier choice
            self.shown = report
            self.redraw()
            where = "every store" if not report.stores else self.names.get(report.stores[0], report.stores[0])
            title = TITLES.get(report.name, report.name)
            self.say(f"{title} for {where}, {report.first} to {report.last}: {len(report.rows)} store-day(s)."
                     if report.rows else f"{title} for {where}: nothing to show.")
            self.post_message(HqReportShown(report.name, report.stores, len(report.rows)))

    def on_failed(self, message: Failed) -> None:
        self.say(message.text, "warning" if message.what == "report" else "error")

    def redraw(self) -> None:
        report = self.shown
        if report is None:
            return
        currency = self.app.currency  # type: ignore[attr-defined]
        loss = self.app.current_theme.error or ""
        self.query_one(ReportTable).show(as_result(report, self.names), currency, loss=loss)
        self.query_one(Chart).show(trend(report), lambda v: currency.format(v, symbol=False))

        def money(minor: int) -> str:
            return str(currency.format(minor, symbol=False))

        rows = report.rows
        net = sum(r.net for r in rows)
        margin = sum(r.margin for r in rows)
        self.query_one("#tile-hq-sales", Tile).show(money(sum(r.takings for r in rows)), "tax incl.")
        self.query_one("#tile-hq-net", Tile).show(money(net), "tax excl.")
        self.query_one("#tile-hq-margin", Tile).show(money(margin), f"{margin * 100 // net}%" if net > 0 else "")
        self.query_one("#tile-hq-count", Tile).show(f"{sum(r.sales for r in rows):,}", "sales")
        self.query_one("#tile-hq-returns", Tile).show(money(sum(r.returns for r in rows)))

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.is_blank():
            return
        value = str(event.value)
        if event.select.id == "hq-report" and value != self.report_name:
            self.report_name = value
            self.action_reload()
        elif event.select.id == "hq-store" and value != self.store:
            self.store = value
            self.action_reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id not in ("hq-from", "hq-to"):
            return
        try:
            first = self.day_typed("#hq-from", "from")
            last = self.day_typed("#hq-to", "to")
        except InvalidInput as error:
            self.say(str(error), "warning")
            return
        if first and last and first > last:
            self.say(f"from {first} is after to {last}: swap them.", "warning")
            return
        self.first, self.last = first, last
        self.action_reload()

    def day_typed(self, selector: str, what: str) -> str:
        text = self.query_one(selector, Input).value.strip()
        if not text:
            return ""
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise InvalidInput(f"{what} {text!r} is not a day: type YYYY-MM-DD, or leave it empty for every day.") \
                from None

    def action_pick_report(self) -> None:
        select = self.query_one("#hq-report", Select)
        select.focus()
        select.expanded = True

    def action_pick_store(self) -> None:
        select = self.query_one("#hq-store", Select)
        select.focus()
        select.expanded = True

    def action_pick_days(self) -> None:
        self.query_one("#hq-from", Input).focus()

    def action_next_view(self) -> None:
        """Chart and table together, the table alone, the chart alone (the till's Ctrl+G)."""
        self.view = self.VIEWS[(self.VIEWS.index(self.view) + 1) % len(self.VIEWS)]
        for view in self.VIEWS:
            self.set_class(view == self.view, f"-view-{view}")
