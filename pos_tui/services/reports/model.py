"""What a report is: typed columns, rows of integers and text, grand totals, and the range it covers.

Every number in a result is an ``int`` in the unit its column's kind says: ``money`` minor units,
``qty`` thousandths, ``bp`` basis points (1234 = 12.34%), ``int`` a plain count. Screens, CSV and
JSON format them with ``format_cell``; nothing here knows about rich or Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.money import Currency, format_amount, format_quantity, round_div

if TYPE_CHECKING:
    from pos_tui.services.session import Session

ColumnKind = Literal["text", "int", "money", "qty", "bp"]
Cell = str | int | None
"""A value: text, an int in its column's unit, or None (nothing to show, e.g. a margin on no sales)."""

DEFAULT_LIMIT = 100
"""Rows an item-level report returns unless asked for more (0 = all); totals always cover every row."""

FILTERS = ("terminal", "cashier", "category", "vendor")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: ColumnKind


@dataclass(frozen=True)
class ReportQuery:
    """The range (business days, ISO dates, both inclusive) and the optional filters of a report."""

    first: str
    last: str
    terminal: str = ""
    cashier: str = ""
    category: str = ""
    vendor: str = ""
    limit: int = DEFAULT_LIMIT

    @property
    def first_day(self) -> date:
        return date.fromisoformat(self.first)

    @property
    def last_day(self) -> date:
        return date.fromisoformat(self.last)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def filters_set(self) -> list[str]:
        return [name for name in FILTERS if getattr(self, name)]

    def product_conditions(self) -> tuple[list[str], list[object]]:
        """SQL conditions on ``products p`` for the category and vendor filters set, with their parameters:
        a product counts under the catalogue's current category and vendor."""
        conditions: list[str] = []
        params: list[object] = []
        for name in ("category", "vendor"):
            if getattr(self, name):
                conditions.append(f"p.{name} = ?")
                params.append(getattr(self, name))
        return conditions, params


@dataclass(frozen=True)
class Highlight:
    """A headline figure for the summary tiles above a report."""

    label: str
    kind: ColumnKind
    value: int | None


@dataclass(frozen=True)
class Chart:
    """What picture suits the report: ``labels`` and ``values`` (and ``previous`` for a trend against
    last year) are column keys of the result."""

    kind: Literal["trend", "columns", "bars"]
    labels: str
    values: str
    previous: str = ""


@dataclass(frozen=True)
class ReportResult:
    name: str
    title: str
    query: ReportQuery
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[Cell, ...]
    """One cell per column: the grand total over every row (also rows beyond the limit); None where a
    sum means nothing (names, ratios that are not recomputed)."""
    omitted: int = 0
    """Rows left out by the query's limit."""
    highlights: tuple[Highlight, ...] = ()
    chart: Chart | None = None
    notes: tuple[str, ...] = ()
    """Sentences a reader needs: how a suggested quantity is worked out, what a measure means."""

    def index(self, key: str) -> int:
        for i, column in enumerate(self.columns):
            if column.key == key:
                return i
        raise KeyError(key)

    def column_values(self, key: str) -> list[Cell]:
        i = self.index(key)
        return [row[i] for row in self.rows]

    def total(self, key: str) -> Cell:
        return self.totals[self.index(key)]


Runner = Callable[["Session", ReportQuery], ReportResult]


@dataclass(frozen=True)
class ReportSpec:
    name: str
    """What `pos report NAME` and the F4 picker call it, e.g. "sales-by-day"."""
    title: str
    description: str
    filters: frozenset[str]
    """Which of ``FILTERS`` the report honours; asking for another is refused with a sentence."""
    run: Runner
    group: str = "Sales"
    """Where the picker files it: "Sales", "Items", "Stock", "People"."""
    ranged: bool = True
    """False for reports of the stock as it is now (valuation): the range is ignored."""


def format_cell(value: Cell, kind: ColumnKind, currency: Currency, *, symbol: bool = False) -> str:
    """A cell as people read it: "1,250.00", "2.5", "12.34%", "" for None."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if kind == "money":
        return currency.format(value, symbol=symbol)
    if kind == "qty":
        return format_quantity(value)
    if kind == "bp":
        return format_amount(value, 2) + "%"
    return f"{value:,}"


def ratio_bp(part: int, whole: int) -> int | None:
    """part / whole in basis points, rounded half up; None when ``whole`` is zero."""
    return None if whole == 0 else round_div(part * 10_000, whole)


def per(amount: int, count: int) -> int | None:
    """amount / count rounded half up (an average basket); None for no count."""
    return None if count == 0 else round_div(amount, count)


# What reading one period's product rows costs, in days of product-day rows: a day sells a fifth of
# the catalogue, a month or a year nearly all of it. ``plan_range`` picks the cheapest mix.
MONTH_COST, YEAR_COST = 5, 6


@dataclass(frozen=True)
class Term:
    """Rows of one summary table to add (``sign`` 1) or take away (-1): ``level`` "day", "month" or
    "year", keys ``first``..``last`` inclusive ("2025-06-01", "2025-06" or "2025")."""

    sign: int
    level: Literal["day", "month", "year"]
    first: str
    last: str


def plan_range(first: date, last: date, held: tuple[date, date] | None) -> tuple[Term, ...]:
    """The product summaries to read for the days ``first``..``last``. Each calendar year is read as
    its whole months and ragged days, or as the year less what lies outside the range, whichever reads
    fewer rows; a partial month likewise as its days or as the month less the other days. ``held``:
    the first and last day with any rows (nothing outside it needs reading or subtracting)."""
    if held is None:
        return ()
    terms: list[Term] = []
    for year in range(first.year, last.year + 1):
        start, end = max(first, date(year, 1, 1)), min(last, date(year, 12, 31))
        direct = _months_and_days(start, end, held)
        outside = [*_months_and_days(date(year, 1, 1), start - timedelta(days=1), held),
                   *_months_and_days(end + timedelta(days=1), date(year, 12, 31), held)]
        via_year = [Term(1, "year", str(year), str(year)), *(Term(-t.sign, t.level, t.first, t.last) for t in outside)]
        if _overlaps(date(year, 1, 1), date(year, 12, 31), held):
            terms += via_year if _cost(via_year, held) < _cost(direct, held) else direct
    return tuple(terms)


def _overlaps(first: date, last: date, held: tuple[date, date]) -> bool:
    return first <= held[1] and last >= held[0]


def _cost(terms: Sequence[Term], held: tuple[date, date]) -> int:
    cost = 0
    for t in terms:
        if t.level == "year":
            cost += YEAR_COST
        elif t.level == "month":
            cost += MONTH_COST * (_months_between(t.first, t.last) + 1)
        else:
            a, b = max(date.fromisoformat(t.first), held[0]), min(date.fromisoformat(t.last), held[1])
            cost += max(0, (b - a).days + 1)
    return cost


def _months_between(first: str, last: str) -> int:
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7])


def _months_and_days(first: date, last: date, held: tuple[date, date]) -> list[Term]:
    """Terms for ``first``..``last`` (within one year) from months and days only, clipped to ``held``."""
    first, last = max(first, held[0]), min(last, held[1])
    if first > last:
        return []
    terms: list[Term] = []
    start = first if first.day == 1 else _next_month(first)
    end_next = _next_month(last) if (last + timedelta(days=1)).day == 1 else last.replace(day=1)
    if start < end_next:
        terms.append(Term(1, "month", start.isoformat()[:7], (end_next - timedelta(days=1)).isoformat()[:7]))
        if first < start:
            terms += _partial_month(first, start - timedelta(days=1), held)
        if end_next <= last:
            terms += _partial_month(end_next, last, held)
    elif first.month == last.month:
        terms += _partial_month(first, last, held)
    else:
        terms += _partial_month(first, _next_month(first) - timedelta(days=1), held)
        terms += _partial_month(last.replace(day=1), last, held)
    return terms


def _partial_month(first: date, last: date, held: tuple[date, date]) -> list[Term]:
    """Days ``first``..``last`` of one month: as they are, or as the month less the days outside."""
    direct = [Term(1, "day", first.isoformat(), last.isoformat())]
    month_first, month_last = first.replace(day=1), _next_month(first) - timedelta(days=1)
    outside = [(max(a, held[0]), min(b, held[1])) for a, b in ((month_first, first - timedelta(days=1)),
                                                               (last + timedelta(days=1), month_last))]
    via_month = [Term(1, "month", first.isoformat()[:7], first.isoformat()[:7]),
                 *(Term(-1, "day", a.isoformat(), b.isoformat()) for a, b in outside if a <= b)]
    return via_month if _cost(via_month, held) < _cost(direct, held) else direct


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def check_query(query: ReportQuery, allowed: frozenset[str], name: str) -> None:
    for day in (query.first, query.last):
        try:
            date.fromisoformat(day)
        except ValueError:
            raise InvalidInput(f"{day!r} is not a day.", "Give days as YYYY-MM-DD, e.g. 2025-06-01.") from None
    if query.first > query.last:
        raise InvalidInput(f"The range {query.first} to {query.last} ends before it starts.",
                           "Swap --from and --to.")
    if query.limit < 0:
        raise InvalidInput("The row limit cannot be negative.", "Use 0 for every row, or e.g. 100.")
    refused = [f for f in query.filters_set() if f not in allowed]
    if refused:
        offered = ", ".join(f"--{f}" for f in FILTERS if f in allowed) or "no filters"
        raise InvalidInput(f"The {name} report cannot be filtered by {', '.join(refused)}.",
                           f"It takes {offered}.")


def sum_columns(rows: Sequence[Sequence[Cell]], columns: Sequence[Column], summed: Sequence[str]) -> list[Cell]:
    """Totals of the ``summed`` columns over ``rows`` (others None)."""
    out: list[Cell] = []
    for i, column in enumerate(columns):
        if column.key in summed:
            out.append(sum(int(row[i] or 0) for row in rows))
        else:
            out.append(None)
    return out


def split_window(found: Sequence[Sequence[Any]], width: int) -> tuple[list[tuple[Any, ...]], list[int]]:
    """Query rows whose last ``width`` columns are window totals (``SUM(x) OVER ()``, equal on every
    row): the rows without them, and the totals (zeros when nothing matched)."""
    if not found:
        return [], [0] * width
    return [tuple(row[:-width]) for row in found], [int(v or 0) for v in found[0][-width:]]
