"""Stock reports: valuation at cost and at retail by category, sell-through and days of cover, reorder.

Stock is read as it is now: valuation from the totals per category x vendor and reorder from the set of
products below their level, both kept as stock moves (db/0012), so neither reads every product; what
sold comes from the product summaries (``report_items.product_sums``), never from sale lines.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from pos_tui.services.reports.items import covers_history, product_sums
from pos_tui.services.reports.model import (
    Cell,
    Chart,
    Column,
    Highlight,
    ReportQuery,
    ReportResult,
    per,
    ratio_bp,
    split_window,
)

if TYPE_CHECKING:
    from pos_tui.services.session import Session

VELOCITY_DAYS = 28
"""The reorder report's sales rate: units sold per day over the 28 days ending on the range's last day."""
COVER_DAYS = 14
"""...and it orders enough to stay above the reorder level for this many more days at that rate."""


def _group_conditions(query: ReportQuery) -> tuple[str, list[object]]:
    """The category and vendor filters on ``stock_groups``, as a WHERE clause."""
    conditions, params = query.product_conditions()
    conditions = [condition.removeprefix("p.") for condition in conditions]
    return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), params


def valuation(session: Session, query: ReportQuery) -> ReportResult:
    # The stock totals per category x vendor (db/0012), kept as stock moves: a row per group, not per
    # product. Each product in them is rounded as `warehouse.stock_value` rounds it, so the report, the
    # warehouse's tile and a product's detail show one stock-at-cost figure.
    where, params = _group_conditions(query)
    found = session.ledger.conn.execute(
        "SELECT category, SUM(products), SUM(in_stock), SUM(negative), SUM(at_cost), SUM(at_retail)"
        f" FROM stock_groups{where} GROUP BY category",
        params,
    ).fetchall()
    rows: list[tuple[Cell, ...]] = [
        (category, products, in_stock, negative, at_cost, at_retail, at_retail - at_cost,
         ratio_bp(at_retail - at_cost, at_retail))
        for category, products, in_stock, negative, at_cost, at_retail in sorted(found, key=lambda r: (-r[4], r[0]))
    ]
    sums = [sum(int(r[i] or 0) for r in rows) for i in range(1, 7)]
    columns = (Column("category", "Category", "text"), Column("products", "Products", "int"),
               Column("in_stock", "In stock", "int"), Column("negative", "Below zero", "int"),
               Column("at_cost", "At cost", "money"), Column("at_retail", "At retail", "money"),
               Column("difference", "Retail less cost", "money"), Column("difference_pct", "of retail", "bp"))
    return ReportResult(
        "stock-valuation", "Inventory valuation", query, columns, tuple(rows),
        ("Total", *sums, ratio_bp(sums[5], sums[4])),
        highlights=(Highlight("At cost", "money", sums[3]), Highlight("At retail", "money", sums[4]),
                    Highlight("Products in stock", "int", sums[1]), Highlight("Below zero", "int", sums[2])),
        chart=Chart("bars", "category", "at_cost"),
        notes=("Stock on hand now: at cost (moving average, net of tax) and at the shelf price (as the till"
               " charges it). Stock below zero counts as none.",),
    )


def sell_through(session: Session, query: ReportQuery) -> ReportResult:
    """Items sold in the range: sell-through = sold / (sold + on hand now); days of cover = on hand now /
    the range's average daily sales. Soonest to run out first."""
    days = query.days
    cover = f"CASE WHEN g.quantity > 0 THEN MAX(s.on_hand, 0) * {days} / g.quantity END"
    order = "x.cover, x.quantity DESC, x.product_id"
    page = f" LIMIT {int(query.limit)}" if query.limit else ""
    conn = session.ledger.conn
    if covers_history(session, query):
        # Every day held: the products' sums since the first day beside their stock, read in product
        # order (NOT INDEXED: down an order's index the stock lookups would jump about), twice: once for
        # the totals and once for the page. Two plain passes cost less than one materialized copy.
        conditions, params = query.product_conditions()
        where = f" AND g.product_id IN (SELECT product_id FROM products p WHERE {' AND '.join(conditions)})" \
            if conditions else ""
        moved = ("report_product_totals g NOT INDEXED JOIN stock s ON s.product_id = g.product_id"
                 f" WHERE g.lines + g.returned > 0 AND g.quantity > 0{where}")
        count, sold, on_hand = conn.execute(
            f"SELECT COUNT(*), COALESCE(SUM(g.quantity), 0), COALESCE(SUM(MAX(s.on_hand, 0)), 0) FROM {moved}", params
        ).fetchone()
        found = conn.execute(
            "SELECT p.sku, p.name, p.category, x.quantity, x.on_hand, x.cover FROM"
            f" (SELECT g.product_id, g.quantity, s.on_hand, {cover} AS cover FROM {moved} ORDER BY 4, 2 DESC, 1{page})"
            f" x JOIN products p USING (product_id) ORDER BY {order}",
            params,
        ).fetchall()
    else:
        sums, params = product_sums(session, query)
        # The page is sorted out first and only its rows are looked up in the catalogue (see items_report).
        found, (count, sold, on_hand) = split_window(conn.execute(
            f"WITH g AS MATERIALIZED ({sums}),"
            f" x AS MATERIALIZED (SELECT g.product_id, g.quantity, s.on_hand, {cover} AS cover"
            "  FROM g JOIN stock s USING (product_id) WHERE g.quantity > 0),"
            " t AS (SELECT COUNT(*), SUM(quantity), SUM(MAX(on_hand, 0)) FROM x)"
            " SELECT p.sku, p.name, p.category, x.quantity, x.on_hand, x.cover, t.*"
            f" FROM (SELECT * FROM x ORDER BY {order}{page}) x JOIN products p USING (product_id) CROSS JOIN t"
            f" ORDER BY {order}",
            params,
        ).fetchall(), 3)
    rows: list[tuple[Cell, ...]] = [
        (sku, name, category, quantity, held, ratio_bp(quantity, quantity + max(held, 0)), per(quantity, days),
         days_left)
        for sku, name, category, quantity, held, days_left in found
    ]
    columns = (Column("sku", "SKU", "text"), Column("name", "Name", "text"), Column("category", "Category", "text"),
               Column("sold", "Sold", "qty"), Column("on_hand", "On hand", "qty"),
               Column("sell_through", "Sell-through", "bp"), Column("per_day", "Per day", "qty"),
               Column("days_of_cover", "Days of cover", "int"))
    return ReportResult(
        "sell-through", "Sell-through and days of cover", query, columns, tuple(rows),
        ("Total", None, None, sold, on_hand, ratio_bp(sold, sold + on_hand), per(sold, days), None),
        omitted=count - len(rows),
        highlights=(Highlight("Items sold", "int", count), Highlight("Sell-through", "bp",
                                                                     ratio_bp(sold, sold + on_hand))),
        chart=Chart("bars", "name", "days_of_cover"),
        notes=("Sell-through = sold in the range / (sold + on hand now); days of cover = on hand now / average daily"
               " sales over the range (whole days, rounded down).",),
    )


def reorder(session: Session, query: ReportQuery) -> ReportResult:
    conditions, params = query.product_conditions()
    since = (query.last_day - timedelta(days=VELOCITY_DAYS - 1)).isoformat()
    # The products below their reorder level are a set kept as stock moves (``reorder_due``, db/0012).
    under = " AND ".join(["r.product_id = p.product_id", *conditions])
    due = f"SELECT p.product_id FROM reorder_due r CROSS JOIN products p ON {under}"  # the set first, then each product
    conn = session.ledger.conn
    velocity = dict(conn.execute(
        "SELECT product_id, SUM(quantity) FROM report_product_days WHERE day BETWEEN ? AND ? AND product_id IN"
        f" ({due}) GROUP BY product_id",
        [since, query.last, *params],
    ).fetchall())
    rows: list[tuple[Cell, ...]] = []
    order_cost = 0
    for product_id, vendor, category, sku, name, on_hand, level, cost in conn.execute(
        "SELECT p.product_id, p.vendor, p.category, p.sku, p.name, s.on_hand, p.reorder_level, p.cost"
        f" FROM reorder_due r CROSS JOIN products p ON {under} JOIN stock s ON s.product_id = p.product_id"
        " ORDER BY p.vendor, p.category, p.name",
        params,
    ):
        sold = max(velocity.get(product_id, 0), 0)
        suggested = suggested_quantity(on_hand, level, sold)
        line_cost = (suggested * cost + 500) // 1000
        order_cost += line_cost
        rows.append((vendor, category, sku, name, on_hand, level, sold, suggested, line_cost))
    shown = rows[:query.limit] if query.limit else rows
    columns = (Column("vendor", "Vendor", "text"), Column("category", "Category", "text"),
               Column("sku", "SKU", "text"), Column("name", "Name", "text"), Column("on_hand", "On hand", "qty"),
               Column("reorder_level", "Reorder level", "qty"), Column("sold_28d", f"Sold {VELOCITY_DAYS} days", "qty"),
               Column("suggested", "Suggested", "qty"), Column("order_cost", "Order at cost", "money"))
    return ReportResult(
        "reorder", "Reorder by vendor and category", query, columns, tuple(shown),
        ("Total", None, None, None, None, None, sum(int(r[6] or 0) for r in rows), sum(int(r[7] or 0) for r in rows),
         order_cost),
        omitted=len(rows) - len(shown),
        highlights=(Highlight("Items to reorder", "int", len(rows)), Highlight("Order at cost", "money", order_cost)),
        notes=(f"Suggested = reorder level + {COVER_DAYS} days of sales at the rate of the {VELOCITY_DAYS} days up to"
               f" {query.last} − on hand, rounded up to whole units.",),
    )


def suggested_quantity(on_hand: int, reorder_level: int, sold_in_window: int) -> int:
    """Thousandths to order: back to the reorder level plus ``COVER_DAYS`` of sales at the window's daily
    rate, rounded up to whole units (an order is for whole pieces, cases or kilograms)."""
    wanted = reorder_level - on_hand + -(-sold_in_window * COVER_DAYS // VELOCITY_DAYS)
    return max(0, -(-wanted // 1000) * 1000)
