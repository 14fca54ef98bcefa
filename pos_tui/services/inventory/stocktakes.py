"""Stocktakes: start one for all stock, a category or a vendor; count by scanning on any number of
tills at once (counts add up); review the variance; post it as one event.

A count is a delta against the stock on hand when that product's count began, so sales made during
the count survive: each count records the on-hand the till held as it came in, and a product's
variance is counted − the on-hand at its latest count (= on hand at its count start − what was sold
while it was being counted). Posting moves stock by the variance, so sales made since stay sold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.domain.errors import InvalidAmount, InvalidInput, NotFound
from pos_tui.domain.inventory_events import (
    CountLine,
    StocktakeCounted,
    StocktakePosted,
    StocktakeStarted,
    VarianceLine,
    stocktake_reference,
)
from pos_tui.domain.money import extend
from pos_tui.domain.permissions import Action, Approval
from pos_tui.services.catalog import products
from pos_tui.services.inventory import reasons
from pos_tui.services.inventory.scanning import scanned
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session


@dataclass(frozen=True)
class Stocktake:
    number: int
    category: str
    vendor: str
    posted_seq: int
    reason: str

    @property
    def reference(self) -> str:
        return stocktake_reference(self.number)

    @property
    def scope(self) -> str:
        parts = [f"category {self.category}" if self.category else "", f"vendor {self.vendor}" if self.vendor else ""]
        return ", ".join(part for part in parts if part) or "all stock"


def stocktake_number(text: str) -> int:
    """"ST-000007", "st-7" or "7" -> 7."""
    match = re.fullmatch(r"(?:st-?)?0*(\d{1,9})", text.strip().lower())
    if match is None or int(match.group(1)) == 0:
        raise InvalidInput(f"{text.strip()!r} is not a stocktake number.", "Write it as shown: ST-000007.")
    return int(match.group(1))


def get_stocktake(session: Session, number: int) -> Stocktake:
    row = session.ledger.conn.execute(
        "SELECT number, category, vendor, posted_seq, reason FROM stocktakes WHERE number = ?", (number,)
    ).fetchone()
    if row is None:
        raise NotFound(f"There is no stocktake {stocktake_reference(number)}.",
                       "`pos stocktake list` shows them; `pos stocktake start` begins one.")
    return Stocktake(*row)


def list_stocktakes(session: Session, *, limit: int = 50) -> list[Stocktake]:
    rows = session.ledger.conn.execute(
        "SELECT number, category, vendor, posted_seq, reason FROM stocktakes ORDER BY number DESC LIMIT ?", (limit,))
    return [Stocktake(*row) for row in rows]


def open_stocktakes(session: Session) -> list[Stocktake]:
    rows = session.ledger.conn.execute(
        "SELECT number, category, vendor, posted_seq, reason FROM stocktakes WHERE posted_seq = 0 ORDER BY number")
    return [Stocktake(*row) for row in rows]


def open_at(session: Session, seq: int) -> list[Stocktake]:
    """The stocktakes open at journal ``seq`` (started by then, not posted by then): a Z names them."""
    rows = session.ledger.conn.execute(
        "SELECT number, category, vendor, posted_seq, reason FROM stocktakes WHERE started_seq <= ?"
        " AND (posted_seq = 0 OR posted_seq > ?) ORDER BY number", (seq, seq))
    return [Stocktake(*row) for row in rows]


def last_change(session: Session) -> int:
    """The seq of the newest count or posting of any stocktake: a screen showing a count loads it again
    when this moves (another till counted), not on every sale. Two index look-ups."""
    conn = session.ledger.conn
    return max(int(conn.execute("SELECT MAX(seq) FROM journal WHERE kind = ?", (kind,)).fetchone()[0] or 0)
               for kind in (StocktakeCounted.KIND, StocktakePosted.KIND))


def start(session: Session, *, category: str = "", vendor: str = "", approval: Approval | None = None) -> int:
    """A new stocktake of all stock, or of one category and/or vendor; returns its number."""
    approvals = authz.require(session, Action.STOCK_ADJUST, approval)
    category, vendor = category.strip(), vendor.strip()
    with session.ledger.write() as conn:
        for column, value in (("category", category), ("vendor", vendor)):
            known = conn.execute(f"SELECT 1 FROM products WHERE {column} = ? LIMIT 1", (value,)).fetchone()
            if value and known is None:
                raise InvalidInput(f"No product has the {column} {value!r}.",
                                   f"Check the spelling: `pos report list` and the warehouse show each {column}.")
        (number,) = conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM stocktakes").fetchone()
        session.record(StocktakeStarted(number, category, vendor, approvals=approvals))
    return int(number)


def _open(session: Session, number: int) -> Stocktake:
    stocktake = get_stocktake(session, number)
    if stocktake.posted_seq:
        raise InvalidInput(f"{stocktake.reference} was posted already; its counts are closed.",
                           "Nothing was changed. Start a new stocktake to count again.")
    return stocktake


def _in_scope(stocktake: Stocktake, product: products.Product) -> None:
    if (stocktake.category and product.category != stocktake.category) or (
            stocktake.vendor and product.vendor != stocktake.vendor):
        raise InvalidInput(f"{product.display_name} ({product.sku}) is not in {stocktake.reference}"
                           f" ({stocktake.scope}).", "Nothing was counted; set it aside for its own count.")


def count(session: Session, number: int, scans: Sequence[str], *, quantity: int | None = None) -> int:
    """Add scans to a stocktake: each scan one (a pack's code the pack), or ``quantity`` thousandths each
    (zero: counted, and none there). Any till, any time before it is posted; returns the journal seq."""
    if not scans:
        raise InvalidInput("Nothing was scanned.", "Scan each item with --scan CODE (with --qty N for many).")
    if quantity is not None and quantity < 0:
        raise InvalidAmount("A count cannot be negative.", "Nothing was counted; count what is there, 0 or more.")
    with session.ledger.write():
        stocktake = _open(session, number)
        counted: dict[int, int] = {}
        held: dict[int, int] = {}
        for text in scans:
            product, scanned_quantity = scanned(session, text, what="counted")
            _in_scope(stocktake, product)
            counted[product.product_id] = counted.get(product.product_id, 0) + (
                scanned_quantity if quantity is None else quantity)
            held[product.product_id] = product.on_hand
        lines = tuple(CountLine(product_id, added, held[product_id]) for product_id, added in counted.items())
        entry = session.record(StocktakeCounted(number, lines))
    return entry.seq


@dataclass(frozen=True)
class Variance:
    product_id: int
    sku: str
    name: str
    category: str
    counted: int
    on_hand_start: int
    expected: int
    unit_cost: int

    @property
    def quantity(self) -> int:
        return self.counted - self.expected

    @property
    def value(self) -> int:
        return extend(self.quantity, self.unit_cost)


@dataclass(frozen=True)
class Review:
    stocktake: Stocktake
    lines: tuple[Variance, ...]

    def by_category(self) -> list[tuple[str, int, int]]:
        """(category, variance in thousandths, value at cost) for each category counted."""
        totals: dict[str, list[int]] = {}
        for line in self.lines:
            total = totals.setdefault(line.category, [0, 0])
            total[0] += line.quantity
            total[1] += line.value
        return [(category, quantity, value) for category, (quantity, value) in sorted(totals.items())]

    @property
    def value(self) -> int:
        return sum(line.value for line in self.lines)


def review(session: Session, number: int) -> Review:
    """The variance of each product counted, at its average cost now; a posted stocktake shows what it posted."""
    stocktake = get_stocktake(session, number)
    conn = session.ledger.conn
    if stocktake.posted_seq:
        rows = conn.execute(
            "SELECT v.product_id, p.sku, p.name, v.category, v.counted, c.on_hand_start, v.expected, v.unit_cost"
            " FROM stocktake_variances v JOIN products p USING (product_id) JOIN stocktake_counts c"
            " ON c.number = v.number AND c.product_id = v.product_id WHERE v.number = ? ORDER BY v.category, p.sku",
            (number,))
    else:
        rows = conn.execute(
            "SELECT c.product_id, p.sku, p.name, p.category, c.counted, c.on_hand_start, c.on_hand_last, p.cost"
            " FROM stocktake_counts c JOIN products p USING (product_id) WHERE c.number = ?"
            " ORDER BY p.category, p.sku", (number,))
    return Review(stocktake, tuple(Variance(*row) for row in rows))


def post(session: Session, number: int, *, reason: str = "count", approval: Approval | None = None) -> int:
    """Post the variances in one event: stock moves by each, the value to the reason's account. Twice, or
    with a product retired since it was counted: refused, nothing changed. Returns the journal seq."""
    account = reasons.account_for(session.settings, "adjustment", reason)
    approvals = authz.require(session, Action.STOCK_ADJUST, approval)
    with session.ledger.write():
        stocktake = _open(session, number)
        found = review(session, number)
        if not found.lines:
            raise InvalidInput(f"Nothing was counted in {stocktake.reference}.",
                               "Count with `pos stocktake count`, then post.")
        for line in found.lines:
            product = products.get_product(session, line.product_id)
            if product.retired:
                raise InvalidInput(f"{product.display_name} ({product.sku}) was retired after it was counted in"
                                   f" {stocktake.reference}.", "Nothing was posted; restore it to post the count.")
        lines = tuple(VarianceLine(line.product_id, line.category, line.counted, line.expected, line.quantity,
                                   line.unit_cost, line.value) for line in found.lines)
        entry = session.record(StocktakePosted(number, reason.strip(), account, lines, approvals=approvals))
    return entry.seq
