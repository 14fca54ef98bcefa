"""The customer reports in the registry (`pos report customers-...`, and F4's picker under "Customers"):
the customer area's tables (``services/customers/reports.py``) as report results. That module is imported
when a report runs: `pos report list` loads no database library."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_tui.services.reports.model import Cell, Column, ColumnKind, ReportQuery, ReportResult

if TYPE_CHECKING:
    from pos_tui.services.customers.reports import Table
    from pos_tui.services.session import Session


def _kind(table: Table, index: int, sample: object) -> ColumnKind:
    if index in table.money_columns:
        return "money"
    return "int" if isinstance(sample, int) and not isinstance(sample, bool) else "text"


def _result(name: str, table: Table, query: ReportQuery, summed: frozenset[int] = frozenset()) -> ReportResult:
    first = table.rows[0] if table.rows else ()
    kinds = [_kind(table, i, first[i] if first else (0 if i in table.money_columns | summed else ""))
             for i in range(len(table.columns))]
    columns = tuple(Column(f"c{i}", label, kinds[i]) for i, label in enumerate(table.columns))
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        tuple(cell if isinstance(cell, int) or cell is None else str(cell) for cell in row) for row in table.rows)
    totals = tuple(sum(int(row[i] or 0) for row in rows) if i in table.money_columns | summed else None
                   for i in range(len(columns)))
    return ReportResult(name, table.title, query, columns, rows, totals)


def top_customers(session: Session, query: ReportQuery) -> ReportResult:
    from pos_tui.services.customers import reports as customer_reports

    return _result("customers-top", customer_reports.top_customers(session, query.first, query.last,
                                                                   limit=query.limit or 20), query, frozenset({2, 4}))


def visit_frequency(session: Session, query: ReportQuery) -> ReportResult:
    from pos_tui.services.customers import reports as customer_reports

    return _result("customers-visits", customer_reports.visit_frequency(session, query.first, query.last), query,
                   frozenset({1, 2}))


def lapsed_customers(session: Session, query: ReportQuery) -> ReportResult:
    from pos_tui.services.customers import reports as customer_reports

    return _result("customers-lapsed", customer_reports.lapsed_customers(session, query.first), query,
                   frozenset({2}))


def liability(session: Session, query: ReportQuery) -> ReportResult:
    from pos_tui.services.customers import reports as customer_reports

    return _result("customers-liability", customer_reports.liability(session), query)


def breakage(session: Session, query: ReportQuery) -> ReportResult:
    from pos_tui.services.customers import reports as customer_reports

    return _result("customers-breakage", customer_reports.breakage(session), query, frozenset({1, 2}))
