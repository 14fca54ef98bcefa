"""Report summaries: sales and returns rolled up by day (and month, year), kept in step with every sale.

Tables (db/0004_reports.sql, 0006): ``report_product_days``, ``_months`` and ``_years`` (product x
day, month or calendar year), ``report_group_days`` (category x vendor x day), ``report_sale_slices``
(day x UTC quarter hour x terminal x cashier), ``report_tender_days`` (day x tender account x terminal x cashier) and
``report_return_days`` (day x reason x void x terminal x cashier). Sales add and returns subtract on
the return's own business day, so each day's net, tax and cost equal that day's income:sales,
tax and expenses:cogs postings; the migration fills existing stores with the same rows in SQL.

Each sale costs a handful of upserts (one per table, a row per product for the day table) and one
lookup of its products' category and vendor. Nothing here reads the journal. The months and years
hold the days before the open day (``report_rollup``, db/0018): the first sold line of a later day
rolls the open day into them, and reports add the open day's rows in the statement that reads them.

``derive`` fills the same tables from a store's sales, returns and journal in SQL alone, row for row
what these handlers write: ``pos db verify`` checks the live summaries against it (beside its replay,
on another core) rather than running the handlers a second time.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from pos_tui.domain.cart import count_items
from pos_tui.ledger.entry import Handler, JournalEntry

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


# The open day's product rows go into the months and years when a later day opens (db/0018).
_ADD_EXCLUDED = ", ".join(f"{m} = {m} + excluded.{m}" for m in _MEASURES.split(", "))
_SUMS = "SUM(quantity), SUM(returned), SUM(lines), SUM(net), SUM(tax), SUM(gross), SUM(cost)"
_ROLL_MONTHS = (
    f"INSERT INTO report_product_months (month, product_id, {_MEASURES})"
    f" SELECT substr(day, 1, 7), product_id, {_SUMS} FROM report_product_days WHERE day >= ? AND day < ?"
    f" GROUP BY substr(day, 1, 7), product_id ON CONFLICT (month, product_id) DO UPDATE SET {_ADD_EXCLUDED}"
)
_ROLL_YEARS = (
    f"INSERT INTO report_product_years (year, product_id, {_MEASURES})"
    f" SELECT substr(day, 1, 4), product_id, {_SUMS} FROM report_product_days WHERE day >= ? AND day < ?"
    f" GROUP BY substr(day, 1, 4), product_id ON CONFLICT (year, product_id) DO UPDATE SET {_ADD_EXCLUDED}"
)


def _roll_open_day(conn: sqlite3.Connection, day: str) -> bool:
    """Before an entry's lines of ``day`` are added: when ``day`` is later than the open day, the open
    day's product rows go into the months and years and ``day`` opens. True when ``day`` is before the
    open day (a till whose clock is behind): its lines then go into the months and years at once."""
    open_day = str(conn.execute("SELECT open_day FROM report_rollup").fetchone()[0])
    if day > open_day:
        if open_day:
            conn.execute(_ROLL_MONTHS, (open_day, day))
            conn.execute(_ROLL_YEARS, (open_day, day))
        conn.execute("UPDATE report_rollup SET open_day = ?", (day,))
    return day < open_day


def _add_lines(conn: sqlite3.Connection, day: str, lines: list[tuple[int, Measures]]) -> None:
    """Per product and per category x vendor rows of one entry's lines (a product on two lines adds twice).
    The products go into the day's rows; into the months' and years' only for a day already rolled."""
    if not lines:
        return
    by_product: dict[int, list[int]] = {}
    for product_id, measures in lines:
        total = by_product.get(product_id)
        if total is None:
            by_product[product_id] = list(measures)
        else:
            for i, value in enumerate(measures):
                total[i] += value
    rolled = _roll_open_day(conn, day)
    conn.executemany(_UPSERT_PRODUCT_DAY, [(day, pid, *m) for pid, m in by_product.items()])
    if rolled:
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
    "report_rollup": "singleton",
}


# The filing (category, vendor) each line counts under: the one in force when it was recorded. Only
# products whose filing ever changed need the journal's history; the others are filed as they are now.
_DERIVE_FILING = """
CREATE TEMP TABLE derive_filing AS
SELECT json_extract(payload, '$.product_id') AS product_id, seq,
       json_extract(payload, '$.details.category') AS category, json_extract(payload, '$.details.vendor') AS vendor
FROM {s}.journal
WHERE EXISTS (SELECT 1 FROM {s}.journal WHERE kind = 'product.changed')
  AND kind IN ('product.added', 'product.changed')
  AND json_extract(payload, '$.product_id') IN (
      SELECT json_extract(payload, '$.product_id') FROM {s}.journal WHERE kind = 'product.changed')
"""
_DERIVE_LINES = """
CREATE TEMP TABLE derive_lines AS
SELECT s.day, l.product_id, l.sale_seq AS seq, l.quantity, 0 AS returned, 1 AS lines, 0 AS returned_lines,
       l.net, l.tax, l.gross, l.cost
FROM {s}.sale_lines l JOIN {s}.sales s ON s.seq = l.sale_seq
WHERE l.sale_seq <= :through
UNION ALL
SELECT r.day, l.product_id, l.return_seq, -l.quantity, l.quantity, 0, 1, -l.net, -l.tax, -l.gross,
       CASE WHEN l.restock THEN -l.cost ELSE 0 END
FROM {s}.return_lines l JOIN {s}.returns r ON r.seq = l.return_seq
WHERE l.return_seq <= :through
"""
_DERIVE_STATEMENTS = (
    _DERIVE_FILING,
    "CREATE INDEX temp.derive_filing_product ON derive_filing(product_id, seq)",
    _DERIVE_LINES,
    f"""INSERT INTO main.report_product_days (day, product_id, {_MEASURES})
    SELECT day, product_id, SUM(quantity), SUM(returned), SUM(lines), SUM(net), SUM(tax), SUM(gross), SUM(cost)
    FROM derive_lines GROUP BY day, product_id""",
    # The open day is the latest day with a product row; the months and years hold the days before it.
    """INSERT OR REPLACE INTO main.report_rollup (singleton, open_day)
    SELECT 1, COALESCE(MAX(day), '') FROM main.report_product_days""",
    f"""INSERT INTO main.report_product_months (month, product_id, {_MEASURES})
    SELECT substr(day, 1, 7), product_id, SUM(quantity), SUM(returned), SUM(lines), SUM(net), SUM(tax), SUM(gross),
           SUM(cost)
    FROM main.report_product_days WHERE day < (SELECT open_day FROM main.report_rollup)
    GROUP BY substr(day, 1, 7), product_id""",
    f"""INSERT INTO main.report_product_years (year, product_id, {_MEASURES})
    SELECT substr(month, 1, 4), product_id, SUM(quantity), SUM(returned), SUM(lines), SUM(net), SUM(tax),
           SUM(gross), SUM(cost)
    FROM main.report_product_months GROUP BY substr(month, 1, 4), product_id""",
    f"""INSERT INTO main.report_group_days (day, category, vendor, {_GROUP_MEASURES})
    SELECT day, category, vendor, SUM(lines), SUM(returned_lines), SUM(net), SUM(tax), SUM(gross), SUM(cost)
    FROM (
        SELECT x.day, x.lines, x.returned_lines, x.net, x.tax, x.gross, x.cost,
               COALESCE((SELECT f.category FROM derive_filing f WHERE f.product_id = x.product_id AND f.seq < x.seq
                         ORDER BY f.seq DESC LIMIT 1), p.category) AS category,
               COALESCE((SELECT f.vendor FROM derive_filing f WHERE f.product_id = x.product_id AND f.seq < x.seq
                         ORDER BY f.seq DESC LIMIT 1), p.vendor) AS vendor
        FROM derive_lines x JOIN {{s}}.products p ON p.product_id = x.product_id
    )
    GROUP BY day, category, vendor""",
    f"""INSERT INTO main.report_sale_slices (day, quarter, terminal, cashier, {_SLICE_MEASURES})
    SELECT s.day, CAST(strftime('%s', substr(s.at, 1, 19)) AS INTEGER) / 900, s.terminal, s.username,
           COUNT(*), SUM(s.item_count), SUM(s.total - s.tax_total), SUM(s.tax_total), SUM(s.total),
           SUM(s.cost_total), SUM(s.discount_total), SUM(s.discount_total != 0),
           SUM((SELECT COUNT(*) FROM {{s}}.sale_lines l WHERE l.sale_seq = s.seq AND l.price_source = 'override')),
           SUM(COALESCE(json_array_length(j.payload, '$.approvals'), 0)), SUM(s.rounding)
    FROM {{s}}.sales s JOIN {{s}}.journal j ON j.seq = s.seq
    WHERE s.seq <= :through
    GROUP BY 1, 2, 3, 4""",
    # A sale or return counts once per tender account it moved, however many legs it has there.
    """INSERT INTO main.report_tender_days (day, account, terminal, cashier, payments, refunds, amount)
    SELECT day, account, terminal, user, SUM(kind = 'sale.completed'), SUM(kind = 'sale.returned'), SUM(amount)
    FROM (
        SELECT j.day, p.account, j.terminal, j.user, j.kind, SUM(p.amount) AS amount
        FROM {s}.journal j JOIN {s}.postings p ON p.seq = j.seq
        WHERE j.kind IN ('sale.completed', 'sale.returned') AND j.seq <= :through
          AND p.account GLOB 'assets:*' AND p.account != :stock
        GROUP BY j.seq, p.account
    )
    GROUP BY day, account, terminal, user""",
    f"""INSERT INTO main.report_return_days (day, reason, is_void, terminal, cashier, {_RETURN_MEASURES})
    SELECT r.day, r.reason, r.is_void, r.terminal, r.username, COUNT(*), SUM(COALESCE(l.lines, 0)),
           SUM(COALESCE(l.net, 0)), SUM(COALESCE(l.tax, 0)), SUM(r.refund_total), SUM(COALESCE(l.restocked, 0)),
           SUM(COALESCE(l.lost, 0)), SUM(r.refund_total + r.rounding)
    FROM {{s}}.returns r LEFT JOIN (
        SELECT return_seq, COUNT(*) AS lines, SUM(net) AS net, SUM(tax) AS tax,
               SUM(CASE WHEN restock THEN cost ELSE 0 END) AS restocked,
               SUM(CASE WHEN restock THEN 0 ELSE cost END) AS lost
        FROM {{s}}.return_lines WHERE return_seq <= :through GROUP BY return_seq
    ) l ON l.return_seq = r.seq
    WHERE r.seq <= :through
    GROUP BY r.day, r.reason, r.is_void, r.terminal, r.username""",
    "DROP TABLE temp.derive_lines",
    "DROP TABLE temp.derive_filing",
)


def derive(conn: sqlite3.Connection, source: str, through_seq: int) -> None:
    """Fill ``conn``'s (empty) summary tables with the rows these handlers write for the entries up to
    ``through_seq`` of the store attached as ``source``, from its sales, returns, products and journal.

    Safe to run while tills keep selling: rows after ``through_seq`` are left out, and what a product
    is filed under is read from the journal for every product whose filing ever changed.
    """
    parameters = {"through": through_seq, "stock": STOCK_ACCOUNT}
    for statement in _DERIVE_STATEMENTS:
        used = {name: value for name, value in parameters.items() if f":{name}" in statement}
        conn.execute(statement.format(s=source), used)
