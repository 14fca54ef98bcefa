"""`pos db`: migrate, verify and rebuild the store database."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pos_tui.backup.snapshot import BackupJob, create_snapshot
from pos_tui.cli.common import (
    ConfigOption,
    DbOption,
    command_group,
    fail,
    refuse_when_read_only,
    reports_errors,
    settings_from,
)
from pos_tui.config import Settings
from pos_tui.domain.errors import InvalidInput
from pos_tui.ledger.checkpoint import default_directory
from pos_tui.ledger.database import SCHEMA_VERSION, Ledger, disk_error, open_ledger, stored_schema_version
from pos_tui.ledger.replay import rebuild as rebuild_ledger
from pos_tui.ledger.verify import VerifyReport, compare_projections, verify_ledger
from pos_tui.ledger.witness import WitnessReport, summary_lines

if TYPE_CHECKING:
    from pos_tui.services.chain.witness import ChainWitnesses

db_app = command_group(help="The store database: migrate, verify, rebuild.", no_args_is_help=True)


def _path(db: Path | None, config: Path | None) -> Path:
    return db or settings_from(config).database.path


@db_app.command()
@reports_errors
def migrate(db: DbOption = None, config: ConfigOption = None) -> None:
    """Bring the database's schema up to this version of pos_tui."""
    refuse_when_read_only("`pos db migrate`")
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
    scratch: Annotated[
        Path | None,
        typer.Option("--scratch", help="Directory for the scratch databases the replay writes"
                     " (default: beside the store; they need about as much room as the store)."),
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
    since_witness: Annotated[
        bool,
        typer.Option(
            "--since-witness",
            help="For the nightly run: check the whole chain, but replay the projections only from the"
            " checkpoint the last passing --since-witness run kept (when the journal still holds its head),"
            " and keep a new one; without a usable checkpoint, replay everything and say so.",
        ),
    ] = False,
    checkpoint: Annotated[
        Path | None,
        typer.Option("--checkpoint", help="Directory of the --since-witness checkpoint (default: beside the"
                     " store, STORE.verify-checkpoint); keep it where the till's account cannot write."),
    ] = None,
    offline: Annotated[
        bool,
        typer.Option("--offline", help="Do not ask head office for its verified head (a store in a chain asks it"
                     " by default, for a few seconds at most, and says so when it cannot)."),
    ] = False,
    nats_url: Annotated[
        str | None,
        typer.Option("--nats", envvar="POS_NATS_URL", help="Head office's NATS server to ask its head from"
                     " (default: the config's [chain] url)."),
    ] = None,
    namespace: Annotated[
        str | None,
        typer.Option("--namespace", envvar="POS_CHAIN_NAMESPACE", help="The chain's streams and subjects."),
    ] = None,
) -> None:
    """Check the hash chain, balances, projections against a replay, stock and every sale's arithmetic,
    that time moves forward, and that the journal agrees with every witness kept outside it."""
    from pos_tui.backup.witnesses import gather_witnesses

    settings = settings_from(config)
    path = db or settings.database.path
    if checkpoint is not None and not since_witness:
        raise InvalidInput("--checkpoint is for --since-witness.", "Add --since-witness, or leave out --checkpoint.")
    checkpoint_dir = (checkpoint or default_directory(path)) if since_witness else None
    started = time.perf_counter()
    ledger = open_ledger(path, read_only=True)
    try:
        directory = scratch or path.parent
        check_scratch_room(directory, path, "--scratch" if scratch else "")
        found = gather_witnesses(settings.backup, witness or [], ledger.store_info().store_id)
        chain = _chain_witnesses(ledger, settings, offline=offline, url=nats_url, namespace=namespace)
        try:
            report = verify_ledger(
                ledger, scratch_dir=directory, processes=processes, witnesses=[*found.witnesses, *chain.witnesses],
                witness_report=WitnessReport(skipped=found.skipped, notes=[*found.notes, *chain.notes]),
                confirm_witness=found.confirm,
                clock_tolerance_seconds=settings.database.clock_step_tolerance_seconds,
                checkpoint_dir=checkpoint_dir,
            )
        except sqlite3.Error as error:  # the room ran out all the same (something else filled the disk)
            on_disk = disk_error(directory, error)
            if on_disk is None:
                raise
            raise on_disk from error
    finally:
        ledger.close()
    elapsed = time.perf_counter() - started
    for line in summary_lines(report.witnesses):
        typer.echo(line)
    if checkpoint_dir is not None:
        typer.echo(_replayed_from(report))
    if not report.ok:
        for problem in report.problems:
            typer.secho(f"FAIL: {problem}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    if checkpoint_dir is not None and report.not_kept_because:
        typer.echo(f"No checkpoint kept in {checkpoint_dir} ({report.not_kept_because}): the next run replays all.")
    elif checkpoint_dir is not None:
        typer.echo(f"Checkpoint kept at head seq {report.head.seq} in {checkpoint_dir}, for the next --since-witness.")
    checked = report.head.seq if checkpoint_dir is not None else report.entries
    typer.echo(
        f"OK: {checked} journal entries, head seq {report.head.seq} {report.head.hash[:16]}…,"
        f" chain, balances, projections{_from(report)}, stock, sales, time order and witnesses all agree"
        f" ({elapsed:.1f} s)."
    )


def _chain_witnesses(ledger: Ledger, settings: Settings, *, offline: bool, url: str | None, namespace: str | None
                     ) -> ChainWitnesses:
    """Head office's head (asked over NATS unless ``offline``) and the head `pos sync` recorded."""
    from pos_tui.services.chain import witness as chain_witness

    if offline:
        line, why = None, "--offline"
    elif not chain_witness.in_a_chain(ledger, settings.chain, bool(url)):
        line, why = None, "this store is not in a chain (it never synced, and no [chain] url or credentials are set)"
    else:
        line, why = chain_witness.line_from_settings(settings.chain, settings.source, url, namespace), ""
    return chain_witness.chain_witnesses(ledger, line, settings.terminal.id, why)


def _from(report: VerifyReport) -> str:
    return "" if report.checkpoint is None else f" (replayed from seq {report.checkpoint.seq + 1})"


def _replayed_from(report: VerifyReport) -> str:
    """Where the projections' replay started: said on every --since-witness run, pass or fail."""
    start = report.checkpoint
    if start is None:
        return f"Projections replayed from the first entry: {report.no_checkpoint_because}."
    return (
        f"Projections replayed from seq {start.seq + 1} on, onto the checkpoint kept at {start.kept_at}"
        f" (head seq {start.seq} {start.hash[:16]}…, which the journal still holds); entries 1-{start.seq}"
        " were checked for chain, hashes, balances, time and witnesses, not replayed."
    )


def check_scratch_room(directory: Path, store: Path, option: str) -> None:
    """Refuse to start a verify whose scratch databases cannot fit in ``directory``: the replay writes
    every projection again, about as much as the store itself (its -wal included)."""
    if not directory.is_dir():
        raise InvalidInput(f"The scratch directory {directory} does not exist.", "Create it, or pick another.")
    needed = sum(f.stat().st_size for f in (store, store.with_name(store.name + "-wal")) if f.exists())
    free = shutil.disk_usage(directory).free
    if free < needed:
        where = f"in {directory}" if option else f"beside the store in {directory}"
        raise InvalidInput(
            f"pos db verify needs about {_megabytes(needed)} for its scratch databases {where},"
            f" and only {_megabytes(free)} is free there; nothing was checked.",
            "Free space there, or give a directory on a disk with room: pos db verify --scratch DIR.",
        )


def _megabytes(size: int) -> str:
    return f"{max(1, round(size / 2**20)):,} MB"


@db_app.command()
@reports_errors
def rebuild(
    out: Annotated[Path, typer.Option("--out", help="Where to write the rebuilt database (must not exist).")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Replay the journal into a fresh database file and compare it with the live one."""
    refuse_when_read_only("`pos db rebuild`")
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
