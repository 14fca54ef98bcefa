"""Sales reports over the day summaries: by period against last year, by hour, terminal, cashier and
payment method. Each reads ``report_sale_slices``, ``report_return_days`` or ``report_tender_days``
(a few dozen rows per day), never the sale lines.

Money columns: ``takings`` is what customers paid for goods, tax included (sales.total); ``returns``
the value of goods taken back (tax included); ``net`` sales net of tax after returns (= the range's
income:sales credit); ``cost`` the cost of goods sold after restocked returns (= expenses:cogs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pos_tui.domain.postings import method_of
from pos_tui.services.reports.model import (
    Cell,
    Chart,
    Column,
    Highlight,
    ReportQuery,
    ReportResult,
    per,
    ratio_bp,
)

if TYPE_CHECKING:
    from pos_tui.services.session import Session

LAST_YEAR_DAYS = 364
"""Days and weeks compare with 52 weeks earlier (the same weekday); months and seasons with the same
calendar span a year earlier."""


@dataclass
class Figures:
    """Sales and returns of a day, a cashier, a terminal...: the measures every sales report shows."""

    sales: int = 0
    items: int = 0
    takings: int = 0
    sold_net: int = 0
    sold_tax: int = 0
    sold_cost: int = 0
    returns: int = 0
    returned_value: int = 0
    returned_net: int = 0
    returned_tax: int = 0
    restocked_cost: int = 0

    @property
    def net(self) -> int:
        return self.sold_net - self.returned_net

    @property
    def tax(self) -> int:
        return self.sold_tax - self.returned_tax

    @property
    def cost(self) -> int:
        return self.sold_cost - self.restocked_cost

    @property
    def margin(self) -> int:
        return self.net - self.cost

    def add(self, other: Figures) -> None:
        for name in vars(other):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def slice_where(query: ReportQuery, day_column: str = "day",
                cashier_column: str = "cashier") -> tuple[str, list[object]]:
    clauses = [f"{day_column} BETWEEN ? AND ?"]
    params: list[object] = [query.first, query.last]
    if query.terminal:
        clauses.append("terminal = ?")
        params.append(query.terminal)
    if query.cashier:
        clauses.append(f"{cashier_column} = ?")
        params.append(query.cashier)
    return " AND ".join(clauses), params


def figures_by(session: Session, query: ReportQuery, key: str) -> dict[str, Figures]:
    """Figures per value of ``key`` ("day", "terminal" or "cashier") over the query's range."""
    conn = session.ledger.conn
    where, params = slice_where(query)
    out: dict[str, Figures] = {}
    for k, sales, items, takings, net, tax, cost in conn.execute(
        f"SELECT {key}, SUM(sales), SUM(items), SUM(gross), SUM(net), SUM(tax), SUM(cost) FROM report_sale_slices"
        f" WHERE {where} GROUP BY {key}",
        params,
    ):
        out[k] = Figures(sales, items, takings, net, tax, cost)
    for k, returns, value, net, tax, restocked in conn.execute(
        f"SELECT {key}, SUM(returns), SUM(gross), SUM(net), SUM(tax), SUM(restocked_cost) FROM report_return_days"
        f" WHERE {where} GROUP BY {key}",
        params,
    ):
        f = out.setdefault(k, Figures())
        f.returns, f.returned_value, f.returned_net, f.returned_tax = returns, value, net, tax
        f.restocked_cost = restocked
    return out


FIGURE_COLUMNS = (
    Column("sales", "Sales", "int"),
    Column("takings", "Takings", "money"),
    Column("returns", "Returns", "money"),
    Column("net", "Net sales", "money"),
    Column("tax", "Tax", "money"),
    Column("cost", "Cost", "money"),
    Column("margin", "Margin", "money"),
    Column("margin_pct", "Margin %", "bp"),
)


def figure_cells(f: Figures) -> tuple[Cell, ...]:
    return (f.sales, f.takings, f.returned_value, f.net, f.tax, f.cost, f.margin, ratio_bp(f.margin, f.net))


def figure_highlights(f: Figures) -> tuple[Highlight, ...]:
    return (
        Highlight("Net sales", "money", f.net),
        Highlight("Margin", "money", f.margin),
        Highlight("Margin %", "bp", ratio_bp(f.margin, f.net)),
        Highlight("Sales", "int", f.sales),
        Highlight("Average basket", "money", per(f.takings, f.sales)),
        Highlight("Returns", "money", f.returned_value),
    )


def _total(figures: Iterable[Figures]) -> Figures:
    total = Figures()
    for f in figures:
        total.add(f)
    return total


# --- by period, against last year ----------------------------------------------------------------

SEASONS = ("Winter", "Winter", "Spring", "Spring", "Spring", "Summer", "Summer", "Summer", "Autumn", "Autumn",
           "Autumn", "Winter")
"""Meteorological seasons by month; December opens the next year's winter."""


def _week(day: date) -> tuple[str, date]:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}", day - timedelta(days=day.weekday())


def _month(day: date) -> tuple[str, date]:
    return day.isoformat()[:7], day.replace(day=1)


def _season(day: date) -> tuple[str, date]:
    year = day.year + 1 if day.month == 12 else day.year
    name = SEASONS[day.month - 1]
    start_month = {"Winter": 12, "Spring": 3, "Summer": 6, "Autumn": 9}[name]
    start = date(year - 1 if start_month == 12 else year, start_month, 1)
    return f"{year} {name}", start


def _day(day: date) -> tuple[str, date]:
    return day.isoformat(), day


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


PERIODS: dict[str, tuple[str, Callable[[date], tuple[str, date]], Callable[[date], date]]] = {
    "day": ("Day", _day, lambda d: d - timedelta(days=LAST_YEAR_DAYS)),
    "week": ("Week", _week, lambda d: d - timedelta(days=LAST_YEAR_DAYS)),
    "month": ("Month", _month, _year_back),
    "season": ("Season", _season, _year_back),
}


def sales_by_period(session: Session, query: ReportQuery, period: str) -> ReportResult:
    label, bucket_of, back = PERIODS[period]
    first, last = query.first_day, query.last_day
    ly_first = min(back(first), first - timedelta(days=LAST_YEAR_DAYS))
    wide = ReportQuery(ly_first.isoformat(), query.last, terminal=query.terminal, cashier=query.cashier)
    by_day = figures_by(session, wide, "day")
    buckets: dict[str, tuple[date, date, Figures]] = {}
    day = first
    while day <= last:
        name, _ = bucket_of(day)
        start, _, fig = buckets.get(name, (day, day, Figures()))
        today = by_day.get(day.isoformat())
        if today is not None:
            fig.add(today)
        buckets[name] = (start, day, fig)
        day += timedelta(days=1)
    rows = []
    total_ly = 0
    for name, (start, end, fig) in buckets.items():
        ly = _net_between(by_day, back(start), back(end))
        total_ly += ly
        rows.append((name, start.isoformat(), *figure_cells(fig), ly, ratio_bp(fig.net - ly, ly)))
    total = _total(fig for _, _, fig in buckets.values())
    columns = (Column("period", label, "text"), Column("from", "From", "text"), *FIGURE_COLUMNS,
               Column("last_year", "Net last year", "money"), Column("vs_last_year", "vs last year", "bp"))
    return ReportResult(
        f"sales-by-{period}", f"Sales by {label.lower()}", query, columns, tuple(rows),
        ("Total", None, *figure_cells(total), total_ly, ratio_bp(total.net - total_ly, total_ly)),
        highlights=(*figure_highlights(total), Highlight("vs last year", "bp", ratio_bp(total.net - total_ly,
                                                                                         total_ly))),
        chart=Chart("trend", "period", "net", "last_year"),
        notes=("Last year: days and weeks against 52 weeks earlier (same weekday); months and seasons against"
               " the same dates a year earlier.",),
    )


def _net_between(by_day: dict[str, Figures], first: date, last: date) -> int:
    total, day = 0, first
    while day <= last:
        f = by_day.get(day.isoformat())
        if f is not None:
            total += f.net
        day += timedelta(days=1)
    return total


# --- by hour, terminal, cashier ------------------------------------------------------------------


def sales_by_hour(session: Session, query: ReportQuery) -> ReportResult:
    """Sales by the local hour they were rung up (returns are not by hour: they count in the totals)."""
    zone = ZoneInfo(session.ledger.store_info().timezone)
    where, params = slice_where(query)
    hours: dict[int, list[int]] = {}
    offsets: dict[int, int] = {}  # UTC hour -> the zone's offset in minutes then (it changes a few times a year)
    for quarter, sales, items, takings, net, cost in session.ledger.conn.execute(
        "SELECT quarter, SUM(sales), SUM(items), SUM(gross), SUM(net), SUM(cost) FROM report_sale_slices"
        f" WHERE {where} GROUP BY quarter",
        params,
    ):
        utc_hour = quarter // 4
        if utc_hour not in offsets:
            offset = datetime.fromtimestamp(utc_hour * 3600, UTC).astimezone(zone).utcoffset() or timedelta(0)
            offsets[utc_hour] = offset // timedelta(minutes=1)
        row = hours.setdefault((quarter * 15 + offsets[utc_hour]) // 60 % 24, [0] * 5)
        for i, value in enumerate((sales, items, takings, net, cost)):
            row[i] += value
    total = [sum(v[i] for v in hours.values()) for i in range(5)]
    rows = tuple(
        (f"{hour:02d}:00", s, items, takings, net, net - cost, per(takings, s), ratio_bp(net, total[3]))
        for hour, (s, items, takings, net, cost) in sorted(hours.items())
    )
    columns = (Column("hour", "Hour", "text"), Column("sales", "Sales", "int"), Column("items", "Items", "int"),
               Column("takings", "Takings", "money"), Column("net", "Net sales", "money"),
               Column("margin", "Margin", "money"), Column("basket", "Average basket", "money"),
               Column("share", "Share", "bp"))
    busiest = max(hours.items(), key=lambda kv: kv[1][3])[0] if hours else None
    return ReportResult(
        "sales-by-hour", "Sales by hour of day", query, columns, rows,
        ("Total", total[0], total[1], total[2], total[3], total[3] - total[4], per(total[2], total[0]),
         ratio_bp(total[3], total[3])),
        highlights=(Highlight("Sales", "int", total[0]), Highlight("Net sales", "money", total[3]),
                    Highlight("Busiest hour", "int", busiest)),
        chart=Chart("columns", "hour", "net"),
        notes=("Hours are the store's local time when the sale was rung up; returns are not counted by hour.",),
    )


def sales_by_key(session: Session, query: ReportQuery, key: str) -> ReportResult:
    label = {"terminal": "Terminal", "cashier": "Cashier"}[key]
    figures = figures_by(session, query, key)
    rows = tuple((k, *figure_cells(f)) for k, f in sorted(figures.items(), key=lambda kv: -kv[1].net))
    total = _total(figures.values())
    return ReportResult(
        f"sales-by-{key}", f"Sales by {key}", query, (Column(key, label, "text"), *FIGURE_COLUMNS), rows,
        ("Total", *figure_cells(total)), highlights=figure_highlights(total), chart=Chart("bars", key, "net"),
    )


# --- by payment method ---------------------------------------------------------------------------


def sales_by_payment(session: Session, query: ReportQuery) -> ReportResult:
    """Money taken and refunded per tender method (cash net of change), from the sales' own postings."""
    where, params = slice_where(query)
    globs = {code: m.account.replace("{terminal}", "*") for code, m in session.tender_methods.items()}
    labels = {code: m.label for code, m in session.tender_methods.items()}
    methods: dict[str, list[int]] = {}
    for account, payments, refunds, amount in session.ledger.conn.execute(
        "SELECT account, SUM(payments), SUM(refunds), SUM(amount) FROM report_tender_days"
        f" WHERE {where} GROUP BY account ORDER BY account",
        params,
    ):
        row = methods.setdefault(method_of(account, globs), [0, 0, 0])
        for i, value in enumerate((payments, refunds, amount)):
            row[i] += value
    total = sum(v[2] for v in methods.values())
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (labels.get(code, code), payments, refunds, amount, ratio_bp(amount, total))
        for code, (payments, refunds, amount) in sorted(methods.items(), key=lambda kv: -kv[1][2])
    )
    settled = _settled_liabilities(session, query)
    money_rows = rows
    rows += tuple((labels.get(code, code), payments, refunds, amount, None)
                  for code, (payments, refunds, amount) in settled.items())
    columns = (Column("method", "Method", "text"), Column("payments", "Payments", "int"),
               Column("refunds", "Refunds", "int"), Column("amount", "Net received", "money"),
               Column("share", "Share", "bp"))
    totals: tuple[Cell, ...] = ("Total", sum(v[0] for v in methods.values()), sum(v[1] for v in methods.values()),
                                total, ratio_bp(total, total))
    return ReportResult(
        "sales-by-payment", "Sales by payment method", query, columns, rows, totals,
        highlights=tuple(Highlight(str(r[0]), "money", int(r[3] or 0)) for r in money_rows[:4]),
        chart=Chart("bars", "method", "amount"),
        notes=("Net received: payments less change given, less refunds paid out (sales and returns only).",
               *(("Points, store credit and gift cards (no share) settle what the shop owed: they are not in the"
                  " total, whose money came in when they were earned, issued or sold.",) if settled else ())),
    )


def _settled_liabilities(session: Session, query: ReportQuery) -> dict[str, tuple[int, int, int]]:
    """(payments, refunds, net) per tender method that settles a liability (points, store credit, gift
    cards), from the sales' tenders and the returns' refunds: their postings are not money, so the
    money rows above never count them."""
    codes = [code for code, m in session.tender_methods.items() if m.account.startswith("liabilities:")]
    if not codes:
        return {}
    where, params = slice_where(query, cashier_column="username")
    marks = ", ".join("?" * len(codes))
    out: dict[str, tuple[int, int, int]] = {}
    for method, payments, paid, refunds, refunded in session.ledger.conn.execute(
        f"SELECT method, SUM(kind = 'sale'), SUM(CASE WHEN kind = 'sale' THEN amount ELSE 0 END),"
        f" SUM(kind = 'return'), SUM(CASE WHEN kind = 'return' THEN amount ELSE 0 END) FROM ("
        f" SELECT 'sale' AS kind, t.method, SUM(t.amount) AS amount FROM sales JOIN sale_tenders t ON t.sale_seq = seq"
        f"  WHERE {where} AND t.method IN ({marks}) GROUP BY seq, t.method"
        f" UNION ALL SELECT 'return', r.method, SUM(r.amount) FROM returns JOIN return_refunds r ON r.return_seq = seq"
        f"  WHERE {where} AND r.method IN ({marks}) GROUP BY seq, r.method)"
        f" GROUP BY method ORDER BY method",
        [*params, *codes, *params, *codes],
    ):
        out[method] = (payments, refunds, paid - refunded)
    return out
