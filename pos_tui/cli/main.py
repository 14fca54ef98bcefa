"""The `pos` command: the till's shell interface. Each command calls services; none writes SQL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pos_tui.cli.analytics_cmd import register_analytics
from pos_tui.cli.audit_cmd import audit_command
from pos_tui.cli.backup_cmd import backup_app
from pos_tui.cli.cash_cmd import cash_app, shift_app
from pos_tui.cli.catalog_cmd import catalog_app
from pos_tui.cli.common import ConfigOption, DbOption, new_pin, reports_errors, session_from, settings_from
from pos_tui.cli.daybook_cmd import daybook_command
from pos_tui.cli.db_cmd import db_app
from pos_tui.cli.demo_cmd import demo_command
from pos_tui.cli.devices_cmd import PrinterOption, WaitOption, devices_app, printer_from, report_job
from pos_tui.cli.doctor_cmd import doctor_command
from pos_tui.cli.export_cmd import export_app
from pos_tui.cli.launch import open_till
from pos_tui.cli.people_cmd import user_app
from pos_tui.cli.product_cmd import product_app
from pos_tui.cli.report_cmd import report_app
from pos_tui.cli.selling_cmd import register_selling
from pos_tui.cli.staff_cmd import staff_app
from pos_tui.config import with_store_overrides
from pos_tui.services.receipts import receipt_text
from pos_tui.services.store import check_new_store_path, init_store, store_status

app = typer.Typer(
    name="pos",
    help="pos_tui: a point of sale in the terminal. With no command, opens the till on the configured store.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db")
app.add_typer(product_app, name="product")
app.add_typer(catalog_app, name="catalog")
app.add_typer(user_app, name="user")
app.add_typer(backup_app, name="backup")
app.add_typer(export_app, name="export")
app.add_typer(devices_app, name="devices")
app.add_typer(report_app, name="report")
register_analytics(report_app)
app.add_typer(shift_app, name="shift")
app.add_typer(cash_app, name="cash")
app.add_typer(staff_app, name="staff")
register_selling(app)
app.command("demo")(demo_command)
app.command("audit")(audit_command)
app.command("doctor")(doctor_command)
app.command("daybook")(daybook_command)


@app.callback(invoke_without_command=True)
@reports_errors
def main_callback(
    ctx: typer.Context,
    db: DbOption = None,
    config: ConfigOption = None,
    read_only: Annotated[bool, typer.Option("--read-only", help="Open for reading only (managers over SSH).")] = False,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    open_till(db, config, read_only=read_only)  # `pos` alone usually gets there without typer: cli.launch


def show_status(db: Path | None, config: Path | None, *, read_only: bool) -> None:
    session = session_from(db, config, read_only=read_only)
    try:
        status = store_status(session)
    finally:
        session.close()
    typer.echo(f"Store     {status.name}  ({status.store_id})")
    typer.echo(f"Database  {status.path}")
    typer.echo(f"Terminal  {status.terminal}")
    typer.echo(f"Journal   seq {status.head.seq}  head {status.head.hash[:16]}…")
    typer.echo(f"Today     {status.day}: {status.sales_today} sales, {session.money(status.takings_today)}")
    typer.echo(f"Products  {status.products}")


@app.command()
@reports_errors
def status(db: DbOption = None, config: ConfigOption = None) -> None:
    """The store's status: database, journal head, today's sales."""
    show_status(db, config, read_only=True)


@app.command()
@reports_errors
def init(
    db: DbOption = None,
    config: ConfigOption = None,
    admin: Annotated[str, typer.Option(help="User name of the first admin.")] = "admin",
    pin: Annotated[str | None, typer.Option(help="The admin's PIN (asked for when not given).")] = None,
    name: Annotated[str | None, typer.Option(help="Store name (overrides the config).")] = None,
    currency: Annotated[str | None, typer.Option(help="ISO currency code, e.g. PKR.")] = None,
    exponent: Annotated[int | None, typer.Option(help="Decimal places of the currency.")] = None,
    symbol: Annotated[str | None, typer.Option(help="Currency symbol printed before amounts.")] = None,
    timezone: Annotated[str | None, typer.Option(help="IANA timezone, e.g. Asia/Karachi.")] = None,
    terminal: Annotated[str | None, typer.Option(help="This till's terminal id.")] = None,
) -> None:
    """Create a store database: store details, tax classes and the first admin user."""
    store = {"name": name, "currency": currency, "exponent": exponent, "symbol": symbol, "timezone": timezone}
    settings = with_store_overrides(settings_from(config), {k: v for k, v in store.items() if v is not None}, terminal)
    path = db or settings.database.path
    check_new_store_path(path)  # before the PIN is asked for
    if pin is None:
        pin = new_pin(admin, "nothing was created")
    session = init_store(settings, path, admin=admin, admin_pin=pin)
    session.close()
    typer.echo(f"Created store {settings.store.name!r} at {path} with admin {admin!r}.")


@app.command()
@reports_errors
def reprint(
    sale_number: Annotated[str, typer.Option("--sale", help="The sale number on the receipt, e.g. T1-000042.")],
    printer: PrinterOption = None,
    wait: WaitOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Print a sale's receipt again, marked DUPLICATE (it never opens the drawer)."""
    session = session_from(db, config, read_only=True)
    try:
        text = receipt_text(session, sale_number, duplicate=True)  # an unknown sale number stops here
        receipt_printer = printer_from(session.settings, printer)
        try:
            job = receipt_printer.print_sale(session, sale_number, duplicate=True)
            typer.echo(text, nl=False)
            report_job(receipt_printer, job, wait, f"Duplicate of {sale_number}")
        finally:
            receipt_printer.close()
    finally:
        session.close()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
