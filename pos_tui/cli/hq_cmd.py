"""`pos hq`: head office. Its PostgreSQL schema, its stores and terminals, the ingest consumer, reports."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pos_tui.cli.common import ConfigOption, DbOption, command_group, reports_errors
from pos_tui.cli.sync_cmd import CaFileOption, NamespaceOption, NatsOption

if TYPE_CHECKING:
    import psycopg

hq_app = command_group(help="Head office: PostgreSQL schema, stores and terminals, the ingest consumer, reports."
                            "\n\nWith no command, `pos hq` opens head office's cockpit: the stores' sync and alarms,"
                            " stock by store, transfers to approve, the consolidated reports (F11: its keys).",
                       no_args_is_help=False, invoke_without_command=True)
store_app = command_group(help="The stores and terminals head office knows.")
hq_app.add_typer(store_app, name="store")
transfer_app = command_group(help="Stock transfers between stores: approve, list, show.")
hq_app.add_typer(transfer_app, name="transfer")
catalog_app = command_group(help="Head office's catalogue, prices and tax classes, sent to every store (or one).")
hq_app.add_typer(catalog_app, name="catalog")

PgOption = Annotated[str, typer.Option("--pg", envvar="POS_HQ_PG",
                                       help="Head office's PostgreSQL URL (postgresql://user@host/db).")]
DEFAULT_PG = "postgresql:///pos_hq"


@contextmanager
def _current_office(pg: str) -> Iterator[psycopg.Connection[Any]]:
    """Head office's database, refused with a sentence unless its schema is the current one."""
    from pos_tui.services.hq import schema

    with schema.connect(pg) as conn:
        schema.require_current(conn)
        yield conn


@hq_app.callback()
@reports_errors
def cockpit(ctx: typer.Context, pg: PgOption = DEFAULT_PG, db: DbOption = None, config: ConfigOption = None) -> None:
    """With no command: head office's cockpit, a full-screen view of the stores' sync and alarms, stock by
    store, transfers to approve (F5) and the consolidated reports. F11 lists the keys, F10 leaves."""
    if ctx.invoked_subcommand is not None:
        import click

        given = [name for name in ("pg", "db", "config")
                 if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE]
        if given:  # they would be the cockpit's, silently not the command's
            from pos_tui.cli.common import fail

            fail(f"put --{given[0]} after the command: pos hq {ctx.invoked_subcommand} ... --{given[0]} VALUE.")
        return
    from pos_tui.cli.common import settings_from
    from pos_tui.domain.money import Currency
    from pos_tui.tui.hq.app import run_cockpit

    store = settings_from(config).store
    run_cockpit(pg, Currency(store.currency, store.exponent, store.symbol))


@hq_app.command("init")
@reports_errors
def init(pg: PgOption = DEFAULT_PG, db: DbOption = None, config: ConfigOption = None) -> None:
    """Create or migrate head office's PostgreSQL schema (db/hq/); running it again changes nothing."""
    from pos_tui.services.hq import schema

    with schema.connect(pg) as conn:
        applied = schema.migrate(conn)
        version = schema.schema_version(conn)
    done = f"applied {', '.join(map(str, applied))}" if applied else "nothing to apply"
    typer.echo(f"head office schema {version} ({done}).")


CredentialsDirOption = Annotated[Path | None, typer.Option(
    "--credentials-dir", help="Write each terminal's key to DIR/STORE.TERMINAL.nk (mode 0600) and print its path,"
                              " instead of printing the key itself.")]


def _hand_out(made: list[Any], credentials_dir: Path | None) -> None:
    """Each terminal's seed, this once: on stdout (`STORE TERMINAL SEED`), or into a file of its own."""
    from pos_tui.services.hq.authorization import write_secret

    for credentials in made:
        if credentials_dir is None:
            typer.echo(f"{credentials.store} {credentials.terminal} {credentials.seed}")
            continue
        path = credentials_dir / credentials.file_name
        write_secret(path, credentials.seed)
        typer.echo(f"{credentials.store} {credentials.terminal} {path}")


@store_app.command("add")
@reports_errors
def store_add(
    store: Annotated[str, typer.Argument(help="The store's id, as `pos status` shows it at the store.")],
    name: Annotated[str, typer.Option(help="What head office calls the store.")],
    terminal: Annotated[list[str], typer.Option("--terminal", help="A terminal id (repeat).")],
    credentials_dir: CredentialsDirOption = None,
    pg: PgOption = DEFAULT_PG,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Register a store and its terminals; hand out each terminal's NATS key once (only its public half is kept)."""
    from pos_tui.services.hq import stores

    if credentials_dir is not None and not credentials_dir.is_dir():
        from pos_tui.cli.common import fail

        fail(f"{credentials_dir} is not a directory; nothing was registered.")
    with _current_office(pg) as conn:
        made = stores.add_store(conn, store, name, terminal)
    _hand_out(made, credentials_dir)
    typer.echo(f"Store {store} ({name}) with {len(made)} terminal(s). Each key goes to its terminal (pos.toml"
               " [chain] credentials = the file, mode 0600); the keys are shown this once. Then run"
               " `pos hq nats-config` and reload nats-server.", err=True)


@store_app.command("rekey")
@reports_errors
def store_rekey(
    store: Annotated[str, typer.Argument(help="The store's id.")],
    terminal: Annotated[str, typer.Argument(help="The terminal whose key is lost or is a password from before.")],
    credentials_dir: CredentialsDirOption = None,
    pg: PgOption = DEFAULT_PG,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Give a registered terminal a new NATS key; the old one stops at the next `pos hq nats-config` and reload."""
    from pos_tui.services.hq import stores

    with _current_office(pg) as conn:
        made = stores.rekey(conn, store, terminal)
    _hand_out([made], credentials_dir)
    typer.echo(f"New key for terminal {terminal} of store {store}: run `pos hq nats-config` and reload nats-server.",
               err=True)


@hq_app.command("nats-config")
@reports_errors
def nats_config(
    output: Annotated[Path, typer.Argument(help="The file nats-server's config includes (`include FILE`).")],
    office_credentials: Annotated[Path, typer.Option(
        "--office-credentials", envvar="POS_HQ_NATS_CREDENTIALS",
        help="Head office's own key (made, mode 0600, when missing); `pos hq serve` signs in with it.")],
    namespace: NamespaceOption = "pos",
    pg: PgOption = DEFAULT_PG,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Write nats-server's authorization: head office's key may do all, each terminal only its own subjects."""
    from pos_tui.services.chain.wire import Channels
    from pos_tui.services.hq import authorization

    office_key = authorization.office_key(office_credentials)
    with _current_office(pg) as conn:
        terminals = authorization.terminal_keys(conn)
        unkeyed = conn.execute("SELECT count(*) FROM hq_terminals WHERE nkey IS NULL").fetchone()
    authorization.write_config(output, authorization.authorization_block(office_key, terminals, Channels(namespace)))
    typer.echo(f"wrote {output}: head office and {len(terminals)} terminal(s). Reload nats-server to apply it"
               " (`nats-server --signal reload`).")
    if unkeyed and unkeyed[0]:
        typer.echo(f"{unkeyed[0]} terminal(s) registered before nkeys have no key and cannot sign in:"
                   " `pos hq store rekey STORE TERMINAL`.", err=True)


@store_app.command("list")
@reports_errors
def store_list(pg: PgOption = DEFAULT_PG, db: DbOption = None, config: ConfigOption = None) -> None:
    """Every store's terminals: head office's verified head, when it last moved, and any alarm."""
    from pos_tui.services.hq import stores

    with _current_office(pg) as conn:
        states = stores.terminal_states(conn)
    for state in states:
        alarm = f"  ALARM: refused seq {state.refused_seq}: {state.refused_reason}" if state.alarm else ""
        if state.gap:
            alarm += f"  GAP{' (acknowledged)' if state.gap_acknowledged else ''}: {state.gap}"
        typer.echo(f"{state.store}  {state.name:<20} {state.terminal:<8} epoch {state.epoch or '-'}"
                   f"  head {state.head_seq:>8}  moved {state.moved_at}{alarm}")
    alarms = sum(1 for state in states if state.alarm)
    gaps = sum(1 for state in states if state.gap_alarm)
    restored = f" {gaps} restored with a gap not acknowledged (`pos hq store ack-gap`)." if gaps else ""
    typer.echo(f"{len(states)} terminal(s), {alarms} with an alarm.{restored}")
    if alarms or gaps:
        raise typer.Exit(2)


@store_app.command("ack-gap")
@reports_errors
def store_ack_gap(
    store: Annotated[str, typer.Argument(help="The store's id.")],
    terminal: Annotated[str, typer.Argument(help="The restored terminal.")],
    note: Annotated[str, typer.Option(help="Why the gap stays (kept with the acknowledgement).")] = "",
    pg: PgOption = DEFAULT_PG,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Acknowledge a restored terminal's gap: head office keeps counting those sales, the till's books lack them."""
    from pos_tui.services.hq import stores

    with _current_office(pg) as conn:
        gap = stores.acknowledge_gap(conn, store, terminal, note)
    typer.echo(f"acknowledged: {gap.sentence()}.")


@hq_app.command("stock")
@reports_errors
def stock(
    sku: Annotated[str, typer.Argument(help="The product's SKU.")],
    pg: PgOption = DEFAULT_PG,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """What each store holds of a product, as head office has its movements."""
    from pos_tui.services.hq import reports, transfers

    with _current_office(pg) as conn:
        found = reports.stock_of(conn, sku)
        transit = transfers.transit_of(conn, sku)
    for row in found:
        # Below zero is an alert, never a refusal anywhere: a store sold or shipped what its count missed.
        alert = "  ALERT: below zero, count it" if row.on_hand < 0 else ""
        typer.echo(f"{row.store}  {row.sku}  {row.name}  {_quantity(row.on_hand)}{alert}")
    typer.echo(f"all stores: {_quantity(sum(row.on_hand for row in found))}")
    typer.echo(f"in transit: {_quantity(transit.in_transit)}")
    if transit.shrinkage:
        typer.echo(f"lost in transit (shrinkage): {_quantity(transit.shrinkage)}")


def _quantity(thousandths: int) -> str:
    sign, whole = ("-" if thousandths < 0 else ""), abs(thousandths)
    fraction = f"{whole % 1000:03d}".rstrip("0")
    return f"{sign}{whole // 1000}{'.' + fraction if fraction else ''}"


@hq_app.command("serve")
@reports_errors
def serve(
    nats_url: NatsOption = "nats://127.0.0.1:4222",
    namespace: NamespaceOption = "pos",
    pg: PgOption = DEFAULT_PG,
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Events a PostgreSQL transaction.")] = 1000,
    ack_wait: Annotated[float, typer.Option(min=0.5, help="Seconds before JetStream redelivers what a crashed"
                                                          " consumer did not acknowledge.")] = 30.0,
    credentials: Annotated[Path | None, typer.Option(
        envvar="POS_HQ_NATS_CREDENTIALS", help="Head office's NATS key (`pos hq nats-config` made it).")] = None,
    ca_file: CaFileOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Ingest the stores' events into PostgreSQL and publish each terminal's verified head (own process)."""
    import asyncio
    import logging

    from pos_tui.services.chain.access import NatsAccess
    from pos_tui.services.chain.wire import Channels
    from pos_tui.services.hq.serve import ServeOptions
    from pos_tui.services.hq.serve import serve as run_serve

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    with _current_office(pg):  # refuse an old schema before listening
        pass
    access = NatsAccess(credentials, ca_file, head_office=True)
    access.connect_options()  # a missing or wrong file is a sentence before anything starts
    options = ServeOptions(batch=batch, ack_wait_s=ack_wait, channels=Channels(namespace), access=access)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_serve(nats_url, pg, options, on_ready=lambda: typer.echo("ready", err=True)))


@hq_app.command("report")
@reports_errors
def report(
    name: Annotated[str, typer.Argument(help="sales-by-day")],
    store: Annotated[list[str] | None, typer.Option("--store", help="Only this store (repeat); all by default.")]
    = None,
    first: Annotated[str | None, typer.Option("--from", help="First business day, YYYY-MM-DD.")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last business day, YYYY-MM-DD.")] = None,
    output: Annotated[str, typer.Option("--format", help="table, csv or json (money in minor units in csv and"
                                                         " json).")] = "table",
    exponent: Annotated[int, typer.Option(min=0, max=4, help="Decimal places of the currency, for the table.")] = 2,
    pg: PgOption = DEFAULT_PG,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """A consolidated report over every store (or --store ...), from head office's projections."""
    import json

    from pos_tui.cli.common import fail, print_csv
    from pos_tui.services.hq import reports

    if output not in ("table", "csv", "json"):
        fail(f"--format {output!r} is not one of table, csv, json.")
    with _current_office(pg) as conn:
        rows = reports.run(conn, name, store or [], first, last)
    if output == "csv":
        print_csv(reports.COLUMNS, (row.cells() for row in rows))
    elif output == "json":
        typer.echo(json.dumps([dict(zip(reports.COLUMNS, row.cells(), strict=True)) for row in rows], indent=1))
    else:
        typer.echo(_table(rows, exponent))


def _table(rows: list[object], exponent: int) -> str:
    from pos_tui.services.hq import reports

    def shown(column: str, value: object) -> str:
        if column in reports.MONEY_COLUMNS and isinstance(value, int):
            sign, whole = ("-" if value < 0 else ""), abs(value)
            if not exponent:
                return f"{sign}{whole:,}"
            return f"{sign}{whole // 10 ** exponent:,}.{whole % 10 ** exponent:0{exponent}d}"
        return str(value)

    cells = [[shown(c, v) for c, v in zip(reports.COLUMNS, row.cells(), strict=True)]  # type: ignore[attr-defined]
             for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(reports.COLUMNS)]
    lines = ["  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(reports.COLUMNS, widths,
                                                                                        strict=True)))]
    for r in cells:
        lines.append("  ".join(v.ljust(w) if i < 2 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths,
                                                                                             strict=True))))
    lines.append(f"{len(rows)} store-day(s).")
    return "\n".join(lines)


@transfer_app.command("approve")
@reports_errors
def transfer_approve(
    transfer_id: Annotated[str, typer.Argument(help="The transfer's id (TR-...), as the store printed it.")],
    pg: PgOption = DEFAULT_PG,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Approve a store's transfer request; print its reference (it reaches the store with `pos sync`)."""
    from pos_tui.services.hq import transfers

    with _current_office(pg) as conn:
        reference, now = transfers.approve(conn, transfer_id)
    typer.echo(reference)
    typer.echo(f"{transfer_id.strip()} {'approved' if now else 'was already approved'}: it reaches the sending store"
               f" with its `pos sync`; offline, it ships with `pos transfer ship {transfer_id.strip()} --approval"
               f" {reference}`.", err=True)


@transfer_app.command("list")
@reports_errors
def transfer_list(pg: PgOption = DEFAULT_PG, db: DbOption = None, config: ConfigOption = None) -> None:
    """Every transfer head office knows of: its stores, its state, and any alarm."""
    from pos_tui.services.hq import transfers

    with _current_office(pg) as conn:
        found = transfers.list_transfers(conn)
    for transfer in found:
        alarm = f"  ALARM: {transfer.alarm}" if transfer.alarm else ""
        typer.echo(f"{transfer.transfer_id:<22} {transfer.state:<12} {transfer.from_store or '?'} ->"
                   f" {transfer.to_store or '?'}  {len(transfer.lines)} line(s){alarm}")
    typer.echo(f"{len(found)} transfer(s), {sum(1 for t in found if t.state in ('requested',))} to approve.")


@transfer_app.command("show")
@reports_errors
def transfer_show(
    transfer_id: Annotated[str, typer.Argument(help="The transfer's id (TR-...).")],
    pg: PgOption = DEFAULT_PG,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """One transfer: its stores, approval, and per SKU what was requested, shipped, received and lost."""
    from pos_tui.services.hq import transfers

    with _current_office(pg) as conn:
        transfer = transfers.get_transfer(conn, transfer_id)
    typer.echo(f"{transfer.transfer_id}  {transfer.state}  {transfer.from_store or '?'} -> {transfer.to_store or '?'}")
    typer.echo(f"approval: {transfer.approval_ref or 'none'}  shipped under: {transfer.shipped_ref or '-'}")
    if transfer.reason:
        typer.echo(f"reason: {transfer.reason}")
    if transfer.alarm:
        typer.echo(f"ALARM: {transfer.alarm}")
    typer.echo(f"{'SKU':<16} {'requested':>10} {'shipped':>10} {'received':>10} {'shrinkage':>10}")
    for line in transfer.lines:
        typer.echo(f"{line.sku:<16} {_quantity(line.requested):>10} {_quantity(line.shipped):>10}"
                   f" {_quantity(line.received):>10} {_quantity(line.shrinkage):>10}")


def _exponent(config: Path | None) -> int:
    """The currency's decimals, from the config (head office prices in the stores' currency)."""
    from pos_tui.cli.common import settings_from

    return settings_from(config).store.exponent


@catalog_app.command("import")
@reports_errors
def catalog_import(
    file: Annotated[Path, typer.Argument(help="A CSV file: a header line sku,name,price (optionally barcodes,"
                                              " category, tax_class), then one line a product.")],
    store: Annotated[str | None, typer.Option(help="Only for this store (its id); default every store.")] = None,
    pg: PgOption = DEFAULT_PG,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Set the catalogue's names and prices at head office; each store applies them as `pos sync` brings them.

    A line with a tax_class (one `pos hq catalog tax` defined) is a product: a store that lacks its SKU
    creates it with its barcodes, category, tax class and price."""
    from pos_tui.domain.errors import InvalidInput
    from pos_tui.domain.money import parse_amount
    from pos_tui.services.chain.wire import PRODUCT_ADDED
    from pos_tui.services.hq import office

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        why = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise InvalidInput(f"cannot read {file.name}: {why}; nothing was imported.") from error
    exponent = _exponent(config)
    lines = office.read_catalog_csv(text, lambda amount: parse_amount(amount, exponent))
    with _current_office(pg) as conn:
        made = office.set_prices(conn, lines, store)
    if not made:
        typer.echo("head office: the file has no lines; nothing changed.")
        return
    products = sum(1 for event in made if event.kind == PRODUCT_ADDED)
    typer.echo(f"head office: {len(made) - products} price(s) and {products} product(s) set for"
               f" {store or 'every store'}, seq {made[0].seq}-{made[-1].seq}.")


@catalog_app.command("export")
@reports_errors
def catalog_export(pg: PgOption = DEFAULT_PG, db: DbOption = None, config: ConfigOption = None) -> None:
    """Head office's catalogue for every store, as CSV (what `pos hq catalog import` reads)."""
    import csv
    import sys

    from pos_tui.domain.money import format_amount
    from pos_tui.services.hq import office

    exponent = _exponent(config)
    with _current_office(pg) as conn:
        lines = office.catalog(conn)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(office.CATALOG_COLUMNS)
    for line in lines:
        out.writerow((line.sku, line.name, format_amount(line.price, exponent, grouping=False), line.barcodes,
                      line.category, line.tax_class))


@catalog_app.command("tax")
@reports_errors
def catalog_tax(
    code: Annotated[str, typer.Argument(help="The tax class's code (std, reduced, ...), as products name it.")],
    rate: Annotated[str, typer.Argument(help="Its rate in percent: 18, 5.5 (0 to 100).")],
    name: Annotated[str, typer.Option(help="What receipts and screens call it; default \"Tax RATE%\".")] = "",
    pg: PgOption = DEFAULT_PG,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Define or change a tax class for every store; a sale keeps the rate it was sold at."""
    from pos_tui.domain.tax import format_rate, parse_rate
    from pos_tui.services.hq import office

    rate_bp = parse_rate(rate)
    with _current_office(pg) as conn:
        made = office.set_tax_class(conn, code, rate_bp, name)
    typer.echo(f"head office: tax class {made.payload['code']} ({made.payload['name']}) at {format_rate(rate_bp)}%"
               f" for every store (seq {made.seq}).")


@catalog_app.command("price")
@reports_errors
def catalog_price(
    sku: Annotated[str, typer.Argument(help="The product's SKU (in head office's catalogue).")],
    amount: Annotated[str, typer.Argument(help="The new price, as on a shelf label: 2.50.")],
    store: Annotated[str | None, typer.Option(help="Only for this store (its id); default every store.")] = None,
    pg: PgOption = DEFAULT_PG,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Set one price at head office, for every store or one; a store's own price for the product stands."""
    from pos_tui.domain.money import parse_amount
    from pos_tui.services.hq import office

    price = parse_amount(amount, _exponent(config))
    with _current_office(pg) as conn:
        made = office.set_prices(conn, [office.CatalogLine(sku, "", price)], store)
    typer.echo(f"head office: {sku} at {amount.strip()} for {store or 'every store'} (seq {made[0].seq}).")


@hq_app.command("demo")
@reports_errors
def demo_chain(
    directory: Annotated[Path | None, typer.Option("--dir", help="A new (or empty) directory for the stores' files"
                                                                 " and the logs; default: a new temporary one.")]
    = None,
    once: Annotated[bool, typer.Option("--once", help="Stop everything once head office holds every store's"
                                                      " journal, instead of running until Ctrl+C.")] = False,
    skus: Annotated[int, typer.Option(min=10, help="Products of each store.")] = 200,
    days: Annotated[int, typer.Option(min=1, help="Days of past trading of each store.")] = 7,
    sales_per_day: Annotated[int, typer.Option(min=0, help="Average sales a day at each store.")] = 40,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Bring up a demo chain on this machine: PostgreSQL, NATS, head office and three stores with history, syncing.

    Runs in the foreground until Ctrl+C (or SIGTERM), then stops every process it started. Needs
    PostgreSQL's server programs (it says how to install them when they are missing); it starts a private
    server on a free port and never uses the system's."""
    import signal
    import tempfile
    import time

    from pos_tui.cli.common import settings_from
    from pos_tui.services.demo import chain

    def say(line: str) -> None:
        typer.echo(line, err=True)

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)  # even where a shell started it with Ctrl+C ignored
    where = directory or Path(tempfile.mkdtemp(prefix="pos-demo-chain-"))
    try:
        with chain.demo_chain(settings_from(config), where, skus=skus, days=days, sales_per_day=sales_per_day,
                              say=say) as running:
            typer.echo("The demo chain is up: head office holds every store's journal.")
            for line in running.summary():
                typer.echo(line)
            if once:
                return
            typer.echo("Press Ctrl+C to stop it all.")
            while not running.dead():
                time.sleep(0.5)
            raise chain.DemoChainFailed(f"{running.dead()[0]} stopped on its own; stopping the demo chain.",
                                        f"Its log is {running.log(running.dead()[0])}.")
    except KeyboardInterrupt:
        typer.echo("Stopped: every process of the demo chain has ended; the stores' files stay in"
                   f" {where}.", err=True)
