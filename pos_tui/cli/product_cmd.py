"""`pos product`: quick look-ups from a shell."""

from __future__ import annotations

from typing import Annotated

import typer

from pos_tui.cli.common import ConfigOption, DbOption, command_group, reports_errors, session_from
from pos_tui.devices.receipt import format_rate
from pos_tui.domain.money import format_quantity
from pos_tui.services.catalog import products

product_app = command_group(help="Look products up by name, SKU or barcode.", no_args_is_help=True)


@product_app.command()
@reports_errors
def search(
    text: Annotated[str, typer.Argument(help="Words or word beginnings of the name or SKU.")],
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Products whose name or SKU words start with TEXT."""
    session = session_from(db, config, read_only=True)
    try:
        hits = products.search_products(session, text, limit=limit)
        for hit in hits:
            name = f"{hit.name} ({hit.variant})" if hit.variant else hit.name
            typer.echo(f"{hit.sku:<14} {name[:40]:<40} {session.money(hit.price):>14}  {format_quantity(hit.on_hand)}"
                       f" {hit.unit}")
        if not hits:
            typer.echo("No product matches.", err=True)
    finally:
        session.close()


@product_app.command()
@reports_errors
def show(
    code: Annotated[str, typer.Argument(help="A barcode (any GTIN form) or SKU.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Everything about one product."""
    session = session_from(db, config, read_only=True)
    try:
        product = products.show_product(session, code)
        barcodes = products.product_barcodes(session, product.product_id)
        rows = [
            ("SKU", product.sku),
            ("Name", product.display_name),
            ("Category", product.category),
            ("Vendor", product.vendor),
            ("Unit", product.unit),
            ("Price", session.money(product.price)),
            ("Cost", session.money(product.cost)),
            ("Tax class", f"{product.tax_class} ({format_rate(product.tax_rate_bp)})"),
            ("On hand", f"{format_quantity(product.on_hand)} {product.unit}"),
            ("Reorder at", f"{format_quantity(product.reorder_level)} {product.unit}"),
            ("Barcodes", ", ".join(c if m == 1000 else f"{c} (x{format_quantity(m)})" for c, m in barcodes) or "-"),
        ]
        for label, value in rows:
            typer.echo(f"{label:<11} {value}")
    finally:
        session.close()
