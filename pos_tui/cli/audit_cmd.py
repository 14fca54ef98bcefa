"""`pos audit`: the sensitive events of a period (overrides, voids, no-sales, price changes, stock
adjustments, logins and wrong PINs, lockouts, backups and restores), as a table or CSV."""

from __future__ import annotations

from contextlib import closing
from typing import Annotated

import typer

from pos_tui.cli.common import ConfigOption, DbOption, print_csv, reports_errors, session_from
from pos_tui.cli.staff_cmd import FromOption, ToOption, day_range
from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.permissions import Approval
from pos_tui.services.staff.audit import audit_events


def _approvals(approvals: tuple[Approval, ...]) -> str:
    return "; ".join(f"{a.approver} approved {a.action}: {a.reason}" for a in approvals)


@reports_errors
def audit_command(
    first: FromOption = None,
    last: ToOption = None,
    user: Annotated[str | None, typer.Option("--user", help="Only events by, about or approved by this user.")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="Only this kind, e.g. sale.returned.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or csv.")] = "table",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Sensitive events of a period: who did what, who approved it, and why. Reads only."""
    if fmt not in ("table", "csv"):
        raise InvalidInput(f"--format {fmt!r}?", "Use --format table or --format csv.")
    with closing(session_from(db, config, read_only=True)) as session:
        events = audit_events(session, *day_range(session, first, last), user=user, kinds=kind)
    if fmt == "csv":
        print_csv(["seq", "time", "terminal", "user", "subject", "kind", "what", "approvals"],
                  ([e.seq or "", e.at, e.terminal, e.user, e.subject, e.kind, e.what, _approvals(e.approvals)]
                   for e in events))
        return
    for e in events:
        who = f"{e.user}{' -> ' + e.subject if e.subject else ''}"
        typer.echo(f"{e.at}  {e.terminal:<4} {who:<22} {e.kind:<18} {e.what}")
        for approval in e.approvals:
            typer.echo(f"{'':46}approved by {approval.approver}: {approval.reason}")
    typer.echo(f"{len(events)} event(s).")
