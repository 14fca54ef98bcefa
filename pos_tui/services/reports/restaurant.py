"""The restaurant's reports in the registry (`pos report restaurant-...`, and F4's picker under
"Restaurant"): the floor's own tables (``services/restaurant/reports.py``, ``kitchen.ticket_log``) as
report results. Those modules are imported when a report runs: `pos report list` loads no database
library."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_tui.services.reports.model import Cell, Chart, Column, Highlight, ReportQuery, ReportResult

if TYPE_CHECKING:
    from pos_tui.services.restaurant.reports import FloorReport, Row
    from pos_tui.services.session import Session

_PER_COVER_NOTE = "Per cover is the sales of the bills that closed orders divided by their guests, rounded down."


def _floor(session: Session, query: ReportQuery) -> FloorReport:
    from pos_tui.services.restaurant import reports

    return reports.floor_report(session, query.first, query.last)


def _per_cover(amount: int, covers: int) -> int | None:
    return amount // covers if covers else None


def _highlights(report: FloorReport) -> tuple[Highlight, ...]:
    return (Highlight("Covers", "int", report.covers), Highlight("Per cover", "money", report.per_cover),
            Highlight("Tips", "money", report.tips))


def _guests(name: str, title: str, key: Column, rows: tuple[Row, ...], report: FloorReport,
            query: ReportQuery) -> ReportResult:
    """Rows with bills, covers, sales, per cover and tips: by table, by waiter, by day."""
    columns = (key, Column("bills", "Bills", "int"), Column("covers", "Covers", "int"),
               Column("sales", "Sales", "money"), Column("per_cover", "Per cover", "money"),
               Column("tips", "Tips", "money"))
    body = tuple((row.key, row.bills, row.covers, row.amount, _per_cover(row.amount, row.covers), row.tips)
                 for row in rows)
    bills = sum(row.bills for row in rows)
    totals: tuple[Cell, ...] = (None, bills, report.covers, report.total,
                                _per_cover(report.total, report.covers), report.tips)
    chart = Chart("trend" if key.key == "day" else "bars", key.key, "sales")
    return ReportResult(name, title, query, columns, body, totals, highlights=_highlights(report), chart=chart,
                        notes=(_PER_COVER_NOTE,))


def by_table(session: Session, query: ReportQuery) -> ReportResult:
    report = _floor(session, query)
    return _guests("restaurant-by-table", "Sales by table", Column("table", "Table", "text"), report.by_table,
                   report, query)


def by_waiter(session: Session, query: ReportQuery) -> ReportResult:
    report = _floor(session, query)
    return _guests("restaurant-by-waiter", "Sales by waiter", Column("waiter", "Waiter", "text"), report.by_waiter,
                   report, query)


def covers_by_day(session: Session, query: ReportQuery) -> ReportResult:
    report = _floor(session, query)
    return _guests("restaurant-covers", "Covers and average per cover", Column("day", "Day", "text"),
                   report.by_day, report, query)


def _lines(name: str, title: str, key: Column, rows: tuple[Row, ...], report: FloorReport,
           query: ReportQuery) -> ReportResult:
    """What the bills took for their lines, by course or by category, with each one's share of the total."""
    columns = (key, Column("bills", "Bills", "int"), Column("sales", "Sales", "money"),
               Column("share", "Share", "bp"))
    taken = sum(row.amount for row in rows)
    body = tuple((row.key, row.bills, row.amount, row.amount * 10_000 // taken if taken else None) for row in rows)
    totals: tuple[Cell, ...] = (None, None, taken, 10_000 if taken else None)
    return ReportResult(name, title, query, columns, body, totals, highlights=_highlights(report),
                        chart=Chart("bars", key.key, "sales"),
                        notes=("A bill counts once under each course or category it paid for; an equal part "
                               "takes its share of each line.",))


def by_course(session: Session, query: ReportQuery) -> ReportResult:
    report = _floor(session, query)
    return _lines("restaurant-by-course", "Sales by course", Column("course", "Course", "text"), report.by_course,
                  report, query)


def by_category(session: Session, query: ReportQuery) -> ReportResult:
    report = _floor(session, query)
    return _lines("restaurant-by-category", "Sales by category (floor)", Column("category", "Category", "text"),
                  report.by_category, report, query)


def kitchen_tickets(session: Session, query: ReportQuery) -> ReportResult:
    from pos_tui.services.restaurant import kitchen

    tickets = kitchen.ticket_log(session, days=(query.first, query.last))
    columns = (Column("ticket", "Ticket", "int"), Column("time", "Time", "text"),
               Column("station", "Station", "text"), Column("table", "Table", "int"),
               Column("waiter", "Waiter", "text"), Column("kind", "Kind", "text"),
               Column("lines", "Lines", "text"))
    shown = tickets[-query.limit:] if query.limit else tickets
    body = tuple(
        (t.number, session.local_time(t.at).strftime("%Y-%m-%d %H:%M"), t.station, t.table, t.waiter,
         "VOID" if t.kind == "void" else "send",
         ", ".join(f"{line.quantity // 1000} x {line.name}" for line in t.lines))
        for t in shown)
    voids = sum(1 for t in tickets if t.kind == "void")
    totals: tuple[Cell, ...] = (None,) * len(columns)
    return ReportResult("kitchen-tickets", "Kitchen ticket log", query, columns, body, totals,
                        omitted=len(tickets) - len(shown),
                        highlights=(Highlight("Tickets", "int", len(tickets)), Highlight("Voids", "int", voids)),
                        notes=("The newest tickets when the log is longer than the limit; "
                               "`pos kitchen tickets` prints every one.",))
