"""`pos doctor`: check the till (config, database, file modes, devices, backups, disk); exit 1 if anything fails."""

from __future__ import annotations

from typing import Annotated

import typer

from pos_tui.cli.common import ConfigOption, DbOption
from pos_tui.services.doctor import Limits, run_checks


def doctor_command(
    db: DbOption = None,
    config: ConfigOption = None,
    max_backup_age_hours: Annotated[int, typer.Option(help="Fail when the newest snapshot is older.")] = 26,
    min_free_mb: Annotated[int, typer.Option(help="Fail when the database's disk has less free.")] = 500,
    printer_timeout_ms: Annotated[int, typer.Option(help="How long the printer has to answer.")] = 2000,
) -> None:
    """Check that this till is fit to sell; the exit status is 0 only when every check passes."""
    checks = run_checks(config, db, Limits(max_backup_age_hours, min_free_mb, printer_timeout_ms))
    width = max(len(check.name) for check in checks)
    for check in checks:
        mark = typer.style(" ok ", fg=typer.colors.GREEN) if check.ok else typer.style("FAIL", fg=typer.colors.RED)
        typer.echo(f"{mark}  {check.name:<{width}}  {check.detail}")
    failed = sum(not check.ok for check in checks)
    if failed:
        typer.secho(f"{failed} check(s) failed.", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo("All checks passed.")
