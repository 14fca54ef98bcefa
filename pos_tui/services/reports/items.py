"""Item and group reports: sales by item, category and vendor, top and slow movers, margins.

Item reports read the product summaries by year, month and day in the cheapest mix that adds up to
the range (``report_model.plan_range``), aggregate in SQL, and return the
first ``limit`` rows in the report's order with totals over every row (window sums in the same
query). Category and vendor reports read ``report_group_days`` (a product counts under the category
and vendor it had when it was sold); item reports filter by the catalogue's current category/vendor.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pos_tui.services.reports.model import (
    Cell,
    Chart,
    Column,
    Highlight,
    ReportQuery,
    ReportResult,
    plan_range,
    ratio_bp,
    split_window,
)

if TYPE_CHECKING:
    from pos_tui.services.session import Session

_MEASURES = ("quantity", "returned", "lines", "net", "tax", "gross", "cost")


def _product_filter(query: ReportQuery) -> tuple[str, list[object]]:
    conditions, params = query.product_conditions()
    if not conditions:
        return "", []
    return f" AND product_id IN (SELECT product_id FROM products p WHERE {' AND '.join(conditions)})", params


_TABLES = {"day": ("report_product_days", "day"), "month": ("report_product_months", "month"),
           "year": ("report_product_years", "year")}


def held_days(session: Session) -> tuple[date, date] | None:
    """The first and last day with product summaries (two index seeks: one MIN and one MAX each)."""
    conn = session.ledger.conn
    (low,) = conn.execute("SELECT MIN(day) FROM report_product_days").fetchone()
    (high,) = conn.execute("SELECT MAX(day) FROM report_product_days").fetchone()
    return (date.fromisoformat(low), date.fromisoformat(high)) if low else None


def product_sums(session: Session, query: ReportQuery) -> tuple[str, list[object]]:
    """SQL of ``(product_id, quantity, returned, lines, net, tax, gross, cost)`` per product sold or
    returned in the range, from the cheapest mix of year, month and day summaries (``plan_range``)."""
    where, filter_params = _product_filter(query)
    parts: list[str] = []
    params: list[object] = []
    for term in plan_range(query.first_day, query.last_day, held_days(session)):
        table, key = _TABLES[term.level]
        sign = "" if term.sign > 0 else "-"
        columns = ", ".join(f"{sign}{m}" for m in _MEASURES)
        parts.append(f"SELECT product_id, {columns} FROM {table} WHERE {key} BETWEEN ? AND ?{where}")
        params += [term.first, term.last, *filter_params]
    if not parts:  # nothing sold yet: an empty set of the same shape
        parts.append(f"SELECT product_id, {', '.join(_MEASURES)} FROM report_product_days WHERE 0")
    sums = ", ".join(f"SUM({m}) AS {m}" for m in _MEASURES)
    # A product is in the range when it had a sold line or a return on one of its days (both counts are
    # never negative); a period less its outside days can leave products whose sales were all outside.
    return (f"SELECT product_id, {sums} FROM ({' UNION ALL '.join(parts)}) GROUP BY product_id"
            " HAVING SUM(lines) + SUM(returned) > 0", params)


def _limit(query: ReportQuery) -> str:
    return f" LIMIT {int(query.limit)}" if query.limit else ""


ITEM_COLUMNS = (
    Column("sku", "SKU", "text"),
    Column("name", "Name", "text"),
    Column("category", "Category", "text"),
    Column("quantity", "Quantity", "qty"),
    Column("returned", "Returned", "qty"),
    Column("net", "Net sales", "money"),
    Column("tax", "Tax", "money"),
    Column("cost", "Cost", "money"),
    Column("margin", "Margin", "money"),
    Column("margin_pct", "Margin %", "bp"),
)
_ORDERS = {
    "sales-by-item": ("g.net DESC, g.product_id", "Sales by item", "net"),
    "top-movers": ("g.quantity DESC, g.net DESC, g.product_id", "Top movers", "quantity"),
    "margin-by-item": ("g.net - g.cost DESC, g.product_id", "Gross margin by item", "margin"),
}


def items_report(session: Session, query: ReportQuery, name: str) -> ReportResult:
    order, title, charted = _ORDERS[name]
    sums, params = product_sums(session, query)
    window = ", ".join(f"SUM(g.{m}) OVER ()" for m in ("quantity", "returned", "net", "tax", "cost"))
    found, (count, *totals) = split_window(session.ledger.conn.execute(
        f"SELECT p.sku, p.name, p.category, g.quantity, g.returned, g.net, g.tax, g.cost, COUNT(*) OVER (), {window}"
        f" FROM ({sums}) g JOIN products p USING (product_id) ORDER BY {order}{_limit(query)}",
        params,
    ).fetchall(), 6)
    rows: list[tuple[Cell, ...]] = [
        (sku, item, category, quantity, returned, net, tax, cost, net - cost, ratio_bp(net - cost, net))
        for sku, item, category, quantity, returned, net, tax, cost in found
    ]
    quantity, returned, net, tax, cost = totals
    notes = ["Top movers: most units sold (kilograms for weighed goods), net of returns."] if name == "top-movers" \
        else []
    return ReportResult(
        name, title, query, ITEM_COLUMNS, tuple(rows),
        ("Total", None, None, quantity, returned, net, tax, cost, net - cost, ratio_bp(net - cost, net)),
        omitted=count - len(rows),
        highlights=(Highlight("Items sold", "int", count), Highlight("Net sales", "money", net),
                    Highlight("Margin", "money", net - cost), Highlight("Margin %", "bp", ratio_bp(net - cost, net))),
        chart=Chart("bars", "name", charted),
        notes=tuple(notes),
    )


def slow_movers(session: Session, query: ReportQuery) -> ReportResult:
    """Products with stock on hand that sold least in the range (nothing at all first), the most money
    tied up in stock first among equals."""
    sums, params = product_sums(session, query)
    catalogue, filter_params = query.product_conditions()
    conditions = ["s.on_hand > 0", *catalogue]
    stock_value = "(s.on_hand * p.cost + 500) / 1000"
    found, (count, total_on_hand, total_value, total_quantity, total_net) = split_window(session.ledger.conn.execute(
        f"SELECT p.sku, p.name, p.category, COALESCE(g.quantity, 0), COALESCE(g.net, 0), s.on_hand, {stock_value},"
        f" COUNT(*) OVER (), SUM(s.on_hand) OVER (), SUM({stock_value}) OVER (),"
        " SUM(COALESCE(g.quantity, 0)) OVER (), SUM(COALESCE(g.net, 0)) OVER ()"
        f" FROM products p JOIN stock s USING (product_id) LEFT JOIN ({sums}) g USING (product_id)"
        f" WHERE {' AND '.join(conditions)}"
        f" ORDER BY COALESCE(g.quantity, 0), {stock_value} DESC, p.product_id{_limit(query)}",
        [*params, *filter_params],
    ).fetchall(), 5)
    rows: list[tuple[Cell, ...]] = found
    columns = (Column("sku", "SKU", "text"), Column("name", "Name", "text"), Column("category", "Category", "text"),
               Column("quantity", "Sold", "qty"), Column("net", "Net sales", "money"),
               Column("on_hand", "On hand", "qty"), Column("stock_cost", "Stock at cost", "money"))
    unsold = sum(1 for r in rows if r[3] == 0)
    return ReportResult(
        "slow-movers", "Slow movers", query, columns, tuple(rows),
        ("Total", None, None, total_quantity, total_net, total_on_hand, total_value),
        omitted=count - len(rows),
        highlights=(Highlight("Items in stock", "int", count), Highlight("Stock at cost", "money", total_value),
                    Highlight("Unsold among shown", "int", unsold)),
        chart=Chart("bars", "name", "stock_cost"),
        notes=("Items with stock on hand, least sold in the range first; among equals, most money tied up first.",),
    )


# --- categories and vendors ----------------------------------------------------------------------

GROUP_COLUMNS = (
    Column("lines", "Lines sold", "int"),
    Column("returned_lines", "Lines returned", "int"),
    Column("net", "Net sales", "money"),
    Column("tax", "Tax", "money"),
    Column("gross", "Takings", "money"),
    Column("cost", "Cost", "money"),
    Column("margin", "Margin", "money"),
    Column("margin_pct", "Margin %", "bp"),
    Column("share", "Share", "bp"),
)


def groups_report(session: Session, query: ReportQuery, name: str) -> ReportResult:
    key, title, order = {
        "sales-by-category": ("category", "Sales by category", "net"),
        "sales-by-vendor": ("vendor", "Sales by vendor", "net"),
        "margin-by-category": ("category", "Gross margin by category", "margin"),
    }[name]
    clauses, params = ["day BETWEEN ? AND ?"], [query.first, query.last]
    for f in ("category", "vendor"):
        if getattr(query, f):
            clauses.append(f"{f} = ?")
            params.append(getattr(query, f))
    found = session.ledger.conn.execute(
        f"SELECT {key}, SUM(lines), SUM(returned_lines), SUM(net), SUM(tax), SUM(gross), SUM(cost)"
        f" FROM report_group_days WHERE {' AND '.join(clauses)} GROUP BY {key}",
        params,
    ).fetchall()
    sums = [sum(r[i] for r in found) for i in range(1, 7)]
    all_net = sums[2]

    def cells(label: str, lines: int, returned: int, net: int, tax: int, gross: int, cost: int) -> tuple[Cell, ...]:
        return (label, lines, returned, net, tax, gross, cost, net - cost, ratio_bp(net - cost, net),
                ratio_bp(net, all_net))

    rows = [cells(*r) for r in found]
    rows.sort(key=lambda r: (-int(r[3 if order == "net" else 7] or 0), str(r[0])))
    margin = sums[2] - sums[5]
    return ReportResult(
        name, title, query, (Column(key, key.title(), "text"), *GROUP_COLUMNS), tuple(rows), cells("Total", *sums),
        highlights=(Highlight("Net sales", "money", sums[2]), Highlight("Margin", "money", margin),
                    Highlight("Margin %", "bp", ratio_bp(margin, sums[2])),
                    Highlight({"category": "Categories", "vendor": "Vendors"}[key], "int", len(rows))),
        chart=Chart("bars", key, "net" if order == "net" else "margin"),
        notes=(f"Each line counts under the {key} its product had when it was sold or returned.",),
    )
