"""`pos shift open|close|status|add-cashier` and `pos cash paid-in|paid-out|drop|expense|no-sale`.

Counts are given note by note: ``--count 5000x3 --count 100x7`` (three Rs 5,000 notes, seven Rs 100),
or as one amount with ``--counted 15700``. A supervisor's approval for what ``--user`` may not do
alone: ``--approved-by NAME`` (their PIN is asked for, or read from standard input; never from the
command line) and ``--reason``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pos_tui.cli.common import (
    ApprovedByOption,
    ConfigOption,
    DbOption,
    UserOption,
    acting_session,
    command_group,
    fail,
    reports_errors,
    session_from,
    with_approval,
)
from pos_tui.cli.devices_cmd import printer_from, report_job
from pos_tui.devices.report_layout import PrintedReport
from pos_tui.domain.cash import parse_count
from pos_tui.domain.cash_events import DenominationCount
from pos_tui.domain.permissions import Approval
from pos_tui.services.cash import moves, shifts
from pos_tui.services.reports.printed import print_report, report_text, shift_report_document
from pos_tui.services.session import Session

if TYPE_CHECKING:
    from pos_tui.services.session import Session

shift_app = command_group(help="Shifts: open with a float, close with a blind count, see what is open.",
                        no_args_is_help=True)
cash_app = command_group(help="Cash outside sales: paid in, paid out, drops to the safe, expenses, no-sale.",
                       no_args_is_help=True)

CountOption = Annotated[
    list[str] | None, typer.Option("--count", help="Notes or coins counted, VALUExCOUNT: --count 5000x3 (repeat).")
]
TerminalOption = Annotated[str | None, typer.Option("--terminal", help="Terminal id (default: terminal.id).")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why the approval is given.")]
PrintOption = Annotated[bool, typer.Option("--print/--no-print", help="Print on the configured receipt printer.")]


def _open(db: Path | None, config: Path | None, user: str | None, terminal: str | None) -> Session:
    session = acting_session(db, config, user)
    if terminal:
        session.terminal = terminal
    return session


def _counts(session: Session, texts: list[str] | None) -> list[DenominationCount]:
    return [parse_count(text, session.currency) for text in texts or []]


def _amount(session: Session, text: str | None) -> int | None:
    return None if text is None else session.currency.parse(text)


def _show_report(session: Session, report: shifts.ShiftReport, printed: bool) -> None:
    document = shift_report_document(session, report)
    typer.echo(report_text(document), nl=False)
    if printed:
        print_on_till(session, document)


def print_on_till(session: Session, document: PrintedReport) -> None:
    """Print on the configured receipt printer; without one, the text shown is the report."""
    printer = printer_from(session.settings, None)
    try:
        report_job(printer, print_report(printer, document), None, document.title)
    finally:
        printer.close()


# --- shifts -----------------------------------------------------------------------------------


@shift_app.command("open")
@reports_errors
def shift_open(
    float_: Annotated[str | None, typer.Option("--float", help="The float as one amount, e.g. 5000.")] = None,
    count: CountOption = None,
    cashier: Annotated[list[str] | None, typer.Option("--cashier", help="Another cashier on this drawer.")] = None,
    terminal: TerminalOption = None,
    user: UserOption = None,
    approved_by: ApprovedByOption = None,
    reason: ReasonOption = "",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Open a shift on this terminal's drawer (the float comes out of the safe)."""
    with closing(_open(db, config, user, terminal)) as session:
        counts, amount = _counts(session, count), _amount(session, float_)
        shift = with_approval(session, approved_by, reason, lambda approval: shifts.open_shift(
            session, float_amount=amount, counts=counts, cashiers=cashier or [], approval=approval))
        typer.echo(f"Shift {shift.shift_id} open on {shift.terminal} with a float of "
                   f"{session.money(shift.float_amount)}; cashiers: {', '.join(shift.cashiers) or '-'}.")


@shift_app.command("close")
@reports_errors
def shift_close(
    count: CountOption = None,
    counted: Annotated[str | None, typer.Option("--counted", help="The drawer's total, if not by notes.")] = None,
    shift: Annotated[str | None, typer.Option("--shift", help="Shift id (default: this terminal's).")] = None,
    terminal: TerminalOption = None,
    user: UserOption = None,
    approved_by: ApprovedByOption = None,
    reason: ReasonOption = "",
    print_: PrintOption = True,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Close the shift with a blind count: the expected cash is shown only after it."""
    with closing(_open(db, config, user, terminal)) as session:
        counts, amount = _counts(session, count), _amount(session, counted)
        closed = with_approval(session, approved_by, reason, lambda approval: shifts.close_shift(
            session, counts=counts, counted=amount, shift_id=shift, approval=approval))
        _show_report(session, closed.report, print_)
        if closed.snapshot:
            typer.echo(closed.snapshot, err=True)


@shift_app.command("status")
@reports_errors
def shift_status(
    shift: Annotated[str | None, typer.Option("--shift", help="Show this shift's report.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """The open shifts of every terminal, or one shift's report."""
    with closing(session_from(db, config, read_only=True)) as session:
        if shift:
            _show_report(session, shifts.shift_report(session, shift), False)
            return
        found = shifts.open_shifts(session)
        if not found:
            typer.echo("No shift is open.")
        for s in found:
            how = "started by a sale" if s.auto_opened else f"float {session.money(s.float_amount)}"
            typer.echo(f"{s.shift_id}  {s.terminal}  since {s.opened_day} by {s.opened_by}  {how}"
                       f"  cashiers: {', '.join(s.cashiers) or '-'}")


@shift_app.command("add-cashier")
@reports_errors
def shift_add_cashier(
    username: Annotated[str, typer.Argument(help="The cashier joining the open shift.")],
    terminal: TerminalOption = None,
    user: UserOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Add a cashier to this terminal's open shift."""
    with closing(_open(db, config, user, terminal)) as session:
        info = shifts.add_cashier(session, username)
        typer.echo(f"Shift {info.shift_id}: cashiers {', '.join(info.cashiers)}.")


# --- cash -------------------------------------------------------------------------------------


def _cash_command(session: Session, approved_by: str | None, reason: str,
                  call: Callable[[Approval | None], moves.CashMove]) -> None:
    move = with_approval(session, approved_by, reason, call)
    what = {"cash.paid_in": "Paid in", "cash.paid_out": "Paid out", "cash.dropped": "Dropped to the safe",
            "cash.expense": "Expense paid from the safe", "drawer.opened": "No-sale recorded"}[move.kind]
    amount = f" {session.money(move.amount)}" if move.amount else ""
    drawer = f"; the drawer should now hold {session.money(move.drawer_after)}" if move.drawer_after is not None else ""
    typer.echo(f"{what}{amount} (journal #{move.seq}){drawer}.")


def _money_args(session: Session, amount: str) -> int:
    value = session.currency.parse(amount)
    if value <= 0:
        fail("The amount must be more than zero.")
    return value


AmountOption = Annotated[str, typer.Option("--amount", help="Amount of cash, e.g. 1500 or 1,500.50.")]
NoteOption = Annotated[str, typer.Option("--note", help="Who was paid and for what.")]
ExpenseCategoryOption = Annotated[str, typer.Option("--category", help="A [cash.expense_categories] name.")]


@cash_app.command("paid-in")
@reports_errors
def paid_in(amount: AmountOption,
            category: Annotated[str, typer.Option("--category", help="A [cash.paid_in_categories] name.")],
            note: NoteOption = "", terminal: TerminalOption = None, user: UserOption = None,
            approved_by: ApprovedByOption = None, reason: ReasonOption = "", db: DbOption = None,
            config: ConfigOption = None) -> None:
    """Cash put into the drawer outside a sale."""
    with closing(_open(db, config, user, terminal)) as session:
        value = _money_args(session, amount)
        _cash_command(session, approved_by, reason,
                      lambda a: moves.paid_in(session, value, category, note, approval=a))


@cash_app.command("paid-out")
@reports_errors
def paid_out(amount: AmountOption, category: ExpenseCategoryOption, note: NoteOption,
             terminal: TerminalOption = None, user: UserOption = None, approved_by: ApprovedByOption = None,
             reason: ReasonOption = "", db: DbOption = None, config: ConfigOption = None) -> None:
    """Cash taken out of the drawer to pay for something."""
    with closing(_open(db, config, user, terminal)) as session:
        value = _money_args(session, amount)
        _cash_command(session, approved_by, reason,
                      lambda a: moves.paid_out(session, value, category, note, approval=a))


@cash_app.command("drop")
@reports_errors
def drop(amount: AmountOption, note: NoteOption = "", terminal: TerminalOption = None, user: UserOption = None,
         approved_by: ApprovedByOption = None, reason: ReasonOption = "",
         db: DbOption = None, config: ConfigOption = None) -> None:
    """Cash taken from the drawer to the safe."""
    with closing(_open(db, config, user, terminal)) as session:
        value = _money_args(session, amount)
        _cash_command(session, approved_by, reason, lambda a: moves.drop(session, value, note, approval=a))


@cash_app.command("expense")
@reports_errors
def expense(amount: AmountOption, category: ExpenseCategoryOption, note: NoteOption, user: UserOption = None,
            approved_by: ApprovedByOption = None, reason: ReasonOption = "", db: DbOption = None,
            config: ConfigOption = None) -> None:
    """An expense paid in cash from the safe."""
    with closing(_open(db, config, user, None)) as session:
        value = _money_args(session, amount)
        _cash_command(session, approved_by, reason,
                      lambda a: moves.expense(session, value, category, note, approval=a))


@cash_app.command("no-sale")
@reports_errors
def no_sale(why: Annotated[str, typer.Option("--why", help="Why the drawer is opened.")],
            terminal: TerminalOption = None, user: UserOption = None, approved_by: ApprovedByOption = None,
            reason: ReasonOption = "", db: DbOption = None, config: ConfigOption = None) -> None:
    """Record a no-sale drawer opening (kick the drawer with `pos devices drawer`)."""
    with closing(_open(db, config, user, terminal)) as session:
        _cash_command(session, approved_by, reason, lambda a: moves.no_sale(session, why, approval=a))
