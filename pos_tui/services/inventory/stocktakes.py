"""Stocktakes: start one for all stock, a category, a vendor or a shelf list; count by scanning on any number of
tills at once (counts add up); review the variance; post it as one event.

A count is a delta against the stock on hand when that product's count began, so sales made during
the count survive: each count records the on-hand the till held as it came in, and a product's
variance is counted − the on-hand at its latest count (= on hand at its count start − what was sold
while it was being counted). Posting moves stock by the variance, so sales made since stay sold.

A shelf list is a named list of products by barcode or SKU (a file, CSV or one code a line, or codes
typed at the till). Its products are written into the stocktake's start event, so the count covers
exactly what was listed then; a listed product nobody counted is in the variance as none there.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.domain.errors import InvalidAmount, InvalidInput, NotFound, UnknownBarcode
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
    shelf: str = ""  # the shelf list's name; "" when it is not a count of a list

    @property
    def reference(self) -> str:
        return stocktake_reference(self.number)

    @property
    def scope(self) -> str:
        parts = [f"category {self.category}" if self.category else "", f"vendor {self.vendor}" if self.vendor else "",
                 f"shelf list {self.shelf}" if self.shelf else ""]
        return ", ".join(part for part in parts if part) or "all stock"


_COLUMNS = "number, category, vendor, posted_seq, reason, shelf"


def stocktake_number(text: str) -> int:
    """"ST-000007", "st-7" or "7" -> 7."""
    match = re.fullmatch(r"(?:st-?)?0*(\d{1,9})", text.strip().lower())
    if match is None or int(match.group(1)) == 0:
        raise InvalidInput(f"{text.strip()!r} is not a stocktake number.", "Write it as shown: ST-000007.")
    return int(match.group(1))


def get_stocktake(session: Session, number: int) -> Stocktake:
    row = session.ledger.conn.execute(
        f"SELECT {_COLUMNS} FROM stocktakes WHERE number = ?", (number,)
    ).fetchone()
    if row is None:
        raise NotFound(f"There is no stocktake {stocktake_reference(number)}.",
                       "`pos stocktake list` shows them; `pos stocktake start` begins one.")
    return Stocktake(*row)


def list_stocktakes(session: Session, *, limit: int = 50) -> list[Stocktake]:
    rows = session.ledger.conn.execute(
        f"SELECT {_COLUMNS} FROM stocktakes ORDER BY number DESC LIMIT ?", (limit,))
    return [Stocktake(*row) for row in rows]


def open_stocktakes(session: Session) -> list[Stocktake]:
    rows = session.ledger.conn.execute(
        f"SELECT {_COLUMNS} FROM stocktakes WHERE posted_seq = 0 ORDER BY number")
    return [Stocktake(*row) for row in rows]


def open_at(session: Session, seq: int) -> list[Stocktake]:
    """The stocktakes open at journal ``seq`` (started by then, not posted by then): a Z names them."""
    rows = session.ledger.conn.execute(
        f"SELECT {_COLUMNS} FROM stocktakes WHERE started_seq <= ?"
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


# --- shelf lists ------------------------------------------------------------------------------

# A CSV shelf list's column of codes, by its heading (the catalogue's own CSV has "sku"); without one of
# these headings the first column holds the codes.
CODE_HEADINGS = ("sku", "barcode", "code", "gtin", "ean", "upc")


def shelf_codes(text: str) -> list[str]:
    """The codes of a shelf list file: one code a line, or a CSV (comma, semicolon or tab) whose "sku" or
    "barcode" column, or else first column, holds them. Blank lines and lines starting with # are notes."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return []
    delimiter = next((mark for mark in (",", ";", "\t") if mark in lines[0]), None)
    if delimiter is None:
        codes = [line.strip() for line in lines]
        return codes[1:] if codes[0].lower() in CODE_HEADINGS else codes
    rows = list(csv.reader(lines, delimiter=delimiter))
    heading = [cell.strip().lower() for cell in rows[0]]
    column = next((heading.index(name) for name in CODE_HEADINGS if name in heading), None)
    if column is None:
        column = 0
    else:
        rows = rows[1:]
    return [row[column].strip() for row in rows if len(row) > column and row[column].strip()]


def typed_codes(text: str) -> list[str]:
    """Codes typed or scanned into one field, between spaces, commas or semicolons."""
    return [code for code in re.split(r"[\s,;]+", text) if code]


def read_shelf_list(path: str) -> tuple[str, list[str]]:
    """A shelf list file's name (the file's, without its extension) and its codes."""
    from pathlib import Path

    file = Path(path.strip()).expanduser()
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"There is no shelf list file {path.strip()!r}.",
                           "Nothing was started; check the file's name and folder.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"The shelf list file {path.strip()!r} cannot be read ({error}).",
                           "Nothing was started; save it as UTF-8 text, CSV or one code a line.") from None
    return file.stem, shelf_codes(text)


def looks_like_a_file(text: str) -> bool:
    """What is typed in the till's shelf list field names a file rather than codes (codes have no / or .csv)."""
    stripped = text.strip()
    return "/" in stripped or "\\" in stripped or stripped.lower().endswith((".csv", ".txt"))


@dataclass(frozen=True)
class ShelfStart:
    number: int
    skipped: tuple[products.Product, ...]  # retired products on the list, left out of the count

    @property
    def note(self) -> str:
        """The sentence naming what was left out; "" when nothing was."""
        if not self.skipped:
            return ""
        named = ", ".join(f"{product.display_name} ({product.sku})" for product in self.skipped[:5])
        more = f" and {len(self.skipped) - 5} more" if len(self.skipped) > 5 else ""
        return (f"Left out {len(self.skipped)} retired product{'s' if len(self.skipped) != 1 else ''} on the list:"
                f" {named}{more}; a retired product cannot be counted (restore it to count it).")


def start_shelf_list(session: Session, name: str, codes: Sequence[str], *,
                     approval: Approval | None = None) -> ShelfStart:
    """A new stocktake of exactly the products a shelf list names (by barcode, in any GTIN form, or SKU).
    A code no product has is refused, naming it, and nothing is started; a retired product is left out
    and named in the answer's note (it cannot be counted)."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("The shelf list has no name.",
                           "Name it (\"aisle 3\", \"dairy fridge\") so the count says what it covers.")
    approvals = authz.require(session, Action.STOCK_ADJUST, approval)
    with session.ledger.write() as conn:
        listed: dict[int, products.Product] = {}
        unknown: list[str] = []
        for code in codes:
            try:
                product = products.show_product(session, code)
            except UnknownBarcode:
                if code.strip() not in unknown:
                    unknown.append(code.strip())
                continue
            listed.setdefault(product.product_id, product)
        if unknown:
            named = ", ".join(repr(code) for code in unknown[:5]) + (f" and {len(unknown) - 5} more"
                                                                    if len(unknown) > 5 else "")
            raise UnknownBarcode(f"The shelf list {name!r} names {named}, which no product has"
                                 f" ({'its barcode or SKU' if len(unknown) == 1 else 'their barcodes or SKUs'}).",
                                 "Nothing was started; correct or remove "
                                 f"{'that line' if len(unknown) == 1 else 'those lines'} and start again.")
        skipped = tuple(product for product in listed.values() if product.retired)
        counted = tuple(product_id for product_id, product in listed.items() if not product.retired)
        if not counted:
            raise InvalidInput(f"The shelf list {name!r} names no product that can be counted"
                               f"{' (every one is retired)' if skipped else ''}.",
                               "Nothing was started; list products by barcode or SKU, one a line.")
        (number,) = conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM stocktakes").fetchone()
        session.record(StocktakeStarted(number, shelf=name, products=counted, approvals=approvals))
    return ShelfStart(int(number), skipped)


def on_shelf_list(session: Session, number: int) -> int:
    """How many products a stocktake's shelf list covers (0: it is not a count of a list)."""
    row = session.ledger.conn.execute("SELECT COUNT(*) FROM stocktake_shelf WHERE number = ?", (number,)).fetchone()
    return int(row[0])


def _open(session: Session, number: int) -> Stocktake:
    stocktake = get_stocktake(session, number)
    if stocktake.posted_seq:
        raise InvalidInput(f"{stocktake.reference} was posted already; its counts are closed.",
                           "Nothing was changed. Start a new stocktake to count again.")
    return stocktake


def _in_scope(session: Session, stocktake: Stocktake, product: products.Product) -> None:
    listed = not stocktake.shelf or session.ledger.conn.execute(
        "SELECT 1 FROM stocktake_shelf WHERE number = ? AND product_id = ?",
        (stocktake.number, product.product_id)).fetchone() is not None
    if (stocktake.category and product.category != stocktake.category) or (
            stocktake.vendor and product.vendor != stocktake.vendor) or not listed:
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
            _in_scope(session, stocktake, product)
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
    uncounted: bool = False  # on the stocktake's shelf list and not counted: in the variance as none there

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
    """The variance of each product counted, at its average cost now; a posted stocktake shows what it posted.
    A count of a shelf list covers exactly its products: one not counted (and not retired) is there as none."""
    stocktake = get_stocktake(session, number)
    conn = session.ledger.conn
    if stocktake.posted_seq:
        rows = conn.execute(
            "SELECT v.product_id, p.sku, p.name, v.category, v.counted, COALESCE(c.on_hand_start, v.expected),"
            " v.expected, v.unit_cost, c.product_id IS NULL"
            " FROM stocktake_variances v JOIN products p USING (product_id) LEFT JOIN stocktake_counts c"
            " ON c.number = v.number AND c.product_id = v.product_id WHERE v.number = ? ORDER BY v.category, p.sku",
            (number,))
    else:
        rows = conn.execute(
            "SELECT c.product_id, p.sku, p.name, p.category, c.counted, c.on_hand_start, c.on_hand_last, p.cost, 0"
            " FROM stocktake_counts c JOIN products p USING (product_id) WHERE c.number = ?"
            " UNION ALL SELECT l.product_id, p.sku, p.name, p.category, 0, s.on_hand, s.on_hand, p.cost, 1"
            " FROM stocktake_shelf l JOIN products p USING (product_id) JOIN stock s USING (product_id)"
            " WHERE l.number = ? AND p.retired = 0 AND NOT EXISTS (SELECT 1 FROM stocktake_counts c"
            " WHERE c.number = l.number AND c.product_id = l.product_id)"
            " ORDER BY 4, 2", (number, number))
    return Review(stocktake, tuple(Variance(*row[:8], bool(row[8])) for row in rows))


def post(session: Session, number: int, *, reason: str = "count", approval: Approval | None = None) -> int:
    """Post the variances in one event: stock moves by each, the value to the reason's account. Twice, or
    with a product retired since it was counted: refused, nothing changed. Returns the journal seq."""
    account = reasons.account_for(session.settings, "adjustment", reason)
    approvals = authz.require(session, Action.STOCK_ADJUST, approval)
    with session.ledger.write():
        stocktake = _open(session, number)
        found = review(session, number)
        if all(line.uncounted for line in found.lines):
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
