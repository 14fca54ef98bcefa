"""What a stretch of the journal adds up to: the figures of X, Z and shift reports.

``period_totals(session, from_seq, to_seq, terminal=None) -> PeriodTotals`` sums sales, returns,
voids, payments by method, tax by rate, sales by category and cash moved outside sales over the
entries ``from_seq < seq <= to_seq`` (one terminal's, or the store's). Every sum is SQL over the
projections' primary keys (a seq range), so a busy day of 2,000 sales is a few thousand rows read
in order, never the whole history.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pos_tui.domain.cash_events import KeyedTotal, PeriodTotals
from pos_tui.domain.money import Rounding, round_div

if TYPE_CHECKING:
    from pos_tui.services.session import Session


def _where(alias: str, terminal: str | None) -> str:
    return f"{alias}.seq > ? AND {alias}.seq <= ?" + (f" AND {alias}.terminal = ?" if terminal else "")


def _params(from_seq: int, to_seq: int, terminal: str | None) -> tuple[object, ...]:
    return (from_seq, to_seq, terminal) if terminal else (from_seq, to_seq)


def _merge(rows: Iterable[tuple[str, int, int, int]], minus: Iterable[tuple[str, int, int]]) -> tuple[KeyedTotal, ...]:
    """Sales rows (key, count, amount, tax) less return rows (key, amount, tax), sorted by key (numbers
    as numbers: tax rate 500 before 1700)."""
    merged: dict[str, list[int]] = {}
    for key, count, amount, tax in rows:
        merged[str(key)] = [count, amount, tax]
    for key, amount, tax in minus:
        entry = merged.setdefault(str(key), [0, 0, 0])
        entry[1] -= amount
        entry[2] -= tax
    return tuple(KeyedTotal(key, c, a, t) for key, (c, a, t) in sorted(merged.items(), key=lambda i: (len(i[0]), i[0])))


def _by_method(session: Session, conn: sqlite3.Connection, span: tuple[object, ...], terminal: str | None,
               change: int) -> tuple[KeyedTotal, ...]:
    methods = session.tender_methods
    taken: dict[str, list[int]] = {}
    for method, count, amount in conn.execute(
        "SELECT t.method, COUNT(DISTINCT t.sale_seq), SUM(t.amount) FROM sales s"
        f" JOIN sale_tenders t ON t.sale_seq = s.seq WHERE {_where('s', terminal)} GROUP BY t.method",
        span,
    ):
        taken[method] = [count, amount]
    # Change is given in cash only: it comes off the (first) cash method.
    cash = next((code for code, m in methods.items() if m.is_cash), "cash")
    if change:
        taken.setdefault(cash, [0, 0])[1] -= change
    for method, amount in conn.execute(
        "SELECT f.method, SUM(f.amount) FROM returns r"
        f" JOIN return_refunds f ON f.return_seq = r.seq WHERE {_where('r', terminal)} GROUP BY f.method",
        span,
    ):
        taken.setdefault(method, [0, 0])[1] -= amount
    order = {code: n for n, code in enumerate(methods)}
    return tuple(KeyedTotal(m, c, a) for m, (c, a) in sorted(taken.items(), key=lambda i: (order.get(i[0], 99), i[0])))


def period_totals(session: Session, from_seq: int, to_seq: int, terminal: str | None = None) -> PeriodTotals:
    conn = session.ledger.conn
    span = _params(from_seq, to_seq, terminal)
    sales_count, sales_total, tax_total, discounts, rounding, change = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(total), 0), COALESCE(SUM(tax_total), 0), COALESCE(SUM(discount_total), 0),"
        f" COALESCE(SUM(rounding), 0), COALESCE(SUM(change), 0) FROM sales s WHERE {_where('s', terminal)}",
        span,
    ).fetchone()
    returned = {is_void: (count, total) for is_void, count, total in conn.execute(
        "SELECT is_void, COUNT(*), SUM(refund_total) FROM returns r"
        f" WHERE {_where('r', terminal)} GROUP BY is_void",
        span,
    )}
    returns_count, returns_total = returned.get(0, (0, 0))
    voids_count, voids_total = returned.get(1, (0, 0))
    by_rate = _merge(
        conn.execute(
            "SELECT l.tax_rate_bp, COUNT(*), SUM(l.net), SUM(l.tax) FROM sales s"
            f" JOIN sale_lines l ON l.sale_seq = s.seq WHERE {_where('s', terminal)} GROUP BY l.tax_rate_bp",
            span,
        ),
        conn.execute(
            "SELECT COALESCE(sl.tax_rate_bp, c.rate_bp, 0), SUM(l.net), SUM(l.tax) FROM returns r"
            " JOIN return_lines l ON l.return_seq = r.seq"
            " LEFT JOIN sale_lines sl ON sl.sale_seq = r.sale_seq AND sl.line_no = l.sale_line_no"
            f" LEFT JOIN tax_classes c ON c.code = l.tax_class WHERE {_where('r', terminal)} GROUP BY 1",
            span,
        ),
    )
    by_category = _merge(
        conn.execute(
            "SELECT COALESCE(p.category, ''), COUNT(*), SUM(l.gross), SUM(l.tax) FROM sales s"
            " JOIN sale_lines l ON l.sale_seq = s.seq LEFT JOIN products p ON p.product_id = l.product_id"
            f" WHERE {_where('s', terminal)} GROUP BY 1",
            span,
        ),
        conn.execute(
            "SELECT COALESCE(p.category, ''), SUM(l.gross), SUM(l.tax) FROM returns r"
            " JOIN return_lines l ON l.return_seq = r.seq LEFT JOIN products p ON p.product_id = l.product_id"
            f" WHERE {_where('r', terminal)} GROUP BY 1",
            span,
        ),
    )
    moved = dict(conn.execute(
        f"SELECT kind, SUM(amount) FROM cash_moves m WHERE {_where('m', terminal)} GROUP BY kind", span
    ).fetchall())
    (no_sales,) = conn.execute(
        f"SELECT COUNT(*) FROM cash_moves m WHERE {_where('m', terminal)} AND kind = 'drawer.opened'", span
    ).fetchone()
    (variance,) = conn.execute(
        "SELECT COALESCE(SUM(variance), 0) FROM shifts WHERE closed_seq > ? AND closed_seq <= ?"
        + (" AND terminal = ?" if terminal else ""),
        span,
    ).fetchone()
    net_total = sales_total - returns_total - voids_total
    cards_count, cards_sold = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(g.amount), 0) FROM sales s JOIN gift_card_moves g ON g.seq = s.seq"
        f" WHERE {_where('s', terminal)} AND g.kind IN ('sold', 'reloaded')",
        span,
    ).fetchone()
    return PeriodTotals(
        from_seq=from_seq,
        to_seq=to_seq,
        sales_count=sales_count,
        sales_total=sales_total,
        tax_total=tax_total,
        discounts=discounts,
        rounding=rounding,
        returns_count=returns_count,
        returns_total=returns_total,
        voids_count=voids_count,
        voids_total=voids_total,
        net_total=net_total,
        average_sale=round_div(sales_total, sales_count, Rounding.HALF_UP) if sales_count else 0,
        by_method=_by_method(session, conn, span, terminal, change),
        by_tax_rate=by_rate,
        by_category=by_category,
        paid_in=moved.get("cash.paid_in", 0),
        paid_out=moved.get("cash.paid_out", 0),
        drops=moved.get("cash.dropped", 0),
        expenses=moved.get("cash.expense", 0),
        no_sales=no_sales,
        cash_variance=variance,
        gift_cards_sold_count=cards_count,
        gift_cards_sold=cards_sold,
    )
