"""Head office's consolidated reports, read from its projections (never from the raw events)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from pos_tui.domain.errors import InvalidInput

REPORTS = ("sales-by-day",)
COLUMNS = ("store", "day", "sales", "takings", "returns", "net", "tax", "cost", "margin")
MONEY_COLUMNS = frozenset({"takings", "returns", "net", "tax", "cost", "margin"})


@dataclass(frozen=True)
class SalesDay:
    """One store's day, with the measures of the till's own `sales-by-day` report."""

    store: str
    day: str
    sales: int
    takings: int
    returns: int
    net: int
    tax: int
    cost: int

    @property
    def margin(self) -> int:
        return self.net - self.cost

    def cells(self) -> tuple[Any, ...]:
        return (self.store, self.day, self.sales, self.takings, self.returns, self.net, self.tax, self.cost,
                self.margin)


def sales_by_day(conn: psycopg.Connection[Any], stores: list[str], first: str | None,
                 last: str | None) -> list[SalesDay]:
    clauses: list[str] = ["TRUE"]
    params: list[object] = []
    if stores:
        clauses.append("store = ANY(%s)")
        params.append(stores)
    if first:
        clauses.append("day >= %s")
        params.append(first)
    if last:
        clauses.append("day <= %s")
        params.append(last)
    rows = conn.execute(
        "SELECT store, day, sales, takings, returned_value, sold_net - returned_net, sold_tax - returned_tax,"
        f" sold_cost - restocked_cost FROM hq_sales_days WHERE {' AND '.join(clauses)} ORDER BY store, day",
        params,
    ).fetchall()
    return [SalesDay(*row) for row in rows]


def run(conn: psycopg.Connection[Any], name: str, stores: list[str], first: str | None,
        last: str | None) -> list[SalesDay]:
    if name not in REPORTS:
        raise InvalidInput(f"head office has no report {name!r}; it has: {', '.join(REPORTS)}.")
    return sales_by_day(conn, stores, first, last)


@dataclass(frozen=True)
class StoreStock:
    store: str
    product_id: int
    sku: str
    name: str
    on_hand: int  # thousandths of the unit


def stock_of(conn: psycopg.Connection[Any], sku: str) -> list[StoreStock]:
    """What each store holds of ``sku``: the sum of its signed movements as head office has them."""
    rows = conn.execute(
        "SELECT p.store, p.product_id, p.sku, p.name, coalesce(s.on_hand, 0) FROM hq_products p"
        " LEFT JOIN hq_stock s USING (store, product_id) WHERE p.sku = %s ORDER BY p.store",
        (sku,),
    ).fetchall()
    if not rows:
        raise InvalidInput(f"no store has sent head office a product with SKU {sku!r}; check the SKU.")
    return [StoreStock(*row) for row in rows]
