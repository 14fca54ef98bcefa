"""`pos report ...`: the day's X and Z reports and the managers' analytics, one command each."""

from __future__ import annotations

from typing import Annotated

import typer

from pos_tui.cli.analytics_cmd import register_analytics
from pos_tui.cli.common import (
    ConfigOption,
    DbOption,
    UserOption,
    acting_session,
    command_group,
    reports_errors,
    session_from,
)

report_app = command_group(help="Reports: X and Z for the day, sales and stock analytics.", no_args_is_help=True)


# --- X and Z (cash control) -------------------------------------------------------------------


@report_app.command("x")
@reports_errors
def x_report(
    print_: Annotated[bool, typer.Option("--print/--no-print", help="Also print on the receipt printer.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Everything since the last Z, up to now. Changes nothing."""
    from pos_tui.cli.cash_cmd import print_on_till
    from pos_tui.services.cash.day_reports import x_report as make_x
    from pos_tui.services.reports.printed import day_report_document, report_text

    session = session_from(db, config, read_only=not print_)
    try:
        document = day_report_document(session, make_x(session))
        typer.echo(report_text(document), nl=False)
        if print_:
            print_on_till(session, document)
    finally:
        session.close()


@report_app.command("z")
@reports_errors
def z_report(
    force: Annotated[bool, typer.Option("--force", help="Close the day although shifts are still open.")] = False,
    print_: Annotated[bool, typer.Option("--print/--no-print", help="Print on the receipt printer.")] = True,
    reprint: Annotated[int | None, typer.Option("--reprint", help="Show Z number N again instead.")] = None,
    user: UserOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Close the business day: the Z report, numbered without gaps, with the journal head it certifies."""
    from pos_tui.cli.cash_cmd import print_on_till
    from pos_tui.services.cash import day_reports
    from pos_tui.services.reports.printed import day_report_document, report_text

    # A reprint only reads; closing the day is an act of the user named.
    session = session_from(db, config, read_only=True) if reprint is not None else acting_session(db, config, user)
    try:
        if reprint is not None:
            report, snapshot = day_reports.recorded_z(session, reprint), ""
        else:
            closed = day_reports.z_report(session, force=force)
            report, snapshot = closed.report, closed.snapshot
        document = day_report_document(session, report)
        typer.echo(report_text(document), nl=False)
        if print_:
            print_on_till(session, document)
        if snapshot:
            typer.echo(snapshot, err=True)
    finally:
        session.close()


# --- analytics --------------------------------------------------------------------------------


register_analytics(report_app)
