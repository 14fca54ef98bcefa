"""Item and group reports: sales by item, category and vendor, top and slow movers, margins.

Item reports read the product summaries by year, month and day in the cheapest mix that adds up to
the range (``report_model.plan_range``), aggregate in SQL, and return the
first ``limit`` rows in the report's order with totals over every row (window sums in the same
query). A range that covers every day held (a year of a store a year old) reads each product's sums
since the first day instead (``report_product_totals``, db/0017, kept by trigger with the day rows):
without a category or vendor filter the page is a walk down the index of the report's order and the
totals one row, so the report costs the page, not the products that moved.

Category and vendor reports read ``report_group_days`` (a product counts under the category and
vendor it had when it was sold); item reports filter by the catalogue's current category/vendor.
"""

from __future__ import annotations

import sqlite3
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


def covers_history(session: Session, query: ReportQuery) -> bool:
    """Whether the range holds every day with product summaries (or there are none): then each
    product's sums over the range are its sums since the first day, kept in ``report_product_totals``
    (db/0017) in the same statement as the day rows, so never stale."""
    held = held_days(session)
    return held is None or (query.first_day <= held[0] and query.last_day >= held[1])


_SINCE_FIRST_DAY = f"SELECT product_id, {', '.join(_MEASURES)} FROM report_product_totals WHERE lines + returned > 0"


def product_sums(session: Session, query: ReportQuery) -> tuple[str, list[object]]:
    """SQL of ``(product_id, quantity, returned, lines, net, tax, gross, cost)`` per product sold or
    returned in the range: one row per product from ``report_product_totals`` when the range covers
    every day held, else from the cheapest mix of year, month and day summaries (``plan_range``)."""
    where, filter_params = _product_filter(query)
    if covers_history(session, query):
        return _SINCE_FIRST_DAY + where, filter_params
    parts: list[str] = []
    params: list[object] = []
    for term in plan_range(query.first_day, query.last_day, held_days(session)):
        table, key = _TABLES[term.level]
        sign = "" if term.sign > 0 else "-"
        columns = ", ".join(f"{sign}{m}" for m in _MEASURES)
        parts.append(f"SELECT product_id, {columns} FROM {table} WHERE {key} BETWEEN ? AND ?{where}")
        params += [term.first, term.last, *filter_params]
        if term.level != "day":
            # A month or year row holds the days before the open day (db/0018); the open day, if it lies
            # inside, is read from the days in this same statement, so the figures are never a day behind.
            parts.append(f"SELECT product_id, {columns} FROM report_product_days WHERE day BETWEEN ? AND ?"
                         f" AND day >= (SELECT open_day FROM report_rollup){where}")
            params += [f"{term.first}-01" if term.level == "month" else f"{term.first}-01-01",
                       f"{term.last}-31" if term.level == "month" else f"{term.last}-12-31", *filter_params]
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
    if not query.product_conditions()[0] and covers_history(session, query):
        found, (count, *totals) = _items_since_first_day(session, query, order)
    else:
        sums, params = product_sums(session, query)
        # The page is sorted out of the sums first (a top-N sort) and only its rows are looked up in the
        # catalogue; the totals over every row are one pass over the materialized sums.
        totals_sql = ", ".join(f"SUM({m})" for m in ("quantity", "returned", "net", "tax", "cost"))
        found, (count, *totals) = split_window(session.ledger.conn.execute(
            f"WITH g AS MATERIALIZED ({sums}), t AS (SELECT COUNT(*), {totals_sql} FROM g)"
            " SELECT p.sku, p.name, p.category, g.quantity, g.returned, g.net, g.tax, g.cost, t.*"
            f" FROM (SELECT * FROM g ORDER BY {order}{_limit(query)}) g JOIN products p USING (product_id)"
            f" CROSS JOIN t ORDER BY {order}",
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


def _items_since_first_day(session: Session, query: ReportQuery,
                           order: str) -> tuple[list[tuple[Cell, ...]], list[int]]:
    """An item report's page and totals over every day held, without a category or vendor filter:
    the page is a walk of ``report_product_totals`` down the index of the report's order, stopped after
    the page; the totals are ``report_item_totals``'s one row. Neither reads a product off the page."""
    conn = session.ledger.conn
    found = conn.execute(
        "SELECT p.sku, p.name, p.category, g.quantity, g.returned, g.net, g.tax, g.cost"
        f" FROM (SELECT * FROM report_product_totals g WHERE g.lines + g.returned > 0 ORDER BY {order}{_limit(query)})"
        f" g JOIN products p USING (product_id) ORDER BY {order}"
    ).fetchall()
    count, quantity, returned, net, tax, cost = conn.execute(
        "SELECT products, quantity, returned, net, tax, cost FROM report_item_totals"
    ).fetchone()
    return [tuple(row) for row in found], [count, quantity, returned, net, tax, cost]


def slow_movers(session: Session, query: ReportQuery) -> ReportResult:
    """Products with stock on hand that sold least in the range (nothing at all first), the most money
    tied up in stock first among equals.

    What did not move is never read product by product: its totals come from the stock totals per
    category x vendor and its rows from ``stock_ranks`` (in-stock products by stock at cost, db/0012),
    walked until a page is found, skipping the products that moved. So the cost follows the products
    sold or returned in the range and the page, not the catalogue."""
    sums, params = product_sums(session, query)
    catalogue, filter_params = query.product_conditions()
    conn = session.ledger.conn
    where, group_params = _group_filter(query)
    count, total_on_hand, total_value = conn.execute(
        f"SELECT COALESCE(SUM(in_stock), 0), COALESCE(SUM(on_hand), 0), COALESCE(SUM(at_cost), 0)"
        f" FROM stock_groups{where}",
        group_params,
    ).fetchone()
    if not catalogue and covers_history(session, query):
        found = _slow_rows_since_first_day(conn, query.limit, count)
    else:
        found = _slow_rows(conn, sums, params, catalogue, filter_params, query.limit, count)
    total_quantity, total_net = (found[0][7], found[0][8]) if found else (0, 0)
    rows: list[tuple[Cell, ...]] = [row[:7] for row in found]
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


def _group_filter(query: ReportQuery) -> tuple[str, list[object]]:
    conditions, params = query.product_conditions()
    conditions = [condition.removeprefix("p.") for condition in conditions]
    return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), params


_STOCK_VALUE = "(s.on_hand * p.cost + 500) / 1000"


def _slow_rows(conn: sqlite3.Connection, sums: str, params: list[object], catalogue: list[str],
               filter_params: list[object], limit: int | None, in_stock: int) -> list[tuple[Cell, ...]]:
    """The page of slow movers and, on each row, the quantity and net of every in-stock product that
    moved: the products sold or returned in the range (``sums``) in their order, merged with those that
    sold nothing, read from ``stock_ranks`` most valuable first and no further than the page needs.

    Products that sold (quantity above zero) come after every unsold one, so their stock value (a
    catalogue lookup each) is needed only when the in-stock products that did not sell cannot fill
    the page."""
    page = f" LIMIT {int(limit)}" if limit else ""
    filters = "".join(f" AND {condition}" for condition in catalogue)
    sold_needed = f"{int(in_stock)} - (SELECT sold FROM t) < {int(limit)}" if limit else "1"
    return conn.execute(
        f"WITH g AS MATERIALIZED ({sums}),"
        " m AS MATERIALIZED (SELECT g.product_id, g.quantity, g.net FROM g JOIN stock s ON s.product_id = g.product_id"
        + (" JOIN products p ON p.product_id = g.product_id" if catalogue else "")
        + f"  WHERE s.on_hand > 0{filters}),"
        " t AS MATERIALIZED (SELECT COALESCE(SUM(quantity), 0) AS quantity, COALESCE(SUM(net), 0) AS net,"
        "  COALESCE(SUM(quantity > 0), 0) AS sold FROM m),"
        f" moved AS (SELECT m.product_id, m.quantity, m.net, {_STOCK_VALUE} AS value FROM m"
        "  JOIN stock s ON s.product_id = m.product_id JOIN products p ON p.product_id = m.product_id"
        f"  WHERE m.quantity <= 0 OR {sold_needed})"
        " SELECT p.sku, p.name, p.category, x.quantity, x.net, s.on_hand, x.value, t.quantity, t.net"
        " FROM (SELECT * FROM (SELECT * FROM moved UNION ALL SELECT * FROM ("
        "  SELECT r.product_id, 0, 0, r.value FROM stock_ranks r"
        + (" JOIN products p ON p.product_id = r.product_id" if catalogue else "")
        + f"  WHERE r.product_id NOT IN (SELECT product_id FROM g){filters} ORDER BY r.value DESC, r.product_id{page})"
        f" ) ORDER BY 2, 4 DESC, 1{page}) x"  # the page first; only its rows are looked up below
        " JOIN products p ON p.product_id = x.product_id JOIN stock s ON s.product_id = x.product_id CROSS JOIN t"
        " ORDER BY x.quantity, x.value DESC, x.product_id",
        [*params, *filter_params, *filter_params],
    ).fetchall()


def _slow_rows_since_first_day(conn: sqlite3.Connection, limit: int | None, in_stock: int) -> list[tuple[Cell, ...]]:
    """``_slow_rows`` over every day held, without a category or vendor filter, reading no product off
    the page but those with stock on hand and no more sold than came back (few): the in-stock products'
    quantity and net are the totals of every product that moved (``report_item_totals``) less those of
    the products with no stock on hand (a partial index holds them); the page merges the products that
    moved and sold nothing net (``report_product_totals`` walked up its quantity index to zero) with the
    in-stock products that never moved (``stock_ranks``, most valuable first, skipping a product with a
    row in the totals by its primary key)."""
    quantity, net, sold = conn.execute(
        "SELECT t.quantity - COALESCE(SUM(g.quantity), 0), t.net - COALESCE(SUM(g.net), 0),"
        " t.sold - COALESCE(SUM(g.quantity > 0), 0)"
        " FROM report_item_totals t LEFT JOIN (stock s JOIN report_product_totals g"
        "  ON g.product_id = s.product_id AND g.lines + g.returned > 0) ON s.on_hand <= 0"
    ).fetchone()
    page = f" LIMIT {int(limit)}" if limit else ""
    # Products that sold come after every unsold one: needed only when the rest cannot fill the page.
    sold_needed = not limit or in_stock - sold < limit
    found = conn.execute(
        "WITH moved AS (SELECT g.product_id, g.quantity, g.net, "
        f"{_STOCK_VALUE} AS value FROM report_product_totals g"
        "  JOIN stock s ON s.product_id = g.product_id JOIN products p ON p.product_id = g.product_id"
        "  WHERE g.lines + g.returned > 0 AND s.on_hand > 0" + ("" if sold_needed else " AND g.quantity <= 0") + ")"
        " SELECT p.sku, p.name, p.category, x.quantity, x.net, s.on_hand, x.value"
        " FROM (SELECT * FROM (SELECT * FROM moved UNION ALL SELECT * FROM ("
        "  SELECT r.product_id, 0, 0, r.value FROM stock_ranks r"
        "   WHERE NOT EXISTS (SELECT 1 FROM report_product_totals g"
        f"   WHERE g.product_id = r.product_id AND g.lines + g.returned > 0) ORDER BY r.value DESC, r.product_id{page})"
        f" ) ORDER BY 2, 4 DESC, 1{page}) x"
        " JOIN products p ON p.product_id = x.product_id JOIN stock s ON s.product_id = x.product_id"
        " ORDER BY x.quantity, x.value DESC, x.product_id"
    ).fetchall()
    return [(*row, quantity, net) for row in found]


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
