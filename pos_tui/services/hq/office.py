"""Head office's own chain: the prices, catalogue and tax classes it sets for the stores.

Each change is one event in ``hq_office_events`` (seq, hash-chained), written in one transaction
with its projection (``hq_catalog`` for all stores, ``hq_store_prices`` for one, ``hq_tax_classes``).
A catalogue line with a tax class (and any barcodes and category) is a product the stores can sell:
a store that lacks the SKU creates it; a line with a name and price only is a price. `pos hq serve`
publishes the events in seq order (``unpublished``, ``mark_published``); each store applies each once,
by this seq, as an event of its own journal. Head-office master data has one writer: head office.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg

from pos_tui.domain.barcode import normalize_gtin
from pos_tui.domain.errors import InvalidInput, PosError
from pos_tui.domain.money import format_quantity
from pos_tui.domain.scan import parse_quantity
from pos_tui.domain.tax import FULL_RATE_BP, TAX_CLASS_CODE, format_rate
from pos_tui.ledger.database import GENESIS_HASH
from pos_tui.services.chain.wire import OFFICE_ALL, PRICE_SET, PRODUCT_ADDED, TAX_CLASS_SET, OfficeEvent, office_hash

# As the till's own catalogue CSV names them (services/catalog/csv_rows.py), aliases included.
CATALOG_COLUMNS = ("sku", "name", "price", "barcodes", "category", "tax_class")
_NEEDED_COLUMNS = ("sku", "name", "price")
_ALIASES = {"barcode": "barcodes", "tax": "tax_class"}
_EXCEL_NUMBER = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")


@dataclass(frozen=True)
class CatalogLine:
    sku: str
    name: str
    price: int  # minor units
    barcodes: str = ""  # as the CSV has them, normalised: "4006381333931|4006381333948*6"
    category: str = ""
    tax_class: str = ""  # set: a product the stores can sell (created where missing); "": a price only

    @property
    def is_product(self) -> bool:
        return bool(self.tax_class)

    def barcode_specs(self) -> list[dict[str, Any]]:
        return [{"code": code, "multiplier": multiplier} for code, multiplier in _split_barcodes(self.barcodes)]


def _split_barcodes(text: str) -> list[tuple[str, int]]:
    specs = []
    for piece in filter(None, (p.strip() for p in text.split("|"))):
        code, star, pack = (part.strip() for part in piece.partition("*"))
        specs.append((code, parse_quantity(pack) if star else 1000))
    return specs


def normal_barcodes(text: str) -> str:
    """Barcodes as the till's CSV has them (``code|code*6``), each GTIN checked and normalised as the
    tills store it (EAN-8 as 8 digits, UPC-A as 13); a sentence for a bad one."""
    seen: dict[str, int] = {}
    for piece in filter(None, (p.strip() for p in text.split("|"))):
        code, star, pack = (part.strip() for part in piece.partition("*"))
        if _EXCEL_NUMBER.match(code):
            raise InvalidInput(f"{code!r} is a barcode the spreadsheet turned into a number: format the barcodes"
                               " column as Text and type the codes again")
        key = normalize_gtin(code)
        if key in seen:
            raise InvalidInput(f"barcode {code} is listed twice")
        multiplier = parse_quantity(pack) if star else 1000
        seen[key] = multiplier
    return "|".join(code if multiplier == 1000 else f"{code}*{format_quantity(multiplier)}"
                    for code, multiplier in seen.items())


def append_event(cur: psycopg.Cursor[Any], kind: str, target: str, payload: dict[str, Any]) -> OfficeEvent:
    """The next event of head office's chain; in the caller's transaction, which holds the chain's lock."""
    cur.execute("LOCK TABLE hq_office_events IN EXCLUSIVE MODE")  # one writer of the chain at a time
    cur.execute("SELECT seq, hash FROM hq_office_events ORDER BY seq DESC LIMIT 1")
    last = cur.fetchone()
    seq, prev_hash = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS_HASH)
    digest = office_hash(prev_hash, seq, kind, target, payload)
    from pos_tui.ledger.entry import canonical_json

    cur.execute("INSERT INTO hq_office_events (seq, kind, target, payload, prev_hash, hash) VALUES"
                " (%s, %s, %s, %s, %s, %s)", (seq, kind, target, canonical_json(payload), prev_hash, digest))
    return OfficeEvent(seq, kind, target, payload, prev_hash, digest)


def set_prices(conn: psycopg.Connection[Any], lines: Iterable[CatalogLine], store: str | None = None
               ) -> list[OfficeEvent]:
    """One head-office event a line, for every store or for ``store``; all in one transaction.

    A line with a tax class is a product (``product.added``: the stores that lack it create it), for
    every store only; its tax class must be one head office defined, its barcodes no other SKU's."""
    made = []
    with conn.transaction(), conn.cursor() as cur:
        if store is not None:
            cur.execute("SELECT 1 FROM hq_stores WHERE store = %s", (store,))
            if cur.fetchone() is None:
                raise InvalidInput(f"head office knows no store {store}: `pos hq store list` shows them.")
        cur.execute("SELECT code FROM hq_tax_classes ORDER BY code")
        tax_classes = [str(code) for (code,) in cur.fetchall()]
        cur.execute("SELECT sku, barcodes FROM hq_catalog WHERE barcodes <> ''")
        owners = {code: str(sku) for sku, codes in cur.fetchall() for code, _ in _split_barcodes(codes)}
        for line in lines:
            if line.is_product:
                made.append(_product(cur, line, store, tax_classes, owners))
                continue
            cur.execute("SELECT name FROM hq_catalog WHERE sku = %s", (line.sku,))
            known = cur.fetchone()
            name = line.name or (str(known[0]) if known else "")
            if not name:
                raise InvalidInput(f"SKU {line.sku} is not in head office's catalogue: import it with a name first"
                                   " (`pos hq catalog import FILE`); nothing was changed.")
            event = append_event(cur, PRICE_SET, store or OFFICE_ALL,
                                 {"sku": line.sku, "name": name, "price": line.price})
            if store is None:
                cur.execute("INSERT INTO hq_catalog (sku, name, price, set_seq) VALUES (%s, %s, %s, %s)"
                            " ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, price = EXCLUDED.price,"
                            " set_seq = EXCLUDED.set_seq", (line.sku, name, line.price, event.seq))
            else:
                cur.execute("INSERT INTO hq_store_prices (store, sku, price, set_seq) VALUES (%s, %s, %s, %s)"
                            " ON CONFLICT (store, sku) DO UPDATE SET price = EXCLUDED.price,"
                            " set_seq = EXCLUDED.set_seq", (store, line.sku, line.price, event.seq))
            made.append(event)
    return made


def _product(cur: psycopg.Cursor[Any], line: CatalogLine, store: str | None, tax_classes: list[str],
             owners: dict[str, str]) -> OfficeEvent:
    if store is not None:
        raise InvalidInput(f"SKU {line.sku} has a tax class: a product's barcodes, category and tax class are head"
                           " office's for every store, so import it without --store (a store's own price goes with"
                           " --store and the columns sku,name,price only); nothing was changed.")
    if line.tax_class not in tax_classes:
        known = ", ".join(tax_classes) or "none yet"
        raise InvalidInput(f"SKU {line.sku}: tax class {line.tax_class!r} is not one head office defined ({known}):"
                           f" define it first with `pos hq catalog tax {line.tax_class} RATE`; nothing was changed.")
    for code, _ in _split_barcodes(line.barcodes):
        owner = owners.get(code, line.sku)
        if owner != line.sku:
            raise InvalidInput(f"SKU {line.sku}: barcode {code} is SKU {owner}'s in head office's catalogue;"
                               " nothing was changed.")
        owners[code] = line.sku
    event = append_event(cur, PRODUCT_ADDED, OFFICE_ALL, {
        "sku": line.sku, "name": line.name, "price": line.price, "category": line.category,
        "tax_class": line.tax_class, "barcodes": line.barcode_specs()})
    cur.execute("INSERT INTO hq_catalog (sku, name, price, set_seq, barcodes, category, tax_class)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name,"
                " price = EXCLUDED.price, set_seq = EXCLUDED.set_seq, barcodes = EXCLUDED.barcodes,"
                " category = EXCLUDED.category, tax_class = EXCLUDED.tax_class",
                (line.sku, line.name, line.price, event.seq, line.barcodes, line.category, line.tax_class))
    return event


def set_tax_class(conn: psycopg.Connection[Any], code: str, rate_bp: int, name: str = "") -> OfficeEvent:
    """Define or change a tax class for every store (each till applies it; its sales keep their rates)."""
    code = code.strip()
    if not TAX_CLASS_CODE.match(code):
        raise InvalidInput(f"{code!r} is not a tax class code: use up to 24 lower-case letters, digits, - or _"
                           " (std, reduced, exempt); nothing was changed.")
    if not 0 <= rate_bp <= FULL_RATE_BP:
        raise InvalidInput(f"a tax rate is from 0 to 100%, not {format_rate(rate_bp)}%; nothing was changed.")
    name = name.strip() or f"Tax {format_rate(rate_bp)}%"
    with conn.transaction(), conn.cursor() as cur:
        event = append_event(cur, TAX_CLASS_SET, OFFICE_ALL, {"code": code, "name": name, "rate_bp": rate_bp})
        cur.execute("INSERT INTO hq_tax_classes (code, name, rate_bp, set_seq) VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, rate_bp = EXCLUDED.rate_bp,"
                    " set_seq = EXCLUDED.set_seq", (code, name, rate_bp, event.seq))
    return event


def _column(cell: str) -> str:
    key = re.sub(r"[\s\-]+", "_", cell.strip().lower())
    return _ALIASES.get(key, key)


def read_catalog_csv(text: str, parse_price: Any) -> list[CatalogLine]:
    """``sku,name,price`` lines (a header first), optionally with ``barcodes``, ``category`` and ``tax_class``
    (named as in the till's own catalogue CSV); the price as people write it (2.50)."""
    rows = list(csv.reader(io.StringIO(text)))
    header = [_column(cell) for cell in rows[0]] if rows else []
    if len(rows) < 2 or any(column not in header for column in _NEEDED_COLUMNS):
        raise InvalidInput("the catalogue file needs a header line sku,name,price (and optionally barcodes,"
                           " category, tax_class) and one line a product; nothing was imported.")
    unknown = [column for column in header if column not in CATALOG_COLUMNS]
    if unknown or len(set(header)) != len(header):
        what = f"an unknown column {unknown[0]!r}" if unknown else "a column twice"
        raise InvalidInput(f"the catalogue file's header has {what}: its columns are {', '.join(CATALOG_COLUMNS)};"
                           " nothing was imported.")
    lines = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise InvalidInput(f"line {number} of the catalogue file has {len(cells)} fields where the header has"
                               f" {len(header)} (a value with a comma needs quotes); nothing was imported.")
        row = {column: cell.strip() for column, cell in zip(header, cells, strict=True)}
        lines.append(_line(number, row, parse_price))
    return lines


def _line(number: int, row: dict[str, str], parse_price: Any) -> CatalogLine:
    sku, name = row["sku"], row["name"]
    if not sku or not name:
        raise InvalidInput(f"line {number} of the catalogue file has no SKU or no name; nothing was imported.")
    barcodes, category, tax_class = row.get("barcodes", ""), row.get("category", ""), row.get("tax_class", "")
    if (barcodes or category) and not tax_class:
        raise InvalidInput(f"line {number} of the catalogue file (SKU {sku}) has a barcode or category but no"
                           " tax_class: a store needs the tax class to sell a product; add it, or leave barcodes and"
                           " category empty to set a price only. Nothing was imported.")
    try:
        return CatalogLine(sku, name, parse_price(row["price"]), normal_barcodes(barcodes), category,
                           tax_class.lower())
    except PosError as error:
        raise InvalidInput(f"line {number} of the catalogue file (SKU {sku}): {error.message.rstrip('.')};"
                           " nothing was imported.") from None


def catalog(conn: psycopg.Connection[Any]) -> list[CatalogLine]:
    rows = conn.execute("SELECT sku, name, price, barcodes, category, tax_class FROM hq_catalog ORDER BY sku"
                        ).fetchall()
    return [CatalogLine(*row) for row in rows]


def unpublished(conn: psycopg.Connection[Any], limit: int = 500) -> list[OfficeEvent]:
    import json

    rows = conn.execute("SELECT seq, kind, target, payload, prev_hash, hash FROM hq_office_events WHERE NOT published"
                        " ORDER BY seq LIMIT %s", (limit,)).fetchall()
    return [OfficeEvent(int(seq), kind, target, json.loads(payload), prev_hash, digest)
            for seq, kind, target, payload, prev_hash, digest in rows]


def mark_published(conn: psycopg.Connection[Any], upto: int) -> None:
    conn.execute("UPDATE hq_office_events SET published = true WHERE seq <= %s AND NOT published", (upto,))
