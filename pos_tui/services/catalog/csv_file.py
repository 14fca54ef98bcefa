"""The catalogue as CSV: import a shop's spreadsheet (all or nothing, every bad row named) and export one.

An import reads the file twice and never holds it in memory: the first pass checks every row and the
rows against each other (in a scratch SQLite file, so a million rows cost disk, not RAM); the second
pass, inside one write transaction, records one journal event per product change.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.events import BarcodeSpec, PriceChanged, ProductAdded, ProductChanged, ProductDetails
from pos_tui.domain.money import format_amount, format_quantity
from pos_tui.domain.permissions import Action, PermissionRequired
from pos_tui.ledger.bulk import append_many
from pos_tui.services.catalog import products
from pos_tui.services.catalog.csv_rows import COLUMNS, NEEDED_FOR_NEW, CsvRows, RowParser, RowProblem
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.services.session import Session

_ADD_CHUNK = 1000


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


class _DryRun(Exception):
    """Raised inside the write transaction to roll a dry run back."""


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
    csv_rows = CsvRows(path)
    parser = RowParser(session, csv_rows.columns)
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


def _details_of(product: products.Product, barcodes: tuple[BarcodeSpec, ...]) -> ProductDetails:
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

    The user needs ``product_edit``, and ``price_change`` too if a known product's price changes
    (``PermissionRequired`` otherwise, with nothing imported). There is no approval here: the
    command line has no supervisor at hand, so the role must hold them.
    """
    authz.require(session, Action.PRODUCT_EDIT)
    may_reprice = authz.can(session, Action.PRICE_CHANGE)
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
            csv_rows = CsvRows(path)
            parser = RowParser(session, csv_rows.columns)
            for line, cells in csv_rows:
                product_id = None if line in checked.bad_lines else _product_id(conn, csv_rows.sku(cells))
                if product_id is not None:
                    outcome = _change(session, product_id, parser.parse(cells)[0], reason, may_reprice)
                    for key in outcome:
                        counts[key] += 1
            csv_rows = CsvRows(path)
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


def _change(
    session: Session, product_id: int, values: dict[str, Any], reason: str, may_reprice: bool
) -> list[str]:
    """The events one row makes for a known product; returns what happened ("changed", "repriced" or
    "unchanged")."""
    product = products.get_product(session, product_id)
    barcodes = tuple(BarcodeSpec(code, mult) for code, mult in products.product_barcodes(session, product_id))
    current = _details_of(product, barcodes)
    wanted = replace(current, **{name: value for name, value in values.items() if name in _DETAIL_FIELDS})
    outcome = []
    if _sorted_codes(replace(wanted, price=current.price)) != _sorted_codes(current):
        session.record(ProductChanged(product_id, wanted))
        outcome.append("changed")
    if wanted.price != current.price:
        if not may_reprice:  # raised inside the import's one write: nothing of it stays
            raise PermissionRequired(Action.PRICE_CHANGE, session.username)
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
