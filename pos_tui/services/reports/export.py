"""Exports for a store's accountant: the journal as hledger, ledger, beancount or CSV, and the sales as CSV.

The journal text declares its commodity and accounts so `hledger check`, `ledger --pedantic` and
`bean-check` accept it as is, and every account's balance equals the store's own to the paisa. Ranges
are business days, both ends included; a range with nothing in it is a ``NotFound`` sentence.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal, TextIO

from pos_tui.domain.errors import InvalidInput, NotFound
from pos_tui.domain.money import format_amount
from pos_tui.services.selling.sales import sale_reference

if TYPE_CHECKING:
    from pos_tui.services.session import Session

ExportFormat = Literal["hledger", "ledger", "beancount", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("hledger", "ledger", "beancount", "csv")


@dataclass(frozen=True)
class MoneyEntry:
    seq: int
    at: str
    day: str
    kind: str
    user: str
    reference: str
    hash: str
    postings: tuple[tuple[str, int], ...]


def money_entries(session: Session, from_day: str, to_day: str, *, batch: int = 5000) -> Iterator[MoneyEntry]:
    """Journal entries with postings whose business day is in the range, in journal order."""
    conn = session.ledger.conn
    last = 0
    while True:
        rows = conn.execute(
            "SELECT j.seq, j.at, j.day, j.kind, j.user, j.hash,"
            " COALESCE(s.terminal, r.terminal), COALESCE(s.number, r.number)"
            " FROM journal j LEFT JOIN sales s ON s.seq = j.seq LEFT JOIN returns r ON r.seq = j.seq"
            " WHERE j.day BETWEEN ? AND ? AND j.seq > ? AND EXISTS (SELECT 1 FROM postings p WHERE p.seq = j.seq)"
            " ORDER BY j.seq LIMIT ?",
            (from_day, to_day, last, batch),
        ).fetchall()
        if not rows:
            return
        legs: dict[int, list[tuple[str, int]]] = {}
        for seq, account, amount in conn.execute(
            "SELECT seq, account, amount FROM postings WHERE seq BETWEEN ? AND ? ORDER BY seq, leg",
            (rows[0][0], rows[-1][0]),
        ):
            legs.setdefault(seq, []).append((account, amount))
        for seq, at, day, kind, user, digest, terminal, number in rows:
            if terminal is None:
                reference = f"J{seq}"
            else:
                reference = ("R" if kind == "sale.returned" else "") + sale_reference(terminal, number)
            yield MoneyEntry(seq, at, day, kind, user, reference, digest, tuple(legs[seq]))
        last = rows[-1][0]


def _check_day(text: str | None, option: str) -> None:
    if text is None:
        return
    try:
        date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{option} {text!r} is not a day.", "Write business days as YYYY-MM-DD.") from None


def _day_range(session: Session, from_day: str | None, to_day: str | None) -> tuple[str, str]:
    _check_day(from_day, "--from")
    _check_day(to_day, "--to")
    first, last = session.ledger.conn.execute(
        "SELECT MIN(day), MAX(day) FROM journal WHERE seq IN (SELECT seq FROM postings)"
    ).fetchone()
    if first is None:
        raise NotFound("This store has no money movements to export yet.", "Sell something first.")
    return from_day or first, to_day or last


def _accounts(session: Session) -> list[str]:
    return [a for (a,) in session.ledger.conn.execute("SELECT DISTINCT account FROM postings ORDER BY account")]


def beancount_account(account: str) -> str:
    """"assets:cash:drawer:T1" -> "Assets:Cash:Drawer:T1" (beancount wants capitalised components)."""
    return ":".join(part[:1].upper() + part[1:] for part in account.split(":"))


def export_journal(
    session: Session, fmt: ExportFormat, out: TextIO, *, from_day: str | None = None, to_day: str | None = None
) -> int:
    """Write the money entries of the range to ``out``; returns how many were written."""
    start, end = _day_range(session, from_day, to_day)
    info = session.ledger.store_info()
    currency, exponent = info.currency, info.exponent

    def amount(minor: int) -> str:
        return f"{format_amount(minor, exponent, grouping=False)} {currency}"

    entries = money_entries(session, start, end)
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["seq", "at", "day", "kind", "reference", "user", "account", "amount_minor", "amount",
                         "currency", "hash"])
        for e in entries:
            for account, minor in e.postings:
                writer.writerow([e.seq, e.at, e.day, e.kind, e.reference, e.user, account, minor,
                                 format_amount(minor, exponent, grouping=False), currency, e.hash])
            count += 1
    elif fmt == "beancount":
        out.write(f'option "title" "{info.name}"\noption "operating_currency" "{currency}"\n\n')
        for account in _accounts(session):
            out.write(f"{start} open {beancount_account(account)} {currency}\n")
        for e in entries:
            out.write(f'\n{e.day} * "{e.reference}" "{e.kind}"\n  seq: "{e.seq}"\n  hash: "{e.hash}"\n')
            for account, minor in e.postings:
                out.write(f"  {beancount_account(account)}  {amount(minor)}\n")
            count += 1
    else:
        sample = format_amount(100_000 * 10**exponent, exponent, grouping=False)
        out.write(f"; {info.name}: journal export {start}..{end}\n")
        out.write(f"commodity {currency}\n    format {sample} {currency}\n\n")
        for account in _accounts(session):
            out.write(f"account {account}\n")
        for e in entries:
            out.write(f"\n{e.day} * {e.reference}  ; {e.kind} seq:{e.seq} hash:{e.hash[:16]}\n")
            for account, minor in e.postings:
                out.write(f"    {account}  {amount(minor)}\n")
            count += 1
    if count == 0:
        raise NotFound(f"No money moved between {start} and {end}.", "Choose another range with --from/--to.")
    return count


def account_balances(session: Session, from_day: str | None = None, to_day: str | None = None) -> dict[str, int]:
    """Our own balance of every account over the range, for checking an export against."""
    start, end = _day_range(session, from_day, to_day)
    rows = session.ledger.conn.execute(
        "SELECT p.account, SUM(p.amount) FROM postings p JOIN journal j ON j.seq = p.seq"
        " WHERE j.day BETWEEN ? AND ? GROUP BY p.account ORDER BY p.account",
        (start, end),
    )
    return {account: total for account, total in rows}


SALES_COLUMNS = ("sale", "at", "day", "terminal", "cashier", "line", "sku", "name", "unit", "quantity", "unit_price",
                 "discount", "net", "tax", "gross", "tax_rate_bp", "tax_class", "cost", "returned_quantity",
                 "sale_total", "payments", "journal_hash")


def export_sales(session: Session, out: TextIO, *, from_day: str | None = None, to_day: str | None = None) -> int:
    """One CSV row per sold line (amounts in minor units, quantities in thousandths); returns the sales written."""
    start, end = _day_range(session, from_day, to_day)
    conn = session.ledger.conn
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SALES_COLUMNS)
    count, last = 0, 0
    while True:
        sales = conn.execute(
            "SELECT s.seq, s.terminal, s.number, s.at, s.day, s.username, s.total, j.hash FROM sales s"
            " JOIN journal j ON j.seq = s.seq WHERE s.day BETWEEN ? AND ? AND s.seq > ? ORDER BY s.seq LIMIT 2000",
            (start, end, last),
        ).fetchall()
        if not sales:
            break
        first_seq, last = sales[0][0], sales[-1][0]
        lines: dict[int, list[tuple[object, ...]]] = {}
        for row in conn.execute(
            "SELECT sale_seq, line_no, sku, name, unit, quantity, unit_price, line_discount + cart_discount, net, tax,"
            " gross, tax_rate_bp, tax_class, cost, returned_quantity FROM sale_lines"
            " WHERE sale_seq BETWEEN ? AND ? ORDER BY sale_seq, line_no",
            (first_seq, last),
        ):
            lines.setdefault(row[0], []).append(row[1:])
        payments: dict[int, list[str]] = {}
        for sale_seq, method, amount in conn.execute(
            "SELECT sale_seq, method, amount FROM sale_tenders WHERE sale_seq BETWEEN ? AND ? ORDER BY sale_seq, n",
            (first_seq, last),
        ):
            payments.setdefault(sale_seq, []).append(f"{method}:{amount}")
        for seq, terminal, number, at, day, user, total, digest in sales:
            paid = " ".join(payments.get(seq, ()))
            for line in lines.get(seq, ()):
                writer.writerow([sale_reference(terminal, number), at, day, terminal, user, *line, total, paid, digest])
            count += 1
    if count == 0:
        raise NotFound(f"No sales between {start} and {end}.", "Choose another range with --from/--to.")
    return count
