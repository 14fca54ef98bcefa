"""What the API reads: items, stock, sales and returns, reports. Each answer says the journal seq it is
true as of, read in one transaction so the rows and the seq agree.

Pages are keyset pages: ``after`` is the last key of the page before (a product id, a journal seq),
never an offset, so a page costs the same at the end of a million rows as at the start and a row
added meanwhile neither repeats nor skips one.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from pos_tui.domain.errors import InvalidInput, NotFound
from pos_tui.services.catalog.products import Product, product_barcodes, show_product
from pos_tui.services.selling.sales import parse_sale_reference, sale_reference

if TYPE_CHECKING:
    from pos_tui.services.session import Session

JsonObject = dict[str, Any]


@contextmanager
def snapshot(session: Session) -> Iterator[int]:
    """One read transaction; yields the journal head's seq the reads inside it are true as of."""
    conn = session.ledger.conn
    conn.execute("BEGIN")
    try:
        row = conn.execute("SELECT seq FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
        yield 0 if row is None else int(row[0])
    finally:
        conn.execute("COMMIT")


@dataclass(frozen=True)
class Page:
    rows: list[JsonObject]
    next_after: int | None  # the ``after`` of the next page; None on the last
    as_of_seq: int

    def as_json(self, name: str) -> JsonObject:
        return {name: self.rows, "next_after": self.next_after, "as_of_seq": self.as_of_seq}


def item_json(product: Product, barcodes: list[tuple[str, int]]) -> JsonObject:
    return {
        "sku": product.sku, "name": product.name, "group": product.group, "variant": product.variant,
        "category": product.category, "vendor": product.vendor, "unit": product.unit, "price": product.price,
        "tax_class": product.tax_class, "tax_rate_bp": product.tax_rate_bp,
        "reorder_level": product.reorder_level, "on_hand": product.on_hand,
        "barcodes": [{"code": code, "multiplier": multiplier} for code, multiplier in barcodes],
        "product_id": product.product_id,
    }


_ITEM_COLUMNS = (
    "p.product_id, p.sku, p.name, p.grp, p.variant, p.category, p.vendor, p.unit, p.price, p.cost, p.tax_class,"
    " t.rate_bp, p.reorder_level, s.on_hand"
    " FROM products p JOIN tax_classes t ON t.code = p.tax_class JOIN stock s ON s.product_id = p.product_id"
)


def _filters(category: str, vendor: str, below_reorder: bool) -> tuple[str, list[object]]:
    where, params = "", list[object]()
    if category:
        where += " AND p.category = ?"
        params.append(category)
    if vendor:
        where += " AND p.vendor = ?"
        params.append(vendor)
    if below_reorder:
        where += " AND s.on_hand < p.reorder_level"
    return where, params


def _check_page(after: int, limit: int, most: int) -> None:
    if after < 0:
        raise InvalidInput("after cannot be negative.", "Pass the next_after of the page before, or leave it out.")
    if not 1 <= limit <= most:
        raise InvalidInput(f"limit must be between 1 and {most}.", "Ask for fewer rows a page.")


def list_items(session: Session, *, after: int = 0, limit: int = 100, category: str = "", vendor: str = "",
               below_reorder: bool = False) -> Page:
    """Products in id order after ``after``, with their barcodes and stock."""
    _check_page(after, limit, session.settings.api.page_limit)
    where, params = _filters(category, vendor, below_reorder)
    with snapshot(session) as seq:
        conn = session.ledger.conn
        rows = conn.execute(f"SELECT {_ITEM_COLUMNS} WHERE p.product_id > ?{where} ORDER BY p.product_id LIMIT ?",
                            (after, *params, limit + 1)).fetchall()
        products = [Product(*row) for row in rows[:limit]]
        codes: dict[int, list[tuple[str, int]]] = {}
        if products:
            marks = ", ".join("?" * len(products))
            for product_id, code, multiplier in conn.execute(
                f"SELECT product_id, code, multiplier FROM barcodes WHERE product_id IN ({marks}) ORDER BY code",
                [p.product_id for p in products],
            ):
                codes.setdefault(product_id, []).append((code, multiplier))
    items = [item_json(p, codes.get(p.product_id, [])) for p in products]
    return Page(items, products[-1].product_id if len(rows) > limit else None, seq)


def get_item(session: Session, code: str) -> JsonObject:
    """One product by SKU or barcode (any GTIN form), as of the seq in ``as_of_seq``."""
    with snapshot(session) as seq:
        product = show_product(session, code)
        answer = item_json(product, product_barcodes(session, product.product_id))
    return {**answer, "as_of_seq": seq}


def inventory(session: Session, *, after: int = 0, limit: int = 100, category: str = "", vendor: str = "",
              below_reorder: bool = False) -> Page:
    """Stock on hand per product (thousandths of its unit), with the reorder level."""
    _check_page(after, limit, session.settings.api.page_limit)
    where, params = _filters(category, vendor, below_reorder)
    with snapshot(session) as seq:
        rows = session.ledger.conn.execute(
            "SELECT p.product_id, p.sku, p.name, p.category, p.vendor, p.unit, s.on_hand, p.reorder_level"
            " FROM products p JOIN stock s ON s.product_id = p.product_id"
            f" WHERE p.product_id > ?{where} ORDER BY p.product_id LIMIT ?",
            (after, *params, limit + 1),
        ).fetchall()
    keys = ("product_id", "sku", "name", "category", "vendor", "unit", "on_hand", "reorder_level")
    stock = [dict(zip(keys, row, strict=True)) for row in rows[:limit]]
    for line in stock:
        line["below_reorder"] = line["on_hand"] < line["reorder_level"]
    return Page(stock, stock[-1]["product_id"] if len(rows) > limit else None, seq)


_SALE_KINDS = ("sale.completed", "sale.returned")


def sale_json(seq: int, at: str, day: str, terminal: str, user: str, kind: str, payload_json: str) -> JsonObject:
    payload = json.loads(payload_json)
    payload.pop("api_request", None)
    is_sale = kind == "sale.completed"
    reference = sale_reference(payload["terminal"], payload["number"])
    return {
        "type": "sale" if is_sale else ("void" if payload["is_void"] else "return"),
        "reference": reference if is_sale else f"R{reference}",
        "seq": seq, "at": at, "day": day, "terminal": terminal, "user": user, **payload,
    }


def list_sales(session: Session, *, after: int = 0, limit: int = 100, terminal: str = "") -> Page:
    """Sales, returns and voids after journal seq ``after`` (all tills, or ``terminal``'s), with their
    lines, tenders and postings as the journal holds them."""
    _check_page(after, limit, session.settings.api.page_limit)
    where, params = ("", []) if not terminal else (" AND terminal = ?", [terminal])
    with snapshot(session) as head:
        rows = session.ledger.conn.execute(
            "SELECT seq, at, day, terminal, user, kind, payload FROM journal"
            f" WHERE seq > ? AND kind IN (?, ?){where} ORDER BY seq LIMIT ?",
            (after, *_SALE_KINDS, *params, limit + 1),
        ).fetchall()
    sales = [sale_json(*row) for row in rows[:limit]]
    return Page(sales, sales[-1]["seq"] if len(rows) > limit else None, head)


def get_sale(session: Session, reference: str) -> JsonObject:
    """A sale ("T1-000042") or a return or void ("RT1-000003") with its lines and tenders."""
    text = reference.strip()
    is_return = text[:1] in ("R", "r") and "-" in text
    terminal, number = parse_sale_reference(text[1:] if is_return else text, session.settings.terminal.id)
    if number >= 2**63:  # more than SQLite's integers hold: no such sale, rather than an overflow
        raise NotFound(f"There is no sale {text}.", "List them with GET /api/sales.")
    table = "returns" if is_return else "sales"
    with snapshot(session) as head:
        row = session.ledger.conn.execute(
            "SELECT j.seq, j.at, j.day, j.terminal, j.user, j.kind, j.payload"
            f" FROM {table} x JOIN journal j ON j.seq = x.seq WHERE x.terminal = ? AND x.number = ?",
            (terminal, number),
        ).fetchone()
    if row is None:
        what = "return" if is_return else "sale"
        raise NotFound(f"There is no {what} {text}.", "List them with GET /api/sales.")
    return {**sale_json(*row), "as_of_seq": head}


def report(session: Session, name: str, params: dict[str, str]) -> JsonObject:
    """A report of ``pos report list`` with the CLI's parameters (from, to, terminal, cashier, category,
    vendor, limit), as the JSON document `pos report NAME --format json` writes."""
    from pos_tui.services.reports import registry

    spec = registry.REPORTS.get(name)
    if spec is None:
        raise NotFound(f"There is no report {name!r}.", f"Use one of: {', '.join(registry.report_names())}.")
    unknown = sorted(set(params) - {"from", "to", "terminal", "cashier", "category", "vendor", "limit"})
    if unknown:
        raise InvalidInput(f"Unknown parameter {', '.join(unknown)}.",
                           "Use from, to, terminal, cashier, category, vendor and limit.")
    limit_text = params.get("limit", str(registry.DEFAULT_LIMIT))
    if not limit_text.isascii() or not limit_text.isdigit() or len(limit_text) > 9:
        raise InvalidInput(f"limit {limit_text!r} is not a number of rows.", "Give a whole number, 0 for all.")
    days = {}
    for bound in ("from", "to"):
        if params.get(bound):
            try:  # one spelling of a day, as the summaries store it (fromisoformat also takes 20260101)
                days[bound] = date.fromisoformat(params[bound]).isoformat()
            except ValueError:
                raise InvalidInput(f"{bound} {params[bound]!r} is not a day.", "Give days as YYYY-MM-DD.") from None
    with snapshot(session) as head:
        first, last = registry.default_range(session, days.get("to"))
        query = registry.ReportQuery(days.get("from") or first, last, params.get("terminal", ""),
                                     params.get("cashier", ""), params.get("category", ""), params.get("vendor", ""),
                                     int(limit_text))
        result = registry.run_report(session, name, query)
        out = io.StringIO()
        registry.write_json(result, session.currency, out)
    return {**json.loads(out.getvalue()), "as_of_seq": head}
