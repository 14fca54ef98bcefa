"""Report summaries: sales and returns rolled up by day (and month, year), kept in step with every sale.

Tables (db/0004_reports.sql, 0006): ``report_product_days``, ``_months`` and ``_years`` (product x
day, month or calendar year), ``report_group_days`` (category x vendor x day), ``report_sale_slices``
(day x UTC quarter hour x terminal x cashier), ``report_tender_days`` (day x tender account x terminal x cashier) and
``report_return_days`` (day x reason x void x terminal x cashier). Sales add and returns subtract on
the return's own business day, so each day's net, tax and cost equal that day's income:sales,
tax and expenses:cogs postings; the migration fills existing stores with the same rows in SQL.

Each sale costs a handful of upserts (one per table, a row per line for the product tables) and one
lookup of its products' category and vendor. Nothing here reads the journal.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from pos_tui.domain.cart import count_items
from pos_tui.ledger.journal import Handler, JournalEntry

_EPOCH = date(1970, 1, 1).toordinal()
STOCK_ACCOUNT = "assets:inventory"


def utc_quarter(at: str) -> int:
    """A journal time ("2025-06-01T04:47:12.000000Z") as 15-minute slots since 1970 (unix seconds // 900),
    the same integer the migration's ``strftime('%s', ...) / 900`` gives."""
    days = date.fromisoformat(at[:10]).toordinal() - _EPOCH
    return days * 96 + int(at[11:13]) * 4 + int(at[14:16]) // 15


def is_tender_account(account: str) -> bool:
    """Where money is paid in and refunded from: any asset but the stock (cash drawers, card clearing...)."""
    return account.startswith("assets:") and account != STOCK_ACCOUNT


_MEASURES = "quantity, returned, lines, net, tax, gross, cost"
_ADD_MEASURES = ", ".join(f"{m} = {m} + excluded.{m}" for m in _MEASURES.split(", "))
_UPSERT_PRODUCT_DAY = (
    f"INSERT INTO report_product_days (day, product_id, {_MEASURES}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    f" ON CONFLICT (day, product_id) DO UPDATE SET {_ADD_MEASURES}"
)
_UPSERT_PRODUCT_MONTH = (
    f"INSERT INTO report_product_months (month, product_id, {_MEASURES}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    f" ON CONFLICT (month, product_id) DO UPDATE SET {_ADD_MEASURES}"
)
_UPSERT_PRODUCT_YEAR = (
    f"INSERT INTO report_product_years (year, product_id, {_MEASURES}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    f" ON CONFLICT (year, product_id) DO UPDATE SET {_ADD_MEASURES}"
)
_GROUP_MEASURES = "lines, returned_lines, net, tax, gross, cost"
_UPSERT_GROUP_DAY = (
    f"INSERT INTO report_group_days (day, category, vendor, {_GROUP_MEASURES}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (day, category, vendor) DO UPDATE SET "
    + ", ".join(f"{m} = {m} + excluded.{m}" for m in _GROUP_MEASURES.split(", "))
)
_SLICE_MEASURES = "sales, items, net, tax, gross, cost, discount, discounted, overrides, approvals, rounding"
_UPSERT_SLICE = (
    f"INSERT INTO report_sale_slices (day, quarter, terminal, cashier, {_SLICE_MEASURES})"
    f" VALUES (?, ?, ?, ?{', ?' * 11})"
    " ON CONFLICT (day, quarter, terminal, cashier) DO UPDATE SET "
    + ", ".join(f"{m} = {m} + excluded.{m}" for m in _SLICE_MEASURES.split(", "))
)
_UPSERT_TENDER = (
    "INSERT INTO report_tender_days (day, account, terminal, cashier, payments, refunds, amount)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, account, terminal, cashier) DO UPDATE SET"
    " payments = payments + excluded.payments, refunds = refunds + excluded.refunds, amount = amount + excluded.amount"
)
_RETURN_MEASURES = "returns, lines, net, tax, gross, restocked_cost, lost_cost, refunded"
_UPSERT_RETURN = (
    f"INSERT INTO report_return_days (day, reason, is_void, terminal, cashier, {_RETURN_MEASURES})"
    f" VALUES (?, ?, ?, ?, ?{', ?' * 8})"
    " ON CONFLICT (day, reason, is_void, terminal, cashier) DO UPDATE SET "
    + ", ".join(f"{m} = {m} + excluded.{m}" for m in _RETURN_MEASURES.split(", "))
)


# (quantity, returned, lines, net, tax, gross, cost) of one line, signed for sales (+) or returns (-).
Measures = tuple[int, int, int, int, int, int, int]


def _filing(conn: sqlite3.Connection, product_ids: set[int]) -> dict[int, tuple[str, str]]:
    """(category, vendor) of each product as the catalogue has it now, i.e. when the entry is recorded."""
    ids = sorted(product_ids)
    rows = conn.execute(
        f"SELECT product_id, category, vendor FROM products WHERE product_id IN ({', '.join('?' * len(ids))})", ids
    )
    return {pid: (category, vendor) for pid, category, vendor in rows}


def _add_lines(conn: sqlite3.Connection, day: str, lines: list[tuple[int, Measures]]) -> None:
    """Per product and per category x vendor rows of one entry's lines (a product on two lines adds twice)."""
    by_product: dict[int, list[int]] = {}
    for product_id, measures in lines:
        total = by_product.get(product_id)
        if total is None:
            by_product[product_id] = list(measures)
        else:
            for i, value in enumerate(measures):
                total[i] += value
    conn.executemany(_UPSERT_PRODUCT_DAY, [(day, pid, *m) for pid, m in by_product.items()])
    month = day[:7]
    conn.executemany(_UPSERT_PRODUCT_MONTH, [(month, pid, *m) for pid, m in by_product.items()])
    year = day[:4]
    conn.executemany(_UPSERT_PRODUCT_YEAR, [(year, pid, *m) for pid, m in by_product.items()])
    filing = _filing(conn, set(by_product))
    by_group: dict[tuple[str, str], list[int]] = {}
    for product_id, (_, returned, lines_sold, net, tax, gross, cost) in lines:
        key = filing[product_id]
        group = by_group.setdefault(key, [0, 0, 0, 0, 0, 0])
        for i, value in enumerate((lines_sold, 1 if returned else 0, net, tax, gross, cost)):
            group[i] += value
    conn.executemany(_UPSERT_GROUP_DAY, [(day, c, v, *m) for (c, v), m in by_group.items()])


def _add_tenders(conn: sqlite3.Connection, e: JournalEntry, *, refund: bool) -> None:
    legs: dict[str, int] = {}
    for account, amount in e.postings:
        if is_tender_account(account):
            legs[account] = legs.get(account, 0) + amount
    conn.executemany(
        _UPSERT_TENDER,
        [(e.day, account, e.terminal, e.user, 0 if refund else 1, 1 if refund else 0, amount)
         for account, amount in legs.items()],
    )


def _sale_completed(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    lines = p["lines"]
    _add_lines(conn, e.day, [
        (ln["product_id"], (ln["quantity"], 0, 1, ln["net"], ln["tax"], ln["gross"], ln["cost"])) for ln in lines
    ])
    total, tax, discount = p["total"], p["tax_total"], p["discount_total"]
    items = count_items((ln["unit"], ln["quantity"]) for ln in lines)
    overrides = sum(1 for ln in lines if ln["price_source"] == "override")
    conn.execute(_UPSERT_SLICE, (
        e.day, utc_quarter(e.at), p["terminal"], e.user, 1, items, total - tax, tax, total, p["cost_total"],
        discount, 1 if discount else 0, overrides, len(p.get("approvals", ())), p["rounding"],
    ))
    _add_tenders(conn, e, refund=False)


def _sale_returned(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    lines = p["lines"]
    _add_lines(conn, e.day, [
        (ln["product_id"], (-ln["quantity"], ln["quantity"], 0, -ln["net"], -ln["tax"], -ln["gross"],
                            -ln["cost"] if ln["restock"] else 0))
        for ln in lines
    ])
    restocked = sum(ln["cost"] for ln in lines if ln["restock"])
    conn.execute(_UPSERT_RETURN, (
        e.day, p["reason"], int(p["is_void"]), p["terminal"], e.user, 1, len(lines),
        sum(ln["net"] for ln in lines), sum(ln["tax"] for ln in lines), p["refund_total"], restocked,
        sum(ln["cost"] for ln in lines) - restocked, p["refund_total"] + p["rounding"],
    ))
    _add_tenders(conn, e, refund=True)


HANDLERS: dict[str, Handler] = {
    "sale.completed": _sale_completed,
    "sale.returned": _sale_returned,
}

TABLES: dict[str, str] = {
    "report_product_days": "day, product_id",
    "report_product_months": "month, product_id",
    "report_product_years": "year, product_id",
    "report_group_days": "day, category, vendor",
    "report_sale_slices": "day, quarter, terminal, cashier",
    "report_tender_days": "day, account, terminal, cashier",
    "report_return_days": "day, reason, is_void, terminal, cashier",
}
