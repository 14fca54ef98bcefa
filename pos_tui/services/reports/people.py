"""People reports: returns by reason; discounts, voids and overrides by cashier; employee performance.

Read ``report_sale_slices`` (sales by cashier and quarter hour) and ``report_return_days`` (returns
by reason and the user who took them back). A void is a return with ``is_void``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_tui.services.reports.model import (
    Cell,
    Chart,
    Column,
    Highlight,
    ReportQuery,
    ReportResult,
    per,
    ratio_bp,
    sum_columns,
)
from pos_tui.services.reports.sales import slice_where

if TYPE_CHECKING:
    from pos_tui.services.session import Session


def returns_by_reason(session: Session, query: ReportQuery) -> ReportResult:
    where, params = slice_where(query)
    rows: list[tuple[Cell, ...]] = [
        (reason, "void" if is_void else "return", returns, lines, value, net, restocked, lost, refunded)
        for reason, is_void, returns, lines, value, net, restocked, lost, refunded in session.ledger.conn.execute(
            "SELECT reason, is_void, SUM(returns), SUM(lines), SUM(gross), SUM(net), SUM(restocked_cost),"
            f" SUM(lost_cost), SUM(refunded) FROM report_return_days WHERE {where}"
            " GROUP BY reason, is_void ORDER BY SUM(gross) DESC, reason",
            params,
        )
    ]
    columns = (Column("reason", "Reason", "text"), Column("kind", "Kind", "text"),
               Column("returns", "Returns", "int"), Column("lines", "Lines", "int"),
               Column("value", "Value", "money"), Column("net", "Net of tax", "money"),
               Column("restocked_cost", "Back in stock (cost)", "money"),
               Column("lost_cost", "Written off (cost)", "money"), Column("refunded", "Refunded", "money"))
    totals = sum_columns(rows, columns, ("returns", "lines", "value", "net", "restocked_cost", "lost_cost",
                                         "refunded"))
    totals[0] = "Total"
    return ReportResult(
        "returns-by-reason", "Returns by reason", query, columns, tuple(rows), tuple(totals),
        highlights=(Highlight("Returns", "int", int(totals[2] or 0)), Highlight("Value", "money", int(totals[4] or 0)),
                    Highlight("Written off", "money", int(totals[7] or 0))),
        chart=Chart("bars", "reason", "value"),
        notes=("Value: the returned lines as sold, tax included; refunded adds the cash rounding.",),
    )


def _sales_by_cashier(session: Session, query: ReportQuery) -> dict[str, tuple[int, ...]]:
    where, params = slice_where(query)
    return {
        row[0]: tuple(row[1:])
        for row in session.ledger.conn.execute(
            "SELECT cashier, SUM(sales), SUM(items), SUM(gross), SUM(net), SUM(cost), SUM(discount),"
            " SUM(discounted), SUM(overrides), SUM(approvals), COUNT(DISTINCT quarter)"
            f" FROM report_sale_slices WHERE {where} GROUP BY cashier",
            params,
        )
    }


def _returns_by_cashier(session: Session, query: ReportQuery) -> dict[str, dict[int, tuple[int, int]]]:
    where, params = slice_where(query)
    out: dict[str, dict[int, tuple[int, int]]] = {}
    for cashier, is_void, returns, value in session.ledger.conn.execute(
        f"SELECT cashier, is_void, SUM(returns), SUM(gross) FROM report_return_days WHERE {where}"
        " GROUP BY cashier, is_void",
        params,
    ):
        out.setdefault(cashier, {})[is_void] = (returns, value)
    return out


def exceptions_by_cashier(session: Session, query: ReportQuery) -> ReportResult:
    sold = _sales_by_cashier(session, query)
    back = _returns_by_cashier(session, query)
    rows: list[tuple[Cell, ...]] = []
    for cashier in sorted(set(sold) | set(back)):
        sales, _, takings, _, _, discount, discounted, overrides, approvals, _ = sold.get(cashier, (0,) * 10)
        voids, void_value = back.get(cashier, {}).get(1, (0, 0))
        returns, return_value = back.get(cashier, {}).get(0, (0, 0))
        rows.append((cashier, sales, discounted, discount, ratio_bp(discount, takings + discount), overrides,
                     approvals, voids, void_value, returns, return_value))
    columns = (Column("cashier", "Cashier", "text"), Column("sales", "Sales", "int"),
               Column("discounted", "Discounted sales", "int"), Column("discount", "Discounts", "money"),
               Column("discount_pct", "Discount %", "bp"), Column("overrides", "Price overrides", "int"),
               Column("approvals", "Approvals", "int"), Column("voids", "Voids", "int"),
               Column("void_value", "Voided", "money"), Column("returns", "Returns", "int"),
               Column("return_value", "Returned", "money"))
    totals = sum_columns(rows, columns, ("sales", "discounted", "discount", "overrides", "approvals", "voids",
                                         "void_value", "returns", "return_value"))
    totals[0] = "Total"
    all_takings = sum(v[2] for v in sold.values())
    totals[4] = ratio_bp(int(totals[3] or 0), all_takings + int(totals[3] or 0))
    return ReportResult(
        "exceptions-by-cashier", "Discounts, voids and overrides by cashier", query, columns, tuple(rows),
        tuple(totals),
        highlights=(Highlight("Discounts", "money", int(totals[3] or 0)),
                    Highlight("Voids", "int", int(totals[7] or 0)),
                    Highlight("Price overrides", "int", int(totals[5] or 0)),
                    Highlight("Approvals", "int", int(totals[6] or 0))),
        chart=Chart("bars", "cashier", "discount"),
        notes=("Discounts by who rang up the sale; voids and returns by who took the goods back. Discount %: of"
               " takings before discounts.",),
    )


def employee_performance(session: Session, query: ReportQuery) -> ReportResult:
    sold = _sales_by_cashier(session, query)
    rows: list[tuple[Cell, ...]] = []
    for cashier, (sales, items, takings, net, cost, *_, quarters) in sorted(sold.items(), key=lambda kv: -kv[1][3]):
        hours = quarters * 250  # thousandths of an hour: a quarter hour with at least one sale
        rows.append((cashier, sales, items, takings, net, net - cost, per(takings, sales), per(items * 1000, sales),
                     hours, per(net * 1000, hours)))
    columns = (Column("cashier", "Cashier", "text"), Column("sales", "Sales", "int"), Column("items", "Items", "int"),
               Column("takings", "Takings", "money"), Column("net", "Net sales", "money"),
               Column("margin", "Margin", "money"), Column("basket", "Average basket", "money"),
               Column("items_per_sale", "Items per sale", "qty"), Column("active_hours", "Active hours", "qty"),
               Column("net_per_hour", "Net per active hour", "money"))
    totals = sum_columns(rows, columns, ("sales", "items", "takings", "net", "margin", "active_hours"))
    totals[0] = "Total"
    sales_total, items_total, takings_total, net_total, hours_total = (
        int(totals[i] or 0) for i in (1, 2, 3, 4, 8))
    totals[6] = per(takings_total, sales_total)
    totals[7] = per(items_total * 1000, sales_total)
    totals[9] = per(net_total * 1000, hours_total)
    return ReportResult(
        "employee-performance", "Employee performance", query, columns, tuple(rows), tuple(totals),
        highlights=(Highlight("Cashiers", "int", len(rows)), Highlight("Net sales", "money", net_total),
                    Highlight("Net per active hour", "money", per(net_total * 1000, hours_total))),
        chart=Chart("bars", "cashier", "net"),
        notes=("Sales as rung up (returns not deducted). Active hours: quarter hours with at least one sale"
               " by the cashier, so idle time at the till does not count against them.",),
    )
