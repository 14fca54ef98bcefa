"""The catalogue as CSV: import a shop's spreadsheet (all or nothing, every bad row named) and export one.

An import reads the file twice and never holds it in memory: the first pass checks every row and the
rows against each other (in a scratch SQLite file, so a million rows cost disk, not RAM); the second
pass, inside one write transaction, records one journal event per product change.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, TextIO

from pos_tui.domain.barcode import normalize_gtin
from pos_tui.domain.errors import InvalidInput, PosError
from pos_tui.domain.events import BarcodeSpec, PriceChanged, ProductAdded, ProductChanged, ProductDetails
from pos_tui.domain.money import format_amount, format_quantity, parse_amount
from pos_tui.domain.scan import parse_quantity
from pos_tui.ledger.bulk import append_many
from pos_tui.services import catalog
from pos_tui.services.session import Session

COLUMNS = ("sku", "name", "barcodes", "category", "price", "cost", "tax_class", "unit", "reorder_level", "vendor",
           "group", "variant")
NEEDED_FOR_NEW = ("name", "price", "tax_class")
_HEADER_HINT = f"Its first line names the columns: {', '.join(COLUMNS)}."
SAVE_AS_UTF8 = 'Save it from your spreadsheet as "CSV UTF-8 (comma delimited)" and import again.'

_ALIASES = {"barcode": "barcodes", "reorder": "reorder_level", "tax": "tax_class", "supplier": "vendor"}
_EXCEL_NUMBER = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")
_ZERO = re.compile(r"^0*\.?0*$")
_ADD_CHUNK = 1000
_MAX_REORDER = 10**9  # thousandths: a million units


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class ImportSummary:
    """What an import did. ``changed`` and ``repriced`` count rows; one row can be both."""

    rows: int
    added: int
    changed: int
    repriced: int
    unchanged: int
    skipped: int
    problems: tuple[RowProblem, ...] = ()
    dry_run: bool = False


class RowsRejected(InvalidInput):
    """A file with bad rows, imported without ``skip_bad``: nothing was imported."""

    def __init__(self, message: str, hint: str, problems: tuple[RowProblem, ...]) -> None:
        super().__init__(message, hint)
        self.problems = problems


class _Missing(Exception):
    """A required cell is blank."""


class _DryRun(Exception):
    """Raised inside the write transaction to roll a dry run back."""


# --- reading the file -------------------------------------------------------------------------


def _text_lines(path: Path) -> Iterator[str]:
    """The file's lines as text; anything but UTF-8 (with or without BOM) is refused with its line."""
    with path.open("rb") as raw:
        start = raw.read(4)
        if start.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise InvalidInput(f"{path.name} is saved as UTF-16 or UTF-32 text, not UTF-8.", SAVE_AS_UTF8)
        raw.seek(len(codecs.BOM_UTF8) if start.startswith(codecs.BOM_UTF8) else 0)
        for number, line in enumerate(raw, start=1):
            if b"\x00" in line:
                raise InvalidInput(
                    f"{path.name} line {number} contains NUL bytes: it is UTF-16 text or not a CSV file.", SAVE_AS_UTF8
                )
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError as error:
                raise InvalidInput(
                    f"{path.name} line {number} is not UTF-8 text (byte 0x{line[error.start]:02x}); it was saved "
                    "in another encoding such as Latin-1 or Windows-1252.",
                    SAVE_AS_UTF8,
                ) from None


def _column_key(cell: str) -> str:
    key = re.sub(r"[\s\-]+", "_", cell.strip().lower())
    return _ALIASES.get(key, key)


class _CsvRows:
    """A catalogue CSV: the header's columns, then ``(line, cells)`` for each non-blank data row."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise InvalidInput(f"There is no file {path}.", "Check the file name.")
        self.path = path
        self._lines = _text_lines(path)
        try:
            first = next(self._lines, None)
        except OSError as error:
            raise InvalidInput(f"Cannot read {path}: {error.strerror}.", "Check the file's permissions.") from None
        if first is None or not first.strip():
            raise InvalidInput(f"{path.name} has no header row.", _HEADER_HINT)
        # Spreadsheets in comma-decimal locales save with semicolons; the header says which.
        self.delimiter = ";" if first.count(";") > first.count(",") else ","
        self._reader = csv.reader(itertools.chain([first], self._lines), delimiter=self.delimiter)
        self.columns: list[str | None] = []
        for cell in self._cells():
            key = _column_key(cell)
            if key and key not in COLUMNS:
                raise InvalidInput(f"{path.name} line 1: unknown column {cell.strip()!r}.",
                                   f"The columns are: {', '.join(COLUMNS)}.")
            if key and key in self.columns:
                raise InvalidInput(f"{path.name} line 1: column {key!r} appears twice.", "Delete one of them.")
            self.columns.append(key or None)
        if "sku" not in self.columns:
            raise InvalidInput(f"{path.name} has no sku column.", _HEADER_HINT)
        self.present = frozenset(c for c in self.columns if c)
        self.sku_at = self.columns.index("sku")

    def _cells(self) -> list[str]:
        try:
            return next(self._reader)
        except csv.Error as error:
            raise InvalidInput(f"{self.path.name} line {self._reader.line_num}: {error}.",
                               "A value with a comma, quote or line break must be in double quotes.") from None

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            line = self._reader.line_num + 1
            try:
                cells = self._cells()
            except StopIteration:
                return
            if any(cell.strip() for cell in cells):
                yield line, cells

    def sku(self, cells: list[str]) -> str:
        return cells[self.sku_at].strip() if len(cells) > self.sku_at else ""


# --- one row ----------------------------------------------------------------------------------


class _RowParser:
    """Turns a row's cells into typed values, or into sentences saying what is wrong with them."""

    def __init__(self, session: Session, columns: list[str | None]) -> None:
        self.columns = columns
        self.exponent = session.currency.exponent
        self.eight_digit = session.settings.barcodes.eight_digit
        self.instore_keys = {(layout.prefix, len(layout.prefix) + layout.pattern.count("I"))
                             for layout in session.instore_layouts}
        rows = session.ledger.conn.execute("SELECT code FROM tax_classes ORDER BY code").fetchall()
        self.tax_classes = {code.lower(): code for (code,) in rows}

    def parse(self, cells: list[str]) -> tuple[dict[str, Any], list[str]]:
        count = len(self.columns)
        if len(cells) < count or any(cell.strip() for cell in cells[count:]):
            return {}, [f"has {len(cells)} fields but the header has {count} (a value with a comma needs quotes)"]
        values: dict[str, Any] = {}
        problems: list[str] = []
        for column, cell in zip(self.columns, cells, strict=False):
            text = cell.strip()
            if column is None:
                if text:
                    problems.append(f"has the value {text!r} under a column with no name in the header")
                continue
            try:
                values[column] = getattr(self, f"_{column}")(text)
            except _Missing:
                problems.append(f"the {column.replace('_', ' ')} is missing")
            except PosError as error:
                problems.append(f"{column}: {error}")
        return values, problems

    @staticmethod
    def _required(text: str) -> str:
        if not text:
            raise _Missing
        return text

    def _sku(self, text: str) -> str:
        return self._required(text)

    def _name(self, text: str) -> str:
        return self._required(text)

    def _category(self, text: str) -> str:
        return text

    _vendor = _group = _variant = _category

    def _price(self, text: str) -> int:
        return self._money(self._required(text))

    def _cost(self, text: str) -> int:
        return self._money(text) if text else 0

    def _money(self, text: str) -> int:
        return parse_amount(text, self.exponent)

    def _tax_class(self, text: str) -> str:
        code = self.tax_classes.get(self._required(text).lower())
        if code is None:
            raise InvalidInput(f"{text!r} is not one of: {', '.join(self.tax_classes.values())}.")
        return code

    def _unit(self, text: str) -> str:
        unit = text.lower() or "each"
        if unit not in catalog.UNITS:
            raise InvalidInput(f"{text!r} is not one of: {', '.join(catalog.UNITS)}.")
        return unit

    def _reorder_level(self, text: str) -> int:
        if _ZERO.match(text):
            return 0
        if text.startswith("-"):
            raise InvalidInput(f"{text!r} is negative; a reorder level is zero or more.")
        return parse_quantity(text, ceiling=_MAX_REORDER)

    def _barcodes(self, text: str) -> tuple[BarcodeSpec, ...]:
        specs: dict[str, BarcodeSpec] = {}
        for piece in (p.strip() for p in text.split("|")):
            if not piece:
                continue
            code, star, pack = (part.strip() for part in piece.partition("*"))
            if _EXCEL_NUMBER.match(code):
                raise InvalidInput(f"{code!r} is a barcode the spreadsheet turned into a number.",
                                   "Format the barcodes column as Text and type the codes again.")
            multiplier = 1000
            if star:
                if pack.startswith("-") or _ZERO.match(pack):
                    raise InvalidInput(f"the pack size of {code} must be above 0, not {pack!r}.")
                multiplier = parse_quantity(pack)
            key = self._barcode_key(code)
            if key in specs:
                raise InvalidInput(f"barcode {code} is listed twice.")
            specs[key] = BarcodeSpec(key, multiplier)
        return tuple(specs.values())

    def _barcode_key(self, code: str) -> str:
        """In-store item codes (prefix and item digits of a scale layout) as given, GTINs normalised."""
        if code.isascii() and code.isdigit():
            if any(code.startswith(prefix) and len(code) == length for prefix, length in self.instore_keys):
                return code
            if len(code) == 7 and code.startswith("2"):
                return code
        try:
            return normalize_gtin(code, eight_digit=self.eight_digit)
        except PosError as error:
            raise InvalidInput(error.message) from None


# --- checking the whole file ------------------------------------------------------------------


def _head_seq(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM journal").fetchone()
    return int(row[0])


def _product_id(conn: sqlite3.Connection, sku: str) -> int | None:
    row = conn.execute("SELECT product_id FROM products WHERE sku = ?", (sku,)).fetchone()
    return None if row is None else int(row[0])


def _lines_text(lines: list[int]) -> str:
    shown = ", ".join(str(line) for line in lines[:5])
    return shown + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")


@dataclass(frozen=True)
class _Checked:
    rows: int
    problems: tuple[RowProblem, ...]
    bad_lines: frozenset[int]
    head_seq: int


def _check_file(session: Session, path: Path) -> _Checked:
    """Every problem in the file, with its line: each row alone, then the rows against each other."""
    conn = session.ledger.conn
    head_seq = _head_seq(conn)
    csv_rows = _CsvRows(path)
    parser = _RowParser(session, csv_rows.columns)
    problems: list[RowProblem] = []
    scratch = sqlite3.connect("")  # a private temporary file: cross-row checks without holding the file in RAM
    try:
        scratch.executescript(
            "CREATE TABLE skus (sku TEXT NOT NULL, line INTEGER NOT NULL);"
            "CREATE TABLE codes (code TEXT NOT NULL, line INTEGER NOT NULL);"
            "CREATE TABLE claims (line INTEGER NOT NULL, code TEXT NOT NULL, owner TEXT NOT NULL);"
        )
        rows = 0
        needed_columns_present = csv_rows.present.issuperset(NEEDED_FOR_NEW)
        for line, cells in csv_rows:
            rows += 1
            values, row_problems = parser.parse(cells)
            sku = values.get("sku", "")
            if sku:
                scratch.execute("INSERT INTO skus VALUES (?, ?)", (sku, line))
                if not needed_columns_present and _product_id(conn, sku) is None:
                    row_problems += [f"{column} is needed for a new product and the file has no {column} column"
                                     for column in NEEDED_FOR_NEW if column not in csv_rows.present]
            for spec in values.get("barcodes", ()):
                scratch.execute("INSERT INTO codes VALUES (?, ?)", (spec.code, line))
                owner = conn.execute(
                    "SELECT p.sku FROM barcodes b JOIN products p USING (product_id) WHERE b.code = ?", (spec.code,)
                ).fetchone()
                if owner is not None and owner[0] != sku:
                    scratch.execute("INSERT INTO claims VALUES (?, ?, ?)", (line, spec.code, owner[0]))
            problems += [RowProblem(line, reason) for reason in row_problems]
        scratch.executescript("CREATE INDEX skus_sku ON skus (sku); CREATE INDEX codes_code ON codes (code);")
        problems += _duplicates(scratch, "skus", "sku", "SKU {!r} is also on line {}")
        problems += _duplicates(scratch, "codes", "code", "barcode {} is also on line {}")
        bad = {problem.line for problem in problems}
        problems += _taken_barcodes(scratch, bad)
    finally:
        scratch.close()
    problems.sort(key=lambda problem: problem.line)
    return _Checked(rows, tuple(problems), frozenset(problem.line for problem in problems), head_seq)


def _duplicates(scratch: sqlite3.Connection, table: str, column: str, reason: str) -> Iterator[RowProblem]:
    query = f"SELECT {column}, group_concat(line) FROM {table} GROUP BY {column} HAVING COUNT(*) > 1"
    for value, joined in scratch.execute(query).fetchall():
        lines = sorted(int(line) for line in joined.split(","))
        for line in lines:
            yield RowProblem(line, reason.format(value, _lines_text([other for other in lines if other != line])))


def _taken_barcodes(scratch: sqlite3.Connection, bad: set[int]) -> list[RowProblem]:
    """Barcodes another product holds: fine only if that product's row is in the file, drops the code, and
    is itself imported (which can depend on further moves, hence the loop)."""
    problems = []
    moves = []
    for line, code, owner in scratch.execute("SELECT line, code, owner FROM claims ORDER BY line").fetchall():
        owner_lines = [row[0] for row in scratch.execute("SELECT line FROM skus WHERE sku = ?", (owner,))]
        if not owner_lines:
            problems.append(RowProblem(line, f"barcode {code} belongs to product {owner!r}, which is not in this file; "
                                             "take it off that product or use another code"))
        elif scratch.execute("SELECT COUNT(*) FROM codes WHERE code = ?", (code,)).fetchone()[0] == 1:
            moves.append((line, code, owner, owner_lines))
        # else: the owner's row keeps the code, already reported as a barcode on two rows
    bad.update(problem.line for problem in problems)
    moved = True
    while moved:
        moved = False
        for line, code, owner, owner_lines in moves:
            blocked = [other for other in owner_lines if other in bad]
            if line not in bad and blocked:
                problems.append(RowProblem(line, f"barcode {code} stays with {owner!r}, whose row on line "
                                                 f"{_lines_text(blocked)} cannot be imported"))
                bad.add(line)
                moved = True
    return problems


def check_catalog_file(session: Session, path: Path) -> tuple[RowProblem, ...]:
    """Every problem an import of ``path`` would report; changes nothing."""
    return _check_file(session, path).problems


# --- importing --------------------------------------------------------------------------------


def _details_of(product: catalog.Product, barcodes: tuple[BarcodeSpec, ...]) -> ProductDetails:
    return ProductDetails(product.sku, product.name, product.category, product.vendor, product.unit, product.price,
                          product.cost, product.tax_class, product.reorder_level, product.group, product.variant,
                          barcodes)


def _sorted_codes(details: ProductDetails) -> ProductDetails:
    return replace(details, barcodes=tuple(sorted(details.barcodes, key=lambda spec: spec.code)))


_DETAIL_FIELDS = tuple(f.name for f in fields(ProductDetails))


def import_catalog(session: Session, path: Path, *, skip_bad: bool = False, dry_run: bool = False) -> ImportSummary:
    """Import a catalogue CSV in one transaction: new SKUs are added, known SKUs changed and repriced.

    Columns missing from the file leave a known product's values as they are; a blank cell means the default
    (a blank barcodes cell removes the product's barcodes). A file with bad rows imports
    nothing and raises `RowsRejected` listing them all, unless ``skip_bad``: then the good rows go in and the
    summary lists the skipped ones. ``dry_run`` does everything, then rolls it back.
    """
    checked = _check_file(session, path)
    _refuse_bad_rows(checked, path, skip_bad)
    reason = f"import {path.name}"
    counts = dict.fromkeys(("added", "changed", "repriced", "unchanged"), 0)
    try:
        with session.ledger.write() as conn:
            if _head_seq(conn) != checked.head_seq:  # another till changed the store meanwhile: check again
                checked = _check_file(session, path)
                _refuse_bad_rows(checked, path, skip_bad)
            # Known products first, so a barcode moving to a new product is free before the new one takes it.
            csv_rows = _CsvRows(path)
            parser = _RowParser(session, csv_rows.columns)
            for line, cells in csv_rows:
                product_id = None if line in checked.bad_lines else _product_id(conn, csv_rows.sku(cells))
                if product_id is not None:
                    outcome = _change(session, product_id, parser.parse(cells)[0], reason)
                    for key in outcome:
                        counts[key] += 1
            csv_rows = _CsvRows(path)
            batch: list[ProductDetails] = []
            for line, cells in csv_rows:
                if line in checked.bad_lines or _product_id(conn, csv_rows.sku(cells)) is not None:
                    continue
                values = parser.parse(cells)[0]
                batch.append(ProductDetails(**{"category": "", "vendor": "", "unit": "each", "cost": 0,
                                               "reorder_level": 0, **values}))
                if len(batch) >= _ADD_CHUNK:
                    counts["added"] += _add(session, batch)
                    batch = []
            counts["added"] += _add(session, batch)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return ImportSummary(checked.rows, counts["added"], counts["changed"], counts["repriced"], counts["unchanged"],
                         len(checked.bad_lines), checked.problems, dry_run)


def _add(session: Session, batch: list[ProductDetails]) -> int:
    """New products (already checked row by row), one ProductAdded each, appended in bulk."""
    if not batch:
        return 0
    conn = session.ledger.conn
    next_id = int(conn.execute("SELECT COALESCE(MAX(product_id), 0) + 1 FROM products").fetchone()[0])
    events = [ProductAdded(next_id + offset, details) for offset, details in enumerate(batch)]
    append_many(session.ledger, events, session.actor, at=session.clock())
    return len(events)


def _refuse_bad_rows(checked: _Checked, path: Path, skip_bad: bool) -> None:
    if checked.problems and not skip_bad:
        raise RowsRejected(
            f"{len(checked.bad_lines)} of {checked.rows} rows in {path.name} have problems; nothing was imported.",
            "Fix those lines and import again, or skip them with --skip-bad.",
            checked.problems,
        )


def _change(session: Session, product_id: int, values: dict[str, Any], reason: str) -> list[str]:
    """The events one row makes for a known product; returns what happened ("changed", "repriced" or
    "unchanged")."""
    product = catalog.get_product(session, product_id)
    barcodes = tuple(BarcodeSpec(code, mult) for code, mult in catalog.product_barcodes(session, product_id))
    current = _details_of(product, barcodes)
    wanted = replace(current, **{name: value for name, value in values.items() if name in _DETAIL_FIELDS})
    outcome = []
    if _sorted_codes(replace(wanted, price=current.price)) != _sorted_codes(current):
        session.record(ProductChanged(product_id, wanted))
        outcome.append("changed")
    if wanted.price != current.price:
        session.record(PriceChanged(product_id, product.sku, current.price, wanted.price, reason))
        outcome.append("repriced")
    return outcome or ["unchanged"]


# --- exporting --------------------------------------------------------------------------------


def _barcodes_cell(specs: list[tuple[str, int]]) -> str:
    return "|".join(code if multiplier == 1000 else f"{code}*{format_quantity(multiplier)}"
                    for code, multiplier in specs)


def export_catalog(session: Session, out: TextIO, *, batch: int = 1000) -> int:
    """Every product as a CSV row with the import's columns, streamed in product order; returns the count.

    One read transaction, so the file is one consistent moment even while tills sell."""
    conn = session.ledger.conn
    exponent = session.currency.exponent
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    own_transaction = not conn.in_transaction
    if own_transaction:
        conn.execute("BEGIN")
    try:
        count = 0
        last_id = 0
        while True:
            rows = conn.execute(
                "SELECT product_id, sku, name, category, price, cost, tax_class, unit, reorder_level, vendor, grp,"
                " variant FROM products WHERE product_id > ? ORDER BY product_id LIMIT ?",
                (last_id, batch),
            ).fetchall()
            if not rows:
                return count
            codes: dict[int, list[tuple[str, int]]] = {}
            for product_id, code, multiplier in conn.execute(
                "SELECT product_id, code, multiplier FROM barcodes WHERE product_id BETWEEN ? AND ?"
                " ORDER BY product_id, code",
                (rows[0][0], rows[-1][0]),
            ):
                codes.setdefault(product_id, []).append((code, multiplier))
            for product_id, sku, name, category, price, cost, tax_class, unit, reorder, vendor, group, variant in rows:
                writer.writerow((sku, name, _barcodes_cell(codes.get(product_id, [])), category,
                                 format_amount(price, exponent, grouping=False),
                                 format_amount(cost, exponent, grouping=False), tax_class, unit,
                                 format_quantity(reorder), vendor, group, variant))
            count += len(rows)
            last_id = rows[-1][0]
    finally:
        if own_transaction:
            conn.execute("COMMIT")
