"""`pos product`: quick look-ups from a shell."""

from __future__ import annotations

from contextlib import closing
from typing import Annotated

import typer

from pos_tui.cli.common import (
    ApprovedByOption,
    ConfigOption,
    DbOption,
    UserOption,
    acting_session,
    command_group,
    reports_errors,
    session_from,
    with_approval,
)
from pos_tui.devices.receipt import format_rate
from pos_tui.domain.money import format_quantity
from pos_tui.services.catalog import products

product_app = command_group(help="Look products up; add, edit, retire and restore them.", no_args_is_help=True)


@product_app.command()
@reports_errors
def search(
    text: Annotated[str, typer.Argument(help="Words or word beginnings of the name or SKU.")],
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Products whose name or SKU words start with TEXT."""
    with closing(session_from(db, config, read_only=True)) as session:
        hits = products.search_products(session, text, limit=limit)
        for hit in hits:
            name = f"{hit.name} ({hit.variant})" if hit.variant else hit.name
            typer.echo(f"{hit.sku:<14} {name[:40]:<40} {session.money(hit.price):>14}  {format_quantity(hit.on_hand)}"
                       f" {hit.unit}")
        if not hits:
            typer.echo("No product matches.", err=True)


@product_app.command()
@reports_errors
def show(
    code: Annotated[str, typer.Argument(help="A barcode (any GTIN form) or SKU.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Everything about one product."""
    with closing(session_from(db, config, read_only=True)) as session:
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
            ("Retired", "yes: not sold or received" if product.retired else "no"),
            ("Barcodes", ", ".join(c if m == 1000 else f"{c} (x{format_quantity(m)})" for c, m in barcodes) or "-"),
        ]
        for label, value in rows:
            typer.echo(f"{label:<11} {value}")


# --- adding, editing, retiring ----------------------------------------------------------------

NameOpt = Annotated[str | None, typer.Option("--name", help="The product's name.")]
BarcodeOpt = Annotated[list[str] | None, typer.Option(
    "--barcode", help="A barcode; CODE*6 for a pack of six (repeatable; on edit, replaces them all).")]
CategoryOpt = Annotated[str | None, typer.Option("--category")]
VendorOpt = Annotated[str | None, typer.Option("--vendor")]
PriceOpt = Annotated[str | None, typer.Option("--price", help="Shelf price, e.g. 450 or 450.50.")]
CostOpt = Annotated[str | None, typer.Option("--cost", help="What one unit costs.")]
TaxOpt = Annotated[str | None, typer.Option("--tax-class", help="A tax class code (std, reduced, exempt...).")]
UnitOpt = Annotated[str | None, typer.Option("--unit", help="each, kg, g, l or m.")]
ReorderOpt = Annotated[str | None, typer.Option("--reorder-level", help="Reorder below this quantity.")]
GroupOpt = Annotated[str | None, typer.Option("--group", help="Variants share a group (T-Shirt).")]
VariantOpt = Annotated[str | None, typer.Option("--variant", help="This variant's label (M, 500 g).")]


def _fields(**given: str | list[str] | None) -> dict[str, str]:
    fields = {name: value for name, value in given.items() if isinstance(value, str)}
    codes = given.get("barcodes")
    if isinstance(codes, list):
        fields["barcodes"] = "|".join(codes)
    return fields


@product_app.command()
@reports_errors
def add(
    sku: Annotated[str, typer.Argument(help="The new product's SKU.")],
    name: NameOpt = None, barcode: BarcodeOpt = None, category: CategoryOpt = None, vendor: VendorOpt = None,
    price: PriceOpt = None, cost: CostOpt = None, tax_class: TaxOpt = None, unit: UnitOpt = None,
    reorder_level: ReorderOpt = None, group: GroupOpt = None, variant: VariantOpt = None,
    db: DbOption = None, config: ConfigOption = None, user: UserOption = None, approved_by: ApprovedByOption = None,
) -> None:
    """Add a product (every field of the catalogue CSV); one without --barcode gets an in-store code."""
    from pos_tui.services.inventory import lifecycle

    with closing(acting_session(db, config, user)) as session:
        details = lifecycle.details_from_fields(session, _fields(
            sku=sku, name=name, barcodes=barcode, category=category, vendor=vendor, price=price, cost=cost,
            tax_class=tax_class, unit=unit, reorder_level=reorder_level, group=group, variant=variant))
        product_id, generated = with_approval(session, approved_by, "", lambda approval: lifecycle.add_product(
            session, details, approval=approval))
        note = f"; in-store barcode {generated}" if generated else ""
        typer.echo(f"Added {details.sku} {details.name} as product {product_id}{note}.")


@product_app.command()
@reports_errors
def edit(
    code: Annotated[str, typer.Argument(help="The product's barcode or SKU.")],
    sku: Annotated[str | None, typer.Option("--sku", help="A new SKU.")] = None,
    name: NameOpt = None, barcode: BarcodeOpt = None, category: CategoryOpt = None, vendor: VendorOpt = None,
    price: PriceOpt = None, cost: CostOpt = None, tax_class: TaxOpt = None, unit: UnitOpt = None,
    reorder_level: ReorderOpt = None, group: GroupOpt = None, variant: VariantOpt = None,
    db: DbOption = None, config: ConfigOption = None, user: UserOption = None, approved_by: ApprovedByOption = None,
) -> None:
    """Change the fields given; the others stay. A new --price is a price change too."""
    from pos_tui.domain.errors import InvalidInput
    from pos_tui.services.inventory import lifecycle

    fields = _fields(sku=sku, name=name, barcodes=barcode, category=category, vendor=vendor, price=price, cost=cost,
                     tax_class=tax_class, unit=unit, reorder_level=reorder_level, group=group, variant=variant)
    if not fields:
        raise InvalidInput("Nothing to change.", "Give the fields to change, e.g. --price 450 or --vendor Nestle.")
    with closing(acting_session(db, config, user)) as session:
        product = products.show_product(session, code)
        details = lifecycle.details_from_fields(session, fields, lifecycle.details_of(session, product))
        with_approval(session, approved_by, "", lambda approval: lifecycle.change_product(
            session, product.product_id, details, approval=approval))
        typer.echo(f"Changed {details.sku}: {', '.join(sorted(fields))}.")


@product_app.command()
@reports_errors
def retire(
    code: Annotated[str, typer.Argument(help="The product's barcode or SKU.")],
    db: DbOption = None, config: ConfigOption = None, user: UserOption = None, approved_by: ApprovedByOption = None,
) -> None:
    """Stop selling and receiving a product; it stays in history, reports and stock."""
    from pos_tui.services.inventory import lifecycle

    with closing(acting_session(db, config, user)) as session:
        product = with_approval(session, approved_by, "", lambda approval: lifecycle.retire_product(
            session, code, approval=approval))
        typer.echo(f"Retired {product.sku} {product.display_name}.")


@product_app.command()
@reports_errors
def restore(
    code: Annotated[str, typer.Argument(help="The product's barcode or SKU.")],
    db: DbOption = None, config: ConfigOption = None, user: UserOption = None, approved_by: ApprovedByOption = None,
) -> None:
    """Sell and receive a retired product again."""
    from pos_tui.services.inventory import lifecycle

    with closing(acting_session(db, config, user)) as session:
        product = with_approval(session, approved_by, "", lambda approval: lifecycle.restore_product(
            session, code, approval=approval))
        typer.echo(f"Restored {product.sku} {product.display_name}.")


@product_app.command("quick-key")
@reports_errors
def quick_key(
    code: Annotated[str, typer.Argument(help="The product's barcode or SKU.")],
    position: Annotated[int, typer.Option("--position", help="Its place in its category's grid (1 first); 0 takes "
                                                             "it off.")],
    db: DbOption = None, config: ConfigOption = None, user: UserOption = None, approved_by: ApprovedByOption = None,
) -> None:
    """Put a product on the bucket's quick-key grid (Ctrl+G), for goods sold without a barcode."""
    from pos_tui.services.inventory import quick_keys

    with closing(acting_session(db, config, user)) as session:
        product = with_approval(session, approved_by, "", lambda approval: quick_keys.set_quick_key(
            session, code, position, approval=approval))
        where = f"quick key {position} in {product.category or 'Other'}" if position else "off the quick keys"
        typer.echo(f"{product.sku} {product.display_name}: {where}.")


@product_app.command("labels")
@reports_errors
def labels(
    barcode: Annotated[str | None, typer.Option("--barcode", help="One product's barcode or SKU.")] = None,
    category: Annotated[str | None, typer.Option("--category", help="Every product on sale in a category.")] = None,
    changed_since: Annotated[str | None, typer.Option(
        "--changed-since", help="Every product whose price changed on or after this business day (YYYY-MM-DD).",
    )] = None,
    printer: Annotated[str | None, typer.Option(
        "--printer", help="Printer URI (default: devices.printer.uri), e.g. tcp://10.0.0.7:9100.")] = None,
    wait: Annotated[float | None, typer.Option(
        "--wait", help="Seconds to wait for the printer (default: devices.printer.wait_seconds).")] = None,
    db: DbOption = None, config: ConfigOption = None,
) -> None:
    """Print price and shelf labels (name, price, price per kg/litre, barcode) on the receipt printer."""
    from pos_tui.cli.devices_cmd import printer_from, report_job
    from pos_tui.services.catalog import labels as shelf_labels

    with closing(session_from(db, config)) as session:
        chosen = shelf_labels.products_to_label(session, code=barcode, category=category, changed_since=changed_since)
        if not chosen:
            typer.echo(f"No price has changed since {changed_since}: no labels to print.")
            return
        till_printer = printer_from(session.settings, printer)
        try:
            columns = till_printer.renderer.columns if till_printer.enabled else 42
            typer.echo(shelf_labels.labels_text(session, chosen, columns), nl=False)
            job = shelf_labels.print_labels(session, till_printer, chosen)
            typer.echo(f"{len(chosen)} label{'s' if len(chosen) != 1 else ''}: "
                       + ", ".join(product.sku for product in chosen[:10]) + (" ..." if len(chosen) > 10 else ""))
            report_job(till_printer, job, wait, "The labels")
        finally:
            till_printer.close()
