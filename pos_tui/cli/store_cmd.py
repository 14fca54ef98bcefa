"""`pos init`, `pos status` and `pos reprint`: the store itself, and a receipt again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pos_tui.cli.common import (
    ConfigOption,
    DbOption,
    new_pin,
    refuse_when_read_only,
    reports_errors,
    session_from,
    settings_from,
)
from pos_tui.cli.devices_cmd import PrinterOption, WaitOption, printer_from, report_job
from pos_tui.config import with_store_overrides
from pos_tui.services.selling.receipts import receipt_text
from pos_tui.services.store import check_new_store_path, init_store, store_status


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


@reports_errors
def status(db: DbOption = None, config: ConfigOption = None) -> None:
    """The store's status: database, journal head, today's sales."""
    show_status(db, config, read_only=True)


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
    refuse_when_read_only("`pos init`")
    store = {"name": name, "currency": currency, "exponent": exponent, "symbol": symbol, "timezone": timezone}
    settings = with_store_overrides(settings_from(config), {k: v for k, v in store.items() if v is not None}, terminal)
    path = db or settings.database.path
    check_new_store_path(path)  # before the PIN is asked for
    if pin is None:
        pin = new_pin(admin, "nothing was created")
    session = init_store(settings, path, admin=admin, admin_pin=pin)
    session.close()
    typer.echo(f"Created store {settings.store.name!r} at {path} with admin {admin!r}.")


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
