"""`pos db`: migrate, verify and rebuild the store database."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from pos_tui.backup.snapshot import BackupJob, create_snapshot
from pos_tui.cli.common import ConfigOption, DbOption, fail, reports_errors, settings_from
from pos_tui.ledger.database import SCHEMA_VERSION, open_ledger, stored_schema_version
from pos_tui.ledger.replay import rebuild as rebuild_ledger
from pos_tui.ledger.verify import compare_projections, verify_ledger
from pos_tui.ledger.witness import WitnessReport, summary_lines

db_app = typer.Typer(help="The store database: migrate, verify, rebuild.", no_args_is_help=True)


def _path(db: Path | None, config: Path | None) -> Path:
    return db or settings_from(config).database.path


@db_app.command()
@reports_errors
def migrate(db: DbOption = None, config: ConfigOption = None) -> None:
    """Bring the database's schema up to this version of pos_tui."""
    settings = settings_from(config)
    path = db or settings.database.path
    version = stored_schema_version(path)
    if version == SCHEMA_VERSION:
        typer.echo(f"{path}: already at schema version {SCHEMA_VERSION}.")
        return
    if settings.backup.recipients and settings.backup.destinations:
        # A migration rewrites tables: keep an encrypted copy of the store as it was.
        result = create_snapshot(BackupJob.from_settings(path, settings.terminal.id, settings.backup))
        if not result.written:
            problems = "; ".join(str(failure) for failure in result.failures)
            fail(f"The snapshot before migrating failed ({problems}); nothing was migrated.")
        typer.echo("Snapshot before migrating: " + ", ".join(str(p) for p in result.written))
    ledger = open_ledger(path, migrate=True)
    ledger.close()
    typer.echo(f"{path}: migrated from schema version {version} to {SCHEMA_VERSION}.")


@db_app.command()
@reports_errors
def verify(
    db: DbOption = None,
    config: ConfigOption = None,
    processes: Annotated[
        int | None,
        typer.Option(
            "--processes", min=0, max=64,
            help="Processes that check the hash chain beside the replay (0: all in this one)."
            " Default: one for a journal of 20,000 entries or more.",
        ),
    ] = None,
    witness: Annotated[
        list[str] | None,
        typer.Option(
            "--witness",
            help="Also check against this: a backup manifest file (or a directory of them), or a head typed"
            " from a receipt or a printed Z as SEQ:HASH (8812:3fa9c0...). Repeat for more. The Z reports and"
            " the manifests in the backup destinations are always checked.",
        ),
    ] = None,
) -> None:
    """Check the hash chain, balances, projections against a replay, stock and every sale's arithmetic,
    that time moves forward, and that the journal agrees with every witness kept outside it."""
    from pos_tui.backup.witnesses import gather_witnesses

    settings = settings_from(config)
    path = db or settings.database.path
    started = time.perf_counter()
    ledger = open_ledger(path, read_only=True)
    try:
        found = gather_witnesses(settings.backup, witness or [], ledger.store_info().store_id)
        report = verify_ledger(
            ledger, processes=processes, witnesses=found.witnesses,
            witness_report=WitnessReport(skipped=found.skipped, notes=found.notes), confirm_witness=found.confirm,
            clock_tolerance_seconds=settings.database.clock_step_tolerance_seconds,
        )
    finally:
        ledger.close()
    elapsed = time.perf_counter() - started
    for line in summary_lines(report.witnesses):
        typer.echo(line)
    if not report.ok:
        for problem in report.problems:
            typer.secho(f"FAIL: {problem}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(
        f"OK: {report.entries} journal entries, head seq {report.head.seq} {report.head.hash[:16]}…,"
        f" chain, balances, projections, stock, sales, time order and witnesses all agree ({elapsed:.1f} s)."
    )


@db_app.command()
@reports_errors
def rebuild(
    out: Annotated[Path, typer.Option("--out", help="Where to write the rebuilt database (must not exist).")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Replay the journal into a fresh database file and compare it with the live one."""
    path = _path(db, config)
    source = open_ledger(path, read_only=True)
    try:
        rebuilt = rebuild_ledger(source, out)
        try:
            problems = compare_projections(rebuilt, path)
            entries = rebuilt.head().seq
        finally:
            rebuilt.close()
    finally:
        source.close()
    if problems:
        for problem in problems:
            typer.secho(f"DIFFERS {problem}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(f"Rebuilt {out} from {entries} journal entries; every projection equals the live database's.")
