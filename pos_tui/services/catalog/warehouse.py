"""Reading the stock room: a filtered, keyset-paged product list and the value of what is on hand.

Nothing here loads the catalogue into memory: pages are a few hundred rows at most, picked by
``product_id > after_id``, so the ten-thousandth page costs what the first does.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.services.catalog.products import Product, fts_query

if TYPE_CHECKING:
    from pos_tui.services.session import Session

PAGE_SIZE = 100
_COLUMNS = (
    "p.product_id, p.sku, p.name, p.grp, p.variant, p.category, p.vendor, p.unit, p.price, p.cost, p.tax_class,"
    " t.rate_bp, p.reorder_level, s.on_hand, p.retired"
)
_FROM = " FROM products p JOIN tax_classes t ON t.code = p.tax_class JOIN stock s ON s.product_id = p.product_id"


@dataclass(frozen=True)
class ProductFilter:
    """What the warehouse list shows: words in the name/SKU, a category, a vendor, only low stock."""

    text: str = ""
    category: str = ""
    vendor: str = ""
    low_stock: bool = False


def list_products(
    session: Session, where: ProductFilter = ProductFilter(), *, after_id: int = 0, limit: int = PAGE_SIZE
) -> list[Product]:
    """One page of products matching ``where`` in product order, after ``after_id``."""
    clauses = ["p.product_id > ?"]
    params: list[object] = [after_id]
    source = _FROM
    query = fts_query(where.text)
    if query is not None:
        source += " JOIN product_search ON product_search.rowid = p.product_id"
        clauses.append("product_search MATCH ?")
        params.append(query)
    if where.category:
        clauses.append("p.category = ?")
        params.append(where.category)
    if where.vendor:
        clauses.append("p.vendor = ?")
        params.append(where.vendor)
    if where.low_stock:
        clauses.append("s.on_hand < p.reorder_level")
    sql = f"SELECT {_COLUMNS}{source} WHERE {' AND '.join(clauses)} ORDER BY p.product_id LIMIT ?"
    rows = session.ledger.conn.execute(sql, (*params, min(limit, 500)))
    return [Product(*row) for row in rows]


def _distinct(session: Session, column: str, limit: int) -> list[str]:
    # A skip-scan over the column's index: one probe per distinct value, not one per product.
    sql = (
        f"WITH RECURSIVE v(x) AS (SELECT MIN({column}) FROM products"
        f" UNION ALL SELECT (SELECT MIN({column}) FROM products WHERE {column} > x) FROM v WHERE x IS NOT NULL)"
        " SELECT x FROM v WHERE x IS NOT NULL AND x != '' LIMIT ?"
    )
    return [value for (value,) in session.ledger.conn.execute(sql, (limit,))]


def categories(session: Session, *, limit: int = 500) -> list[str]:
    return _distinct(session, "category", limit)


def vendors(session: Session, *, limit: int = 500) -> list[str]:
    return _distinct(session, "vendor", limit)


def value_sql(unit: str) -> str:
    """SQL for one product's stock on hand (``s.on_hand``, thousandths) valued at ``unit`` a whole unit,
    rounded half up to the minor unit; stock below zero counts as none (it is stock owed, not held)."""
    return f"((MAX(s.on_hand, 0) * {unit} + 500) / 1000)"


@dataclass(frozen=True)
class StockValue:
    """The stock on hand of a set of products (all, a category, one product) and what it is worth now.

    ``at_cost`` is *the* stock-at-cost figure of the till: the warehouse's tile, the stock valuation
    report and a product's detail all read it from ``stock_value``, so they agree to the minor unit. It
    is each product's quantity on hand times its moving-average cost (net of tax), rounded per product.
    (The inventory account in the books can differ from it by the rounding of each receipt and sale.)"""

    key: str
    """The category with ``by_category``; "" otherwise."""
    products: int
    in_stock: int
    below_zero: int
    below_reorder: int
    at_cost: int
    at_retail: int
    """At today's shelf prices, as the till charges them."""


def stock_value(
    session: Session, *, conditions: Sequence[str] = (), params: Sequence[object] = (), by_category: bool = False
) -> list[StockValue]:
    """Stock on hand and its value, for the products that meet every SQL condition on ``products p`` /
    ``stock s`` (all of them when none), in one row, or one row per category (largest at cost first)."""
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    key, group = ("p.category", " GROUP BY p.category") if by_category else ("''", "")
    rows = session.ledger.conn.execute(
        f"SELECT {key}, COUNT(*), COALESCE(SUM(s.on_hand > 0), 0), COALESCE(SUM(s.on_hand < 0), 0),"
        f" COALESCE(SUM(s.on_hand < p.reorder_level), 0), COALESCE(SUM({value_sql('p.cost')}), 0),"
        f" COALESCE(SUM({value_sql('p.price')}), 0)"
        f" FROM products p JOIN stock s ON s.product_id = p.product_id{where}{group}",
        list(params),
    ).fetchall()
    found = [StockValue(str(row[0] or ""), *(int(v) for v in row[1:])) for row in rows]
    return sorted(found, key=lambda v: (-v.at_cost, v.key))


def product_stock_value(session: Session, product_id: int) -> StockValue:
    """One product's stock on hand and its value (the figures its detail shows)."""
    return stock_value(session, conditions=["p.product_id = ?"], params=[product_id])[0]


@dataclass(frozen=True)
class StockTiles:
    cost_value: int
    """What the stock on hand cost (``StockValue.at_cost``: moving-average cost, net of tax)."""
    sale_value: int
    """What the stock would sell for at today's shelf prices."""
    below_reorder: int
    """Products with less on hand than their reorder level."""
    products: int


def stock_tiles(session: Session) -> StockTiles:
    (everything,) = stock_value(session)
    return StockTiles(everything.at_cost, everything.at_retail, everything.below_reorder, everything.products)


def below_reorder(session: Session, product_ids: Collection[int]) -> list[Product]:
    """Which of ``product_ids`` now have less on hand than their reorder level."""
    ids = sorted(set(product_ids))[:500]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = session.ledger.conn.execute(
        f"SELECT {_COLUMNS}{_FROM} WHERE p.product_id IN ({marks}) AND s.on_hand < p.reorder_level"
        " ORDER BY p.product_id",
        ids,
    )
    return [Product(*row) for row in rows]


@dataclass(frozen=True)
class StockMovement:
    seq: int
    at: str  # UTC journal time
    user: str
    kind: str  # the journal event that moved the stock (sale.completed, stock.received...)
    reason: str
    quantity: int  # thousandths, signed: in > 0, out < 0
    unit_cost: int


def product_movements(
    session: Session, product_id: int, *, before_seq: int | None = None, limit: int = 50
) -> list[StockMovement]:
    """One product's stock movements, newest first, a page at a time (``before_seq`` pages back)."""
    rows = session.ledger.conn.execute(
        "SELECT m.seq, j.at, j.user, j.kind, m.reason, m.quantity, m.unit_cost"
        " FROM stock_movements m JOIN journal j ON j.seq = m.seq"
        " WHERE m.product_id = ? AND m.seq < ? ORDER BY m.seq DESC, m.n DESC LIMIT ?",
        (product_id, before_seq if before_seq is not None else 2**62, min(limit, 500)),
    )
    return [StockMovement(*row) for row in rows]
