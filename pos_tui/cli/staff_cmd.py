"""`pos staff`: clock in and out, hours for payroll, sales per cashier and per hour, commissions."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from pos_tui.cli.common import ConfigOption, DbOption, command_group, print_csv, read_pin, reports_errors, session_from
from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.money import format_amount, format_quantity
from pos_tui.domain.staff_events import LOGIN
from pos_tui.services.cash import daybook
from pos_tui.services.staff import employees
from pos_tui.services.staff.credentials import check_pin

if TYPE_CHECKING:
    from pos_tui.services.session import Session

staff_app = command_group(help="Employees: clock in/out, hours for payroll, sales per cashier, commissions.",
                        no_args_is_help=True)

FromOption = Annotated[str | None, typer.Option("--from", help="First business day, YYYY-MM-DD (default: today).")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last business day, YYYY-MM-DD (default: --from).")]
PinOption = Annotated[str | None, typer.Option(help="The employee's PIN (asked for when not given).")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Comma-separated values with a header, for a spreadsheet.")]


def day_range(session: Session, first: str | None, last: str | None) -> tuple[str, str]:
    days = []
    for text in (first or daybook.today(session), last or first or daybook.today(session)):
        try:
            days.append(date.fromisoformat(text).isoformat())
        except ValueError:
            raise InvalidInput(f"{text!r} is not a date.", "Write it as YYYY-MM-DD, e.g. 2025-03-01.") from None
    if days[0] > days[1]:
        raise InvalidInput("--from is after --to.", "Swap them.")
    return days[0], days[1]


def _employee(session: Session, username: str, pin: str | None) -> Session:
    """The employee's own session, once their PIN is right (a colleague cannot clock them in)."""
    user = check_pin(session, username, pin if pin is not None else read_pin(f"PIN for {username}: "),
                     purpose=LOGIN)
    return session.as_user(user.username)


@staff_app.command("clock-in")
@reports_errors
def clock_in(username: str, pin: PinOption = None, db: DbOption = None, config: ConfigOption = None) -> None:
    """Start a shift of work (hours, not the cash drawer)."""
    with closing(session_from(db, config)) as session:
        at = employees.clock_in(_employee(session, username, pin))
        typer.echo(f"{username} clocked in at {daybook.local_time(session, at)}.")


@staff_app.command("clock-out")
@reports_errors
def clock_out(username: str, pin: PinOption = None, db: DbOption = None, config: ConfigOption = None) -> None:
    """End a shift of work; prints the minutes worked."""
    with closing(session_from(db, config)) as session:
        minutes = employees.clock_out(_employee(session, username, pin))
    typer.echo(f"{username} clocked out after {minutes // 60} h {minutes % 60:02d} min.")


@staff_app.command()
@reports_errors
def hours(
    first: FromOption = None,
    last: ToOption = None,
    user: Annotated[str | None, typer.Option("--user", help="Only this employee.")] = None,
    as_csv: CsvOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Hours worked per shift and per employee, in whole minutes (CSV for payroll)."""
    with closing(session_from(db, config, read_only=True)) as session:
        shifts = employees.worked_shifts(session, *day_range(session, first, last), username=user)
    if as_csv:
        print_csv(["username", "date", "clocked_in", "clocked_out", "minutes"],
                  [(s.username, s.day, s.clocked_in, s.clocked_out, s.minutes) for s in shifts])
        return
    totals: dict[str, int] = {}
    for s in shifts:
        typer.echo(f"{s.username:<16} {s.clocked_in}  {s.clocked_out or 'still in':<16}  {s.minutes:>6} min")
        totals[s.username] = totals.get(s.username, 0) + s.minutes
    for name, minutes in totals.items():
        typer.echo(f"{name:<16} total {minutes // 60} h {minutes % 60:02d} min ({minutes} min)")


@staff_app.command("sales")
@reports_errors
def sales_(
    first: FromOption = None,
    last: ToOption = None,
    by: Annotated[str, typer.Option(help="cashier or hour.")] = "cashier",
    user: Annotated[str | None, typer.Option("--user", help="With --by hour: only this cashier.")] = None,
    as_csv: CsvOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Sales, items and takings per cashier or per hour of the day."""
    if by not in ("cashier", "hour"):
        raise InvalidInput(f"--by {by!r}?", "Use --by cashier or --by hour.")
    with closing(session_from(db, config, read_only=True)) as session:
        days = day_range(session, first, last)
        figures = (employees.sales_per_cashier(session, *days) if by == "cashier"
                   else employees.sales_per_hour(session, *days, username=user))
        exponent = session.currency.exponent
        # items is a count (pieces, one per weighed line), as in the reports: never thousandths
        rows = [(f.key, f.sales, f.items if as_csv else f"{f.items:,}",
                 format_amount(f.total, exponent, grouping=False)) for f in figures]
    _table([by, "sales", "items", "total"], rows, as_csv)


@staff_app.command()
@reports_errors
def commission(
    first: FromOption = None,
    last: ToOption = None,
    as_csv: CsvOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Commission per employee under the [[staff.commission]] rules of the config."""
    with closing(session_from(db, config, read_only=True)) as session:
        exponent = session.currency.exponent
        rows = [(c.username, format_amount(c.net_sales, exponent, grouping=False), format_quantity(c.items),
                 format_amount(c.commission, exponent, grouping=False))
                for c in employees.commissions(session, *day_range(session, first, last))]
    _table(["username", "net_sales", "items", "commission"], rows, as_csv)


def _table(header: list[str], rows: Sequence[tuple[object, ...]], as_csv: bool) -> None:
    if as_csv:
        print_csv(header, rows)
        return
    widths = [max(len(str(v)) for v in column) for column in zip(header, *rows, strict=False)]
    for row in (header, *rows):
        typer.echo("  ".join(f"{v!s:>{w}}" if i else f"{v!s:<{w}}" for i, (v, w) in enumerate(zip(row, widths,
                                                                                               strict=True))))
