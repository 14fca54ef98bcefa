"""Reading a shop's catalogue CSV: the text (UTF-8 only), the header's columns, and each row as
typed values or as sentences saying what is wrong with it. ``catalog_csv`` checks and imports them."""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pos_tui.domain.barcode import normalize_gtin
from pos_tui.domain.errors import InvalidInput, PosError
from pos_tui.domain.events import BarcodeSpec
from pos_tui.domain.money import parse_amount
from pos_tui.domain.scan import parse_quantity
from pos_tui.services.catalog import products

if TYPE_CHECKING:
    from pos_tui.services.session import Session

COLUMNS = ("sku", "name", "barcodes", "category", "price", "cost", "tax_class", "unit", "reorder_level", "vendor",
           "group", "variant")
NEEDED_FOR_NEW = ("name", "price", "tax_class")
_HEADER_HINT = f"Its first line names the columns: {', '.join(COLUMNS)}."
SAVE_AS_UTF8 = 'Save it from your spreadsheet as "CSV UTF-8 (comma delimited)" and import again.'

_ALIASES = {"barcode": "barcodes", "reorder": "reorder_level", "tax": "tax_class", "supplier": "vendor"}
_EXCEL_NUMBER = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")
_MAX_REORDER = 10**9  # thousandths: a million units
_ZERO = re.compile(r"^0*\.?0*$")


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class _Missing(Exception):
    """A required cell is blank."""


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


class CsvRows:
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


def _fields(count: int) -> str:
    return "field" if count == 1 else "fields"


class RowParser:
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
        if len(cells) < count:
            return {}, [f"is short: it has {len(cells)} {_fields(len(cells))} where the header has {count}"
                        " (fill in the missing ones, even if empty: a,b,,d)"]
        if any(cell.strip() for cell in cells[count:]):
            return {}, [f"has {len(cells)} fields but the header has {count}"
                        " (a value with a comma in it needs quotes: \"Tea, 200g\")"]
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
        if unit not in products.UNITS:
            raise InvalidInput(f"{text!r} is not one of: {', '.join(products.UNITS)}.")
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
