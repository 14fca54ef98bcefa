"""The managers' reports: one registry, one way to run them, typed results. The API for the CLI and F4.

    from pos_tui.services.reports import registry
    registry.REPORTS                      # name -> ReportSpec(name, title, description, filters, run, group, ranged)
    registry.report_names()               # ["sales-by-day", ...] in picker order
    query = reports.ReportQuery("2025-06-01", "2025-06-30", cashier="ali", limit=100)
    result = reports.run_report(session, "sales-by-item", query)   # InvalidInput for a bad name/range/filter
    result.columns                       # (Column(key, label, kind), ...) kind: text | int | money | qty | bp
    result.rows                          # tuples of cells: str, int (in the column's unit) or None
    result.totals                        # one cell per column, over every row (also those beyond the limit)
    result.omitted                       # rows left out by query.limit (item reports; 0 = no limit)
    result.highlights                    # (Highlight(label, kind, value), ...) for the bento tiles
    result.chart                         # Chart(kind "trend"|"columns"|"bars", labels=key, values=key, previous=key)
    result.notes                         # sentences: formulas and definitions the reader needs
    registry.format_cell(value, kind, session.currency)   # "1,250.00", "2.5", "12.34%"
    registry.default_range(session, last=None)  # (first, last): 1st of the month of last (default today)
    registry.rows_as_records(result, currency)  # dicts: key -> int (minor units...), key_text -> formatted
    registry.write_csv(result, currency, out)   # every row and the totals row; write_json: one document

Units: money in minor units, qty in thousandths, bp in basis points (1234 = 12.34%). Every report
reads the summary projections (ledger/projections/reports.py) or current stock, never sale lines, so
each answers in well under 300 ms over a year of 1,000,000 sales.

Filters (``ReportQuery``): ``terminal`` and ``cashier`` for sales, hour, payment and people reports;
``category`` and ``vendor`` for item, group and stock reports. A filter a report cannot honour is
refused with a sentence (``InvalidInput``), never silently ignored.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

from pos_tui.domain.errors import InvalidInput
from pos_tui.services.reports import customers, items, people, restaurant, sales, stock
from pos_tui.services.reports.model import (
    DEFAULT_LIMIT,
    FILTERS,
    Cell,
    Chart,
    Column,
    ColumnKind,
    Highlight,
    ReportQuery,
    ReportResult,
    ReportSpec,
    check_query,
    format_cell,
)

if TYPE_CHECKING:
    from pos_tui.domain.money import Currency
    from pos_tui.services.session import Session

__all__ = [
    "DEFAULT_LIMIT", "FILTERS", "REPORTS", "Cell", "Chart", "Column", "ColumnKind", "Highlight", "ReportQuery",
    "ReportResult", "ReportSpec", "default_range", "format_cell", "report_names", "rows_as_records", "run_report",
    "write_csv", "write_json",
]

_SALES = frozenset({"terminal", "cashier"})
_ITEMS = frozenset({"category", "vendor"})


def _spec(name: str, title: str, description: str, filters: frozenset[str], run: Any, group: str,
          ranged: bool = True) -> ReportSpec:
    return ReportSpec(name, title, description, filters, run, group, ranged)


def _period(period: str) -> Any:
    return lambda session, query: sales.sales_by_period(session, query, period)


def _items(name: str) -> Any:
    return lambda session, query: items.items_report(session, query, name)


def _groups(name: str) -> Any:
    return lambda session, query: items.groups_report(session, query, name)


_SPECS = (
    _spec("sales-by-day", "Sales by day", "Each day's sales, returns, margin, and the same weekday last year.",
          _SALES, _period("day"), "Sales"),
    _spec("sales-by-week", "Sales by week", "ISO weeks against the same weeks last year.", _SALES, _period("week"),
          "Sales"),
    _spec("sales-by-month", "Sales by month", "Calendar months against the same months last year.", _SALES,
          _period("month"), "Sales"),
    _spec("sales-by-season", "Sales by season", "Winter, spring, summer, autumn against last year.", _SALES,
          _period("season"), "Sales"),
    _spec("sales-by-hour", "Sales by hour", "Sales by local hour of day: when the counter is busy.", _SALES,
          sales.sales_by_hour, "Sales"),
    _spec("sales-by-payment", "Sales by payment method", "Cash (net of change), card, wallet... taken and refunded.",
          _SALES, sales.sales_by_payment, "Sales"),
    _spec("sales-by-terminal", "Sales by terminal", "Each till's sales, returns and margin.", _SALES,
          lambda s, q: sales.sales_by_key(s, q, "terminal"), "Sales"),
    _spec("sales-by-cashier", "Sales by cashier", "Each cashier's sales, returns and margin.", _SALES,
          lambda s, q: sales.sales_by_key(s, q, "cashier"), "Sales"),
    _spec("sales-by-item", "Sales by item", "Items by net sales, with quantity, returns and margin.", _ITEMS,
          _items("sales-by-item"), "Items"),
    _spec("sales-by-category", "Sales by category", "Categories by net sales, with margin and share.", _ITEMS,
          _groups("sales-by-category"), "Items"),
    _spec("sales-by-vendor", "Sales by vendor", "Vendors (brands) by net sales, with margin and share.", _ITEMS,
          _groups("sales-by-vendor"), "Items"),
    _spec("top-movers", "Top movers", "Items that sold the most units.", _ITEMS, _items("top-movers"), "Items"),
    _spec("slow-movers", "Slow movers", "Items in stock that sold least (or nothing).", _ITEMS,
          items.slow_movers, "Items"),
    _spec("margin-by-item", "Gross margin by item", "Items by margin (net sales less cost).", _ITEMS,
          _items("margin-by-item"), "Items"),
    _spec("margin-by-category", "Gross margin by category", "Categories by margin.", _ITEMS,
          _groups("margin-by-category"), "Items"),
    _spec("stock-valuation", "Inventory valuation", "Stock on hand at cost and at retail, by category (now).",
          _ITEMS, stock.valuation, "Stock", ranged=False),
    _spec("sell-through", "Sell-through and days of cover", "Sold vs stock left, and how many days it lasts.",
          _ITEMS, stock.sell_through, "Stock"),
    _spec("reorder", "Reorder", "Items under their reorder level, by vendor and category, with a quantity to order.",
          _ITEMS, stock.reorder, "Stock"),
    _spec("returns-by-reason", "Returns by reason", "Returns and voids by reason: value and cost lost.", _SALES,
          people.returns_by_reason, "People"),
    _spec("exceptions-by-cashier", "Discounts, voids and overrides", "Per cashier: discounts given, price "
          "overrides, approvals, voids and returns.", _SALES, people.exceptions_by_cashier, "People"),
    _spec("employee-performance", "Employee performance", "Per cashier: sales, basket, items per sale, sales per "
          "active hour.", _SALES, people.employee_performance, "People"),
    _spec("customers-top", "Top customers", "Customers who spent most in the range, with visits and points.",
          frozenset(), customers.top_customers, "Customers"),
    _spec("customers-visits", "Visit frequency", "How many customers came once, a few times, often.", frozenset(),
          customers.visit_frequency, "Customers"),
    _spec("customers-lapsed", "Lapsed customers", "Customers not seen since the start of the range, most valuable "
          "first.", frozenset(), customers.lapsed_customers, "Customers"),
    _spec("customers-liability", "Points and store credit owed", "What customers hold, beside the liability "
          "accounts (they agree).", frozenset(), customers.liability, "Customers", ranged=False),
    _spec("customers-breakage", "Points expired", "Each expiry run: customers, points and their value (breakage).",
          frozenset(), customers.breakage, "Customers", ranged=False),
    _spec("restaurant-by-table", "Sales by table", "Each table's bills, covers, sales, average per cover and tips.",
          frozenset(), restaurant.by_table, "Restaurant"),
    _spec("restaurant-by-waiter", "Sales by waiter", "Each waiter's bills, covers, sales, average per cover and "
          "tips.", frozenset(), restaurant.by_waiter, "Restaurant"),
    _spec("restaurant-by-course", "Sales by course", "What the bills took for each course.", frozenset(),
          restaurant.by_course, "Restaurant"),
    _spec("restaurant-by-category", "Sales by category (floor)", "What the bills took for each menu category.",
          frozenset(), restaurant.by_category, "Restaurant"),
    _spec("restaurant-covers", "Covers and average per cover", "Each day's bills, guests, sales, average per "
          "cover and tips.", frozenset(), restaurant.covers_by_day, "Restaurant"),
    _spec("kitchen-tickets", "Kitchen ticket log", "Every ticket sent to a station: time, table, waiter, lines, "
          "VOIDs.", frozenset(), restaurant.kitchen_tickets, "Restaurant"),
)

REPORTS: dict[str, ReportSpec] = {spec.name: spec for spec in _SPECS}


def report_names() -> list[str]:
    return list(REPORTS)


def run_report(session: Session, name: str, query: ReportQuery) -> ReportResult:
    spec = REPORTS.get(name)
    if spec is None:
        raise InvalidInput(f"There is no report {name!r}.", "See `pos report list` for the names.")
    check_query(query, spec.filters, name)
    return spec.run(session, query)


def span_of(result: ReportResult) -> str:
    """The period a report covers, in words for its title: "stock as it is now" for a report that
    reads stock as it stands (whatever range was asked), else the day or "first – last"."""
    query = result.query
    if not REPORTS[result.name].ranged:
        return "stock as it is now"
    return query.first if query.first == query.last else f"{query.first} – {query.last}"


def default_range(session: Session, last: str | None = None) -> tuple[str, str]:
    """From the first of the month of ``last`` (default: today, the business day) to ``last``."""
    from pos_tui.ledger.journal import business_day

    # daybook.today(session), without importing the daybook and the cash and selling services behind it
    # (about a sixth of a report command's start)
    info = session.ledger.store_info()
    last = last or business_day(session.clock(), info.timezone, info.day_starts_at_hour)
    try:
        return date.fromisoformat(last).replace(day=1).isoformat(), last
    except ValueError:
        raise InvalidInput(f"{last!r} is not a day.", "Give days as YYYY-MM-DD, e.g. 2025-06-30.") from None


def rows_as_records(result: ReportResult, currency: Currency, *, totals: bool = True) -> list[dict[str, Cell]]:
    """Rows (and the totals row, marked ``"row": "total"``) as dicts for CSV and JSON: each numeric column
    as its int (minor units, thousandths, basis points) and ``<key>_text`` formatted."""
    records = []
    body = [("row", r) for r in result.rows] + ([("total", result.totals)] if totals else [])
    for kind, row in body:
        record: dict[str, Cell] = {"row": kind}
        for column, value in zip(result.columns, row, strict=True):
            record[column.key] = value
            if column.kind != "text":
                record[f"{column.key}_text"] = format_cell(value, column.kind, currency)
        records.append(record)
    return records


def write_csv(result: ReportResult, currency: Currency, out: TextIO) -> None:
    """Every row and the totals row as CSV (see ``rows_as_records``); open ``out`` with newline=""."""
    records = rows_as_records(result, currency)
    writer = csv.DictWriter(out, fieldnames=list(records[0]) if records else ["row"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)


def write_json(result: ReportResult, currency: Currency, out: TextIO) -> None:
    """The report as one JSON document: range, filters, currency, columns, rows, totals, highlights, notes."""
    records = rows_as_records(result, currency)
    query = result.query
    document = {
        "report": result.name,
        "title": result.title,
        "from": query.first,
        "to": query.last,
        "filters": {f: getattr(query, f) for f in query.filters_set()},
        "currency": {"code": currency.code, "exponent": currency.exponent},
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in result.columns],
        "rows": records[:-1],
        "totals": records[-1],
        "omitted": result.omitted,
        "highlights": [{"label": h.label, "kind": h.kind, "value": h.value,
                        "text": format_cell(h.value, h.kind, currency)} for h in result.highlights],
        "notes": list(result.notes),
    }
    json.dump(document, out, ensure_ascii=False, indent=2)
    out.write("\n")
