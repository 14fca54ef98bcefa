"""`pos daybook`: the daybook for managers without the till screen, as a table or CSV.

Pages through the service with its keyset (any range, a page at a time in memory) and ends the
table with the range's totals, which the service sums in SQL over exactly the rows listed.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import TYPE_CHECKING, Annotated

import typer

from pos_tui.cli.common import ConfigOption, DbOption, fail, reports_errors, session_from
from pos_tui.domain.money import format_amount
from pos_tui.services.cash import daybook
from pos_tui.services.cash.daybook import MovementFilter

if TYPE_CHECKING:
    from pos_tui.services.session import Session

COLUMNS = ("Day", "Time", "Kind", "Reference", "Cashier", "Method", "In", "Out")
WIDTHS = (10, 8, 11, 22, 10, 11, 14, 14)


@reports_errors
def daybook_command(
    first: Annotated[str, typer.Option("--from", help="today, yesterday, week, or YYYY-MM-DD [HH:MM].")] = "today",
    last: Annotated[str, typer.Option("--to", help="YYYY-MM-DD [HH:MM] (default: the same day).")] = "",
    kind: Annotated[str, typer.Option(help="sale, return, float, paid in, paid out, drop, expense...")] = "",
    method: Annotated[str, typer.Option(help="A tender method code (cash, card...) or cash:safe.")] = "",
    cashier: Annotated[str, typer.Option(help="A user name.")] = "",
    shift: Annotated[str, typer.Option(help="A shift, e.g. T1-S0007.")] = "",
    text: Annotated[str, typer.Option(help="A sale number, or words in a note, reason or item.")] = "",
    output: Annotated[str, typer.Option("--format", help="table or csv.")] = "table",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Every money movement of a range of days: time, kind, reference, cashier, method, in, out."""
    if output not in {"table", "csv"}:
        fail(f"--format {output!r} is not known; use table or csv.")
    with closing(session_from(db, config, read_only=True)) as session:
        days = daybook.parse_range(session, first, last)
        where = MovementFilter(daybook.kind_of(kind) if kind else "", method.strip(), cashier.strip(), shift.strip(),
                               text.strip())
        if output == "csv":
            _write_csv(session, days, where)
        else:
            _write_table(session, days, where)


def _pages(session: Session, days: daybook.DayRange, where: MovementFilter) -> Iterator[list[daybook.Movement]]:
    after = daybook.FIRST_KEY
    while page := daybook.movements(session, days, where, after=after, limit=daybook.MAX_PAGE):
        after = page[-1].key
        yield page


def _cells(session: Session, m: daybook.Movement, amount: Callable[[int], str]) -> list[str]:
    return [m.day, daybook.local_time(session, m.at), m.kind, m.reference, m.cashier, m.method,
            amount(m.money_in) if m.money_in else "", amount(m.money_out) if m.money_out else ""]


def _write_csv(session: Session, days: daybook.DayRange, where: MovementFilter) -> None:
    exponent = session.currency.exponent
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([c.lower() for c in COLUMNS])
    for page in _pages(session, days, where):
        writer.writerows(_cells(session, m, lambda a: format_amount(a, exponent, grouping=False)) for m in page)


def _line(cells: list[str]) -> str:
    parts = []
    for n, (cell, width) in enumerate(zip(cells, WIDTHS, strict=True)):
        cell = cell if len(cell) <= width else cell[: width - 1] + "…"
        parts.append(cell.rjust(width) if n >= 6 else cell.ljust(width))
    return "  ".join(parts).rstrip()


def _write_table(session: Session, days: daybook.DayRange, where: MovementFilter) -> None:
    money = session.currency
    typer.echo(_line(list(COLUMNS)))
    for page in _pages(session, days, where):
        for m in page:
            typer.echo(_line(_cells(session, m, lambda a: money.format(a, symbol=False))))
    sums = daybook.sums(session, days, where)
    typer.echo("")
    typer.echo(f"{days.describe()}: {sums.rows} movements, in {money.format(sums.money_in)},"
               f" out {money.format(sums.money_out)}, net {money.format(sums.net)}")
    t = daybook.totals(session, days)
    typer.echo(f"Sales {money.format(t.sales)} ({t.sale_count}), gross profit {money.format(t.gross_profit)},"
               f" returns {money.format(t.returns)} ({t.return_count}), expenses {money.format(t.expenses)},"
               f" net cash in drawers {money.format(t.net_cash)}")
    typer.echo("By method: " + ", ".join(f"{label} {money.format(amount)}" for label, amount in t.by_method))
