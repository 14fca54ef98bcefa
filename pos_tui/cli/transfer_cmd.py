"""`pos transfer`: stock transfers between the chain's stores (request, ship, receive, list, show), and
the other stores' stock, asked of head office (`pos transfer stock`)."""

from __future__ import annotations

from contextlib import closing
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from pos_tui.cli.common import ConfigOption, DbOption, command_group, reports_errors, session_from

if TYPE_CHECKING:
    from pos_tui.services.inventory.transfers import Transfer

transfer_app = command_group(help="Stock transfers between stores: request, ship (with head office's approval),"
                                  " receive.")

TransferUser = Annotated[str, typer.Option("--user", help="Who is doing this (recorded in the journal).")]
TransferId = Annotated[str, typer.Argument(help="The transfer's id, as printed when it was requested (TR-...).")]


@transfer_app.command("request")
@reports_errors
def request(
    lines: Annotated[list[str], typer.Argument(help="CODE:QTY lines: a barcode or SKU and how many, e.g. TEA-200:12.")],
    to: Annotated[str, typer.Option("--to", help="The store the goods go to (its id, as `pos hq store list` shows)."
                                    )],
    db: DbOption = None,
    config: ConfigOption = None,
    user: TransferUser = "admin",
) -> None:
    """Ask head office to move goods from this store to another; nothing moves until it is shipped."""
    from pos_tui.services.inventory import transfers

    with closing(session_from(db, config, user=user)) as session:
        made = transfers.request(session, to, [transfers.parse_line(text) for text in lines])
    typer.echo(f"{made.transfer_id} requested: {len(made.lines)} line(s) to {made.other_store}. Head office approves"
               f" it with `pos hq transfer approve {made.transfer_id}`.")


@transfer_app.command("ship")
@reports_errors
def ship(
    transfer_id: TransferId,
    approval: Annotated[str, typer.Option("--approval", help="Head office's reference (AP-...), when its approval"
                                                             " has not arrived with `pos sync`.")] = "",
    line: Annotated[list[str] | None, typer.Option("--line", help="CODE:QTY as packed, when it differs from the"
                                                                  " request (repeat).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    user: TransferUser = "admin",
) -> None:
    """The goods leave this store into in-transit (the requested quantities, or --line as packed)."""
    from pos_tui.services.inventory import transfers

    with closing(session_from(db, config, user=user)) as session:
        shipped, alerts = transfers.ship(session, transfer_id, approval,
                                         [transfers.parse_line(text) for text in line or ()])
    typer.echo(f"{shipped.transfer_id} shipped to {shipped.other_store} under {shipped.approval_ref}.")
    for alert in alerts:
        typer.echo(f"ALERT: {alert}", err=True)


@transfer_app.command("receive")
@reports_errors
def receive(
    transfer_id: TransferId,
    lines: Annotated[list[str], typer.Argument(help="CODE:QTY as counted in, 0 for a product that did not come.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the count may differ from what was shipped"
                                                         " (damaged, missing...).")] = "",
    db: DbOption = None,
    config: ConfigOption = None,
    user: TransferUser = "admin",
) -> None:
    """Count in another store's transfer; head office posts any difference from what was shipped to shrinkage."""
    from pos_tui.services.inventory import transfers

    with closing(session_from(db, config, user=user)) as session:
        got = transfers.receive(session, transfer_id, [transfers.parse_line(text, zero_allowed=True) for text in lines],
                                reason)
    typer.echo(f"{got.transfer_id} received: {len(got.lines)} line(s) from store {got.other_store}.")


@transfer_app.command("list")
@reports_errors
def list_(
    state: Annotated[str, typer.Option(help="Only requested, shipped or received ones.")] = "",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """This store's transfers, latest first."""
    from pos_tui.services.inventory import transfers

    with closing(session_from(db, config)) as session:
        found = transfers.list_transfers(session, state=state)
    for transfer in found:
        way = f"to {transfer.other_store}" if transfer.direction == "out" else f"from {transfer.other_store}"
        typer.echo(f"{transfer.transfer_id:<22} {transfer.state:<9} {way}  {len(transfer.lines)} line(s)")
    typer.echo(f"{len(found)} transfer(s).")


@transfer_app.command("show")
@reports_errors
def show(transfer_id: TransferId, db: DbOption = None, config: ConfigOption = None) -> None:
    """One transfer: its state, approval and lines."""
    from pos_tui.services.inventory import transfers

    with closing(session_from(db, config)) as session:
        _print(transfers.get_transfer(session, transfer_id))


@transfer_app.command("stock")
@reports_errors
def stock(
    skus: Annotated[list[str], typer.Argument(help="The products' SKUs (up to 50), e.g. TEA-200.")],
    output: Annotated[str, typer.Option("--format", help="table or json (quantities in thousandths in json).")]
    = "table",
    nats_url: Annotated[str | None, typer.Option("--nats", envvar="POS_NATS_URL", help="Head office's NATS server"
                                                 " (default: the config's [chain] url).")] = None,
    namespace: Annotated[str | None, typer.Option("--namespace", envvar="POS_CHAIN_NAMESPACE", help="The chain's"
                                                  " subjects (default: the config's [chain] namespace).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """What the other stores hold of products and what is in transit, asked of head office now.

    Exits 1 with a sentence when head office cannot be asked (no [chain] url, the line, `pos hq serve` down)."""
    import json

    from pos_tui.cli.common import fail
    from pos_tui.domain.money import format_quantity
    from pos_tui.services.chain import elsewhere

    if output not in ("table", "json"):
        fail(f"--format {output!r} is not one of table, json.")
    with closing(session_from(db, config, read_only=True)) as session:
        found = elsewhere.stock_elsewhere(session, skus, nats_url, namespace)
        timezone = session.ledger.store_info().timezone
    if output == "json":
        typer.echo(json.dumps([{"sku": sku.sku, "in_transit": sku.in_transit, "to_this_store": sku.to_here,
                                "stores": [vars(level) for level in sku.stores]} for sku in found.skus], indent=1))
        return

    def when(synced_at: str | None) -> str:
        from pos_tui.ledger.journal import store_time

        if synced_at is None:
            return "never"
        return store_time(datetime.fromisoformat(synced_at), timezone).strftime("%Y-%m-%d %H:%M")

    for sku in found.skus:
        typer.echo(f"{sku.sku} at the other stores, as head office has them:")
        if not sku.stores:
            typer.echo("  no other store has it")
        for level in sku.stores:
            typer.echo(f"  {level.name:<24} {format_quantity(level.on_hand):>10}  synced {when(level.synced_at)}"
                       + (f"  ({format_quantity(level.in_transit)} on the way to it)" if level.in_transit else ""))
        typer.echo(f"  in transit: {format_quantity(sku.in_transit)}"
                   + (f" ({format_quantity(sku.to_here)} to this store)" if sku.to_here else ""))


def _print(transfer: Transfer) -> None:
    from pos_tui.domain.money import format_quantity

    way = f"to {transfer.other_store}" if transfer.direction == "out" else f"from {transfer.other_store}"
    typer.echo(f"{transfer.transfer_id}  {transfer.state}  {way}")
    if transfer.approval_ref:
        typer.echo(f"approval: {transfer.approval_ref}")
    if transfer.reason:
        typer.echo(f"reason: {transfer.reason}")
    typer.echo(f"{'SKU':<16} {'requested':>10} {'shipped':>10} {'received':>10}  name")
    for line in transfer.lines:
        typer.echo(f"{line.sku:<16} {format_quantity(line.requested):>10} {format_quantity(line.shipped):>10}"
                   f" {format_quantity(line.received):>10}  {line.name}")
