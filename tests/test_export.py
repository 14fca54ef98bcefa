"""An accountant checks our books with their own tools: hledger, ledger and beancount agree to the paisa,
on a few sales and on a generated month of trading with shifts, paid-outs, drops and cash variances."""

from __future__ import annotations

import csv
import io
import random
import subprocess
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from pos_tui.domain.cart import Cart, Discount
from pos_tui.domain.cash_events import DenominationCount
from pos_tui.domain.errors import InvalidInput, NotFound
from pos_tui.domain.tender import Tender
from pos_tui.services.cash import day_reports, moves, shifts
from pos_tui.services.catalog import products
from pos_tui.services.reports import export
from pos_tui.services.selling import sales
from pos_tui.services.session import Session

from .conftest import MILK_BARCODE, TEA_BARCODE, make_store
from .support.tools import require_tool


def trade(session: Session, days_of_sales: int = 40, seed: int = 7) -> None:
    rng = random.Random(seed)
    references = []
    for _ in range(days_of_sales):
        cart = Cart().add(products.resolve_scan(session, f"{rng.randint(1, 4)}*{TEA_BARCODE}"))
        if rng.random() < 0.5:
            cart = cart.add(products.resolve_scan(session, MILK_BARCODE))
        if rng.random() < 0.3:
            cart = cart.with_discount(Discount("percent", rng.choice([250, 500, 1000])))
        split = [Tender("card", 10_000), Tender("cash", 900_000)]
        tenders = [Tender("cash", 1_000_000)] if rng.random() < 0.6 else split
        references.append(sales.complete_sale(session, cart, tenders).reference)
    sales.return_items(session, references[3], [(1, 1000)], reason="damaged")
    sales.void_sale(session, references[5], reason="rang up twice")


def trade_a_month(session: Session, seed: int = 11) -> None:
    """30 business days: a counted float, sales in cash, card and both, a return now and then, paid-ins and
    paid-outs, a drop, an expense from the safe, a blind count that is short, over or right, and a Z."""
    rng = random.Random(seed)
    start = datetime(2053, 2, 1, 4, 0, tzinfo=UTC)  # 09:00 in Karachi
    for day in range(30):
        moment = start + timedelta(days=day)
        session.clock = lambda: moment  # noqa: B023 - each day's calls happen inside its own iteration
        shifts.open_shift(session, counts=[DenominationCount(100000, rng.randint(1, 3)), DenominationCount(10000, 5)])
        references = []
        for _ in range(rng.randint(3, 6)):
            cart = Cart().add(products.resolve_scan(session, f"{rng.randint(1, 3)}*{TEA_BARCODE}"))
            if rng.random() < 0.4:
                cart = cart.add(products.resolve_scan(session, MILK_BARCODE))
            total = sales.complete_sale(session, cart, [Tender("card", 10_000), Tender("cash", 900_000)]
                                        if rng.random() < 0.3 else [Tender("cash", 1_000_000)])
            references.append(total.reference)
        if rng.random() < 0.3:
            sales.return_items(session, references[0], [(1, 1000)], reason="damaged")
        if rng.random() < 0.5:
            moves.paid_out(session, rng.randint(1, 50) * 100, rng.choice(["cleaning", "transport", "staff-meals"]),
                          "generated")
        if rng.random() < 0.3:
            moves.paid_in(session, rng.randint(1, 20) * 1000, rng.choice(["owner", "misc"]), "generated")
        if rng.random() < 0.5:
            moves.drop(session, min(100000, shifts.drawer_expected(session)), "to the safe")
        if rng.random() < 0.2:
            moves.expense(session, rng.randint(1, 30) * 1000, "utilities", "electricity bill")
        moves.no_sale(session, "change for a note")
        shifts.close_shift(session, counted=shifts.drawer_expected(session) + rng.choice([-500, -100, 0, 0, 200]))
        day_reports.z_report(session)


def write(session: Session, fmt: export.ExportFormat, path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        export.export_journal(session, fmt, handle)
    return path


def minor(text: str) -> int:
    return int(Decimal(text) * 100)  # the test oracle's parse of the tools' output; exponent 2


@pytest.fixture(params=["a few sales", "a month with cash control"])
def traded(store: Session, request: pytest.FixtureRequest) -> Session:
    if request.param == "a few sales":
        trade(store)
    else:
        trade_a_month(store)
        accounts = export.account_balances(store)
        assert {"expenses:cash-short", "income:cash-over", "assets:cash:safe", "expenses:utilities"} <= set(accounts)
    return store


def test_hledger_accepts_the_export_and_every_balance_matches_ours(traded: Session, tmp_path: Path) -> None:
    hledger = require_tool("hledger")
    journal = write(traded, "hledger", tmp_path / "books.journal")
    subprocess.run([hledger, "check", "-f", str(journal), "accounts", "commodities"], check=True)
    output = subprocess.run([hledger, "-f", str(journal), "bal", "--flat", "-N", "-O", "csv"], check=True,
                            capture_output=True, text=True).stdout
    theirs = {row[0]: minor(row[1].split()[0]) for row in list(csv.reader(io.StringIO(output)))[1:]}
    assert theirs == {a: b for a, b in export.account_balances(traded).items() if b}


def test_ledger_pedantic_accepts_the_export_and_balances_match(traded: Session, tmp_path: Path) -> None:
    ledger = require_tool("ledger")
    journal = write(traded, "ledger", tmp_path / "books.ledger")
    output = subprocess.run(
        [ledger, "--pedantic", "-f", str(journal), "bal", "--flat", "--no-total",
         "--format", "%(account)\t%(quantity(amount))\n"],
        check=True, capture_output=True, text=True,
    ).stdout
    theirs = {line.split("\t")[0]: minor(line.split("\t")[1]) for line in output.splitlines() if line}
    assert theirs == {a: b for a, b in export.account_balances(traded).items() if b}


def test_bean_check_accepts_the_export_and_balances_match(traded: Session, tmp_path: Path) -> None:
    from beancount import loader
    from beancount.core import realization

    path = write(traded, "beancount", tmp_path / "books.beancount")
    entries, errors, _ = loader.load_file(str(path))
    assert errors == []
    real = realization.realize(entries)
    theirs = {}
    for account in realization.iter_children(real):
        units = account.balance.get_currency_units("PKR").number
        if account.txn_postings and units:
            theirs[account.account] = minor(str(units))
    ours = {export.beancount_account(a): b for a, b in export.account_balances(traded).items() if b}
    assert theirs == ours


def test_csv_export_has_one_row_per_posting_in_minor_units(traded: Session) -> None:
    buffer = io.StringIO()
    export.export_journal(traded, "csv", buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["account"]] = totals.get(row["account"], 0) + int(row["amount_minor"])
    assert totals == export.account_balances(traded)
    assert sum(int(r["amount_minor"]) for r in rows) == 0


def test_an_export_range_with_no_data_says_so(traded: Session) -> None:
    with pytest.raises(NotFound, match="No money moved between 1999-01-01 and 1999-01-31"):
        export.export_journal(traded, "hledger", io.StringIO(), from_day="1999-01-01", to_day="1999-01-31")


def test_a_store_with_no_money_movements_cannot_export(tmp_path: Path) -> None:
    session = make_store(tmp_path / "empty.db", stock=False)
    with pytest.raises(NotFound, match="no money movements"):
        export.export_journal(session, "csv", io.StringIO())
    session.close()


def test_the_sales_export_has_a_row_per_sold_line_that_adds_up_to_the_sales(traded: Session) -> None:
    buffer = io.StringIO()
    count = export.export_sales(traded, buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    totals = traded.ledger.conn.execute("SELECT COUNT(*), SUM(total) FROM sales").fetchone()
    assert count == totals[0] == len({row["sale"] for row in rows})
    assert sum(int(row["gross"]) for row in rows) == totals[1]


def test_an_export_range_that_is_not_a_day_says_so(traded: Session) -> None:
    with pytest.raises(InvalidInput, match="--from '2053-13-01' is not a day"):
        export.export_journal(traded, "csv", io.StringIO(), from_day="2053-13-01")
