"""`pos sync`: send this store's journal to head office (its own process, beside the till)."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer

from pos_tui.cli.common import ConfigOption, DbOption, reports_errors

NatsOption = Annotated[str, typer.Option("--nats", envvar="POS_NATS_URL",
                                         help="Head office's NATS server (TLS: tls://...).")]
NamespaceOption = Annotated[str, typer.Option("--namespace", envvar="POS_CHAIN_NAMESPACE",
                                              help="The chain's streams and subjects (one NATS may carry several).")]
# A store's: its defaults are the config's [chain] url and namespace.
StoreNatsOption = Annotated[str | None, typer.Option(
    "--nats", envvar="POS_NATS_URL", help="Head office's NATS server (TLS: tls://...; default: the config's [chain]"
                                          " url, else nats://127.0.0.1:4222).")]
StoreNamespaceOption = Annotated[str | None, typer.Option(
    "--namespace", envvar="POS_CHAIN_NAMESPACE", help="The chain's streams and subjects (one NATS may carry several;"
                                                      " default: the config's [chain] namespace, pos).")]
CaFileOption = Annotated[Path | None, typer.Option(
    "--ca-file", envvar="POS_NATS_CA", help="The CA certificate that signed head office's NATS certificate"
                                            " (default: the config's [chain] ca_file); with it, TLS.")]
FORKED_EXIT = 3


@reports_errors
def sync_command(
    nats_url: StoreNatsOption = None,
    namespace: StoreNamespaceOption = None,
    terminal: Annotated[str | None, typer.Option(help="The terminal id this journal syncs as, the first time"
                                                      " (default: the config's terminal.id).")] = None,
    credentials: Annotated[Path | None, typer.Option(
        help="This terminal's NATS key file (default: the config's [chain] credentials).")] = None,
    ca_file: CaFileOption = None,
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Entries a batch.")] = 500,
    ack_timeout: Annotated[float, typer.Option(min=0.1, help="Seconds to wait for head office's head before"
                                                             " sending again from it.")] = 5.0,
    until_synced: Annotated[bool, typer.Option("--until-synced", help="Exit once head office holds the whole"
                                                                      " journal.")] = False,
    status: Annotated[bool, typer.Option("--status", help="Say where sync stands and exit.")] = False,
    new_epoch: Annotated[bool, typer.Option("--new-epoch", help="This file was restored from a backup (or the"
                                                                " till reinstalled from one): sync as a new"
                                                                " epoch, clearing the fork alarm.")] = False,
    pull_gap: Annotated[bool, typer.Option("--pull-gap", help="This file was restored and nothing was sold since:"
                                                              " take back what head office holds of this"
                                                              " terminal after it (the gap), then exit.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Send this store's journal to head office over NATS (its own process); stop on a fork.

    What counts as sent is head office's verified chain head, not the transport's receipt."""
    from pos_tui.cli.common import session_from
    from pos_tui.services.chain import outbox

    with closing(session_from(db, config, read_only=status)) as session:
        if status:
            from pos_tui.services.chain import office

            typer.echo(outbox.sync_line(session.ledger) or "this store has never synced.")
            for sentence in office.not_created(session.ledger):
                typer.echo(sentence)
            from pos_tui.services.chain.gap import status_hint

            if hint := status_hint(session.ledger):
                typer.echo(hint)
            return
        if new_epoch:
            outbox.mark_new_epoch(session.ledger, terminal or session.terminal)
        import asyncio

        from pos_tui.services.chain.access import NatsAccess
        from pos_tui.services.chain.wire import Channels
        from pos_tui.services.chain.witness import DEFAULT_URL
        from pos_tui.services.chain.worker import SyncOptions, run_sync

        chain, source = session.settings.chain, session.settings.source
        key, ca = chain.key_and_ca(source)
        access = NatsAccess(credentials or key, ca_file or ca)
        if pull_gap:
            from pos_tui.services.chain.gap import PullOptions, pull_gap_back

            pulled = asyncio.run(pull_gap_back(session.ledger, nats_url or chain.url or DEFAULT_URL, PullOptions(
                page=min(batch, 500), timeout_s=max(ack_timeout, 2.0), access=access,
                channels=Channels(namespace or chain.namespace))))
            taken = (f"took back {pulled.pulled} entr{'y' if pulled.pulled == 1 else 'ies'} (seq {pulled.first_seq}-"
                     f"{pulled.last_seq}) from head office" if pulled.pulled
                     else "head office holds nothing after this journal's head")
            typer.echo(f"{taken}; this journal ends at seq {pulled.head_seq}. Run `pos sync`: it starts epoch"
                       f" {pulled.epoch} from there, with no gap.")
            return
        options = SyncOptions(batch=batch, ack_timeout_s=ack_timeout, until_synced=until_synced,
                              access=access, channels=Channels(namespace or chain.namespace), user=session.username)
        url = nats_url or chain.url or DEFAULT_URL
        try:
            state = asyncio.run(run_sync(session.ledger, url, terminal or session.terminal, options))
        except outbox.ChainForked as forked:
            typer.secho(str(forked), fg=typer.colors.RED, err=True)
            raise typer.Exit(FORKED_EXIT) from None
        typer.echo(f"synced: head office holds seq {state.acked_seq} of terminal {state.terminal},"
                   f" epoch {state.epoch}.")

