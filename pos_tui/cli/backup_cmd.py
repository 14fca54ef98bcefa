"""``pos backup``: keys, encrypted snapshots, journal segments, verify, restore, prune.

Thin: each command reads settings, calls ``pos_tui.backup`` and prints plain lines. A problem a
person can fix is printed as its sentence on stderr with exit status 1, never as a traceback.
"""

from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer

from pos_tui.backup.catalog import scan_all
from pos_tui.backup.errors import BackupError, KeyFileError
from pos_tui.backup.keys import SIGNING_PUB_FILE, generate_keys, load_identity, load_verify_key
from pos_tui.backup.moments import parse_moment
from pos_tui.backup.prune import prune_destination
from pos_tui.backup.restore import Confirm, LiveBeyond, restore
from pos_tui.backup.segment import create_segment
from pos_tui.backup.settings import RetentionPolicy
from pos_tui.backup.snapshot import BackupJob, create_snapshot
from pos_tui.backup.verify import Trust, payload_of, read_segment, verified_snapshot
from pos_tui.backup.writer import WriteResult
from pos_tui.cli.common import (
    ConfigOption,
    DbOption,
    command_group,
    refuse_when_read_only,
    reports_errors,
    settings_from,
)
from pos_tui.config import Settings
from pos_tui.domain.errors import PosError
from pos_tui.ledger.journal import store_time
from pos_tui.services.session import open_session

backup_app = command_group(
    name="backup",
    help="Encrypted, signed snapshots and journal segments; verify and restore them.",
    no_args_is_help=True,
)

PASSPHRASE_ENV = "POS_BACKUP_PASSPHRASE"

IdentityOption = Annotated[Path, typer.Option("--identity", "-i", help="The admin's backup-identity file.")]
SignerOption = Annotated[
    Path | None,
    typer.Option(
        "--signer",
        help="The till's till-signing.pub (default: the configured signing key, "
        "or till-signing.pub beside the identity).",
    ),
]


def _settings(config: Path | None) -> Settings:
    return settings_from(config)


def _job(config: Path | None, db: Path | None, to: list[Path] | None = None) -> BackupJob:
    settings = _settings(config)
    return BackupJob.from_settings(db or settings.database.path, settings.terminal.id, settings.backup, to or ())


def _store_timezone(settings: Settings, db: Path | None = None) -> str:
    """The zone of every time shown or typed here: the live store's (it decides business days and
    receipts) when its database opens, else the config's ``[store] timezone``; never the box's own."""
    try:
        with closing(open_session(settings, db, read_only=True)) as session:
            return session.ledger.store_info().timezone
    except PosError:
        return settings.store.timezone


def _ask_passphrase() -> str:
    return os.environ.get(PASSPHRASE_ENV) or typer.prompt("Passphrase of the backup identity", hide_input=True)


def _trust(identity: Path, signer: Path | None, config: Path | None) -> Trust:
    identities = load_identity(identity, _ask_passphrase)
    return Trust(identities, load_verify_key(_signer_path(signer, config, identity)))


def _signer_path(signer: Path | None, config: Path | None, identity: Path | None) -> Path:
    if signer is not None:
        return signer
    settings = _settings(config).backup
    for configured in (settings.signer_public_key, settings.signing_key):
        if configured is not None and os.access(configured, os.R_OK):  # the till cannot read signing_key
            return configured
    if identity is not None and (identity.parent / SIGNING_PUB_FILE).exists():
        return identity.parent / SIGNING_PUB_FILE
    raise KeyFileError(
        "No trusted till signing key: cannot tell whether the backups were made by this till.",
        f"Pass --signer PATH/{SIGNING_PUB_FILE} (made by `pos backup keygen`).",
    )


def _report_written(what: str, result: WriteResult) -> None:
    for path in result.written:
        typer.echo(f"{what} written: {path}")
    for failure in result.failures:
        typer.echo(f"Error: {failure}", err=True)
    if result.failures:
        raise typer.Exit(1)


@backup_app.command()
@reports_errors
def keygen(
    out: Annotated[Path, typer.Option("--out", help="Directory for the new key files (must not hold keys).")],
    passphrase: Annotated[bool, typer.Option("--passphrase", help="Protect the identity with a passphrase.")] = False,
    db: DbOption = None, config: ConfigOption = None,
) -> None:
    """Make the admin's age identity, its recipient, and the till's Ed25519 signing key."""
    refuse_when_read_only("`pos backup keygen`")
    secret = None
    if passphrase:
        secret = os.environ.get(PASSPHRASE_ENV) or typer.prompt(
            "Passphrase for the backup identity", hide_input=True, confirmation_prompt=True
        )
    keys = generate_keys(out, secret)
    typer.echo(f"Identity (admin only, keep it OFF the till): {keys.identity}")
    typer.echo(f"Signing public key (admin, to verify):       {keys.signing_pub}")
    typer.echo(f"Recipient (till config, backup.recipients):  {keys.recipient_text}")
    typer.echo(f"Signing key (till, backup.signing_key):      {keys.signing_key}")


@backup_app.command()
@reports_errors
def create(
    to: Annotated[list[Path] | None, typer.Option("--to", help="Destination directory (repeat for two).")] = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Snapshot the store: one-step copy, quick check, encrypt, sign, publish atomically."""
    refuse_when_read_only("`pos backup create`")
    _report_written("Snapshot", create_snapshot(_job(config, db, to)))


@backup_app.command()
@reports_errors
def segment(
    to: Annotated[list[Path] | None, typer.Option("--to", help="Destination directory (repeat for two).")] = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Write the journal entries since the last snapshot or segment."""
    refuse_when_read_only("`pos backup segment`")
    outcome, result = create_segment(_job(config, db, to))
    if result is None:
        typer.echo("No new journal entries since the last backup; nothing written.")
        return
    _report_written("Segment" if outcome == "segment" else "No snapshot yet, so a snapshot", result)


@backup_app.command("list")
@reports_errors
def list_backups(
    to: Annotated[list[Path] | None, typer.Option("--to", help="Directory to list (default: destinations).")] = None,
    signer: SignerOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Show each snapshot and segment: time, size, journal head, signature."""
    everything = _settings(config)
    settings = everything.backup
    timezone = _store_timezone(everything)
    directories = to or settings.destinations
    configured = signer or settings.signer_public_key or settings.signing_key
    trusted = load_verify_key(_signer_path(signer, config, None)) if configured else None
    typer.echo(f"Times in the store's zone, {timezone}.")
    typer.echo(f"{'time':19}  {'kind':8} {'size':>10}  {'head':>8} {'hash':12}  {'signature':9}  file")
    for entry in scan_all(directories, trusted):
        manifest = entry.manifest
        size = entry.payload.stat().st_size if entry.payload.exists() else 0
        sig = {True: "ok", False: "BAD", None: "unchecked"}[entry.signature_ok]
        head = f"{manifest.head_seq:>8} {manifest.head_hash[:12]}" if manifest else f"{'?':>8} {'':12}"
        when = store_time(entry.created_at, timezone).strftime("%Y-%m-%d %H:%M:%S")
        note = f"  ({entry.problem})" if entry.problem else ""
        typer.echo(f"{when:19}  {entry.name.kind:8} {size:>10}  {head}  {sig:9}  {entry.payload}{note}")


@backup_app.command()
@reports_errors
def verify(
    file: Annotated[Path, typer.Argument(help="A snapshot or segment (.age) or its .manifest.json.")],
    identity: IdentityOption,
    signer: SignerOption = None,
    workdir: Annotated[Path | None, typer.Option(help="Where to decrypt (default: the system temp dir).")] = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Decrypt to a temp file and check everything: hashes, signature, SQLite, chain, balances."""
    import tempfile

    trust = _trust(identity, signer, config)
    payload = payload_of(file)
    if payload.name.endswith(".jsonl.age"):
        manifest, _ = read_segment(payload, trust)
        typer.echo(f"OK: segment {payload.name}: entries {manifest.first_seq}..{manifest.head_seq}, chained.")
        return
    with (
        tempfile.TemporaryDirectory(prefix="pos-verify-", dir=workdir) as tmp,
        verified_snapshot(payload, trust, Path(tmp)) as (manifest, _),
    ):
        typer.echo(
            f"OK: {payload.name}: store {manifest.store_name!r}, schema {manifest.schema_version}, "
            f"journal head {manifest.head_seq} {manifest.head_hash[:12]}; signature, hashes, SQLite "
            "integrity, foreign keys, hash chain and balances all check."
        )


def _confirm_dropping(db: Path) -> Confirm:
    def ask(beyond: LiveBeyond) -> bool:
        typer.secho(beyond.sentence(db), fg=typer.colors.YELLOW, err=True)
        try:
            return typer.confirm("Replace the live store with the restored one?", default=False, err=True)
        except typer.Abort:  # end of input: no answer is no
            return False

    return ask


@backup_app.command("restore")
@reports_errors
def restore_cmd(
    identity: IdentityOption,
    file: Annotated[Path | None, typer.Argument(help="The snapshot to restore.")] = None,
    at: Annotated[str | None, typer.Option("--at", help='Point in time, "YYYY-MM-DD HH:MM", store time.')] = None,
    other_store: Annotated[bool, typer.Option("--other-store", help="Allow a snapshot of another store.")] = False,
    from_dir: Annotated[list[Path] | None, typer.Option("--from", help="Where to look for --at.")] = None,
    signer: SignerOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Replace without asking, even when the live store holds"
                                                    " journal entries beyond the restore point.")] = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Verify, then replace the live database (the old one is kept as *.replaced-<time>).

    Before replacing, says how many journal entries the live store holds beyond the restore point
    (and its last sale among them), and asks unless --yes."""
    refuse_when_read_only("`pos backup restore`")
    if (file is None) == (at is None):
        raise BackupError("Pass either a snapshot FILE or --at, not both and not neither.", "")
    trust = _trust(identity, signer, config)
    job = _job(config, db)
    can_snapshot = bool(job.settings.recipients and job.settings.signing_key and job.destinations)
    result = restore(
        job.database,
        trust,
        snapshot=payload_of(file) if file else None,
        at=parse_moment(at, _store_timezone(_settings(config), job.database)) if at else None,
        search=from_dir or ([file.parent] if file else list(job.destinations)),
        other_store=other_store,
        job=job if can_snapshot else None,
        confirm=None if yes else _confirm_dropping(job.database),
    )
    typer.echo(f"Restored {result.snapshot.payload} (journal head {result.snapshot.head_seq}).")
    if at is not None:
        typer.echo(
            f"Replayed {result.replayed} journal entries from {len(result.segments)} segment(s); "
            f"head now {result.head_seq} {result.head_hash[:12]}."
        )
    if result.replaced is not None:
        typer.echo(f"The previous database is kept as {result.replaced}.")
    for note in result.notes:
        typer.echo(note)
    _start_chain_epoch(job.database)


def _start_chain_epoch(database: Path) -> None:
    """A restored store that syncs to head office syncs as a new epoch: the seqs after the restore
    point are written again with other content, and head office must keep them apart."""
    from pos_tui.domain.errors import PosError
    from pos_tui.ledger.database import open_ledger
    from pos_tui.services.chain import outbox

    try:
        ledger = open_ledger(database)
    except PosError:  # an older schema: migrated when the till opens it; then `pos sync --new-epoch`
        typer.echo("If this store syncs to head office, run `pos sync --new-epoch` once the till has opened it.")
        return
    try:
        state = outbox.mark_new_epoch(ledger)
    finally:
        ledger.close()
    if state is not None:
        typer.echo(f"Head office: the next `pos sync` starts epoch {state.epoch} and reports what head office"
                   " holds that this restore lacks. Before selling, `pos sync --pull-gap` takes that back.")


@backup_app.command()
@reports_errors
def prune(
    keep_last: Annotated[int | None, typer.Option(min=0)] = None,
    keep_daily: Annotated[int | None, typer.Option(min=0)] = None,
    keep_weekly: Annotated[int | None, typer.Option(min=0)] = None,
    keep_monthly: Annotated[int | None, typer.Option(min=0)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would be removed.")] = False,
    to: Annotated[list[Path] | None, typer.Option("--to", help="Directory to prune (default: destinations).")] = None,
    signer: SignerOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Remove snapshots the retention policy does not keep (and segments that grow from them)."""
    refuse_when_read_only("`pos backup prune`")
    settings = _settings(config).backup
    given = {"keep_last": keep_last, "keep_daily": keep_daily, "keep_weekly": keep_weekly, "keep_monthly": keep_monthly}
    policy = RetentionPolicy(**{**settings.retention.model_dump(), **{k: v for k, v in given.items() if v is not None}})
    trusted = load_verify_key(_signer_path(signer, config, None))
    for directory in to or settings.destinations:
        report = prune_destination(directory, trusted, policy, dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        for path in report.removed:
            typer.echo(f"{verb} {path}")
        for note in report.left_alone:
            typer.echo(f"Left alone (check it): {note}", err=True)
        typer.echo(f"{directory}: kept {len(report.kept)}, {verb.lower()} {len(report.removed)}.")


if __name__ == "__main__":
    backup_app()
