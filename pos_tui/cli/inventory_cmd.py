"""`pos stock`, `pos po`, `pos stocktake`: the stock room from a shell (adjustments with a reason,
purchase orders and receiving by scan, counts and their variance)."""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING, Annotated

import typer

from pos_tui.cli.common import (
    ApprovedByOption,
    ConfigOption,
    DbOption,
    UserOption,
    acting_session,
    command_group,
    print_csv,
    reports_errors,
    session_from,
    with_approval,
)

if TYPE_CHECKING:
    from pos_tui.services.inventory.orders import PurchaseOrder
    from pos_tui.services.session import Session


stock_app = command_group(help="Stock adjustments with a reason from the list in pos.toml.")
po_app = command_group(help="Purchase orders: make, export, and receive deliveries against them by scan.")
stocktake_app = command_group(help="Stocktakes: count by scan on any till, review the variance, post it.")


# --- stock adjustments ------------------------------------------------------------------------


@stock_app.command()
@reports_errors
def adjust(
    code: Annotated[str, typer.Argument(help="The product's barcode or SKU.")],
    qty: Annotated[str, typer.Option("--qty", help="The change: -2 for a loss, 3 for a find, 0.5 for half a kg.")],
    reason: Annotated[str, typer.Option("--reason", help="One of `pos stock reasons`.")],
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
    approved_by: ApprovedByOption = None,
) -> None:
    """Add to or take from a product's stock, for a listed reason (its value goes to the reason's account)."""
    from pos_tui.domain.scan import parse_quantity
    from pos_tui.services.catalog import products
    from pos_tui.services.inventory import reasons

    with closing(acting_session(db, config, user)) as session:
        account = reasons.account_for(session.settings, "adjustment", reason)
        text = qty.strip()
        quantity = -parse_quantity(text[1:]) if text.startswith("-") else parse_quantity(text.lstrip("+"))
        product = products.show_product(session, code)
        with_approval(session, approved_by, reason, lambda approval: products.adjust_stock(
            session, product.product_id, quantity, reason.strip(), approval=approval))
        typer.echo(f"{product.sku}: {text} for {reason.strip()} (to {account}).")


@stock_app.command("reasons")
@reports_errors
def list_reasons(db: DbOption = None, config: ConfigOption = None) -> None:
    """The adjustment and return reasons of pos.toml, with their accounts."""
    from pos_tui.cli.common import settings_from
    from pos_tui.services.inventory import reasons

    settings = settings_from(config)
    for kind in ("adjustment", "return"):
        for reason, account in reasons.reasons(settings, kind).items():
            typer.echo(f"{kind:<11} {reason:<14} {account}")


# --- purchase orders --------------------------------------------------------------------------


def _order_line(session: Session, text: str) -> tuple[str, int, int | None]:
    """"CODE:QTY" or "CODE:QTY@COST"."""
    from pos_tui.services.inventory import orders

    return orders.parse_order_line(session, text)


def _show(session: Session, order: PurchaseOrder) -> None:
    from pos_tui.domain.money import format_quantity

    typer.echo(f"{order.reference}  {order.vendor}  {order.status}  {session.money(order.total_cost)} at order cost")
    for line in order.lines:
        short = f"  {format_quantity(line.outstanding)} to come" if line.outstanding else ""
        typer.echo(f"  {line.sku:<14} {line.name[:32]:<32} ordered {format_quantity(line.ordered):>8}"
                   f"  received {format_quantity(line.received):>8}  at {session.money(line.unit_cost)}{short}")


@po_app.command()
@reports_errors
def create(
    vendor: Annotated[str, typer.Option("--vendor", help="Who the order goes to.")],
    line: Annotated[list[str] | None, typer.Option(
        "--line", help="CODE:QTY or CODE:QTY@COST (cost defaults to the product's average cost); repeatable.")] = None,
    from_reorder: Annotated[bool, typer.Option(
        "--from-reorder", help="Add the reorder report's suggestions for this vendor.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
    approved_by: ApprovedByOption = None,
) -> None:
    """Make a purchase order by hand (--line) or from the reorder report (--from-reorder)."""
    from pos_tui.services.inventory import orders

    with closing(acting_session(db, config, user)) as session:
        lines = [_order_line(session, text) for text in line or []]
        number = with_approval(session, approved_by, "", lambda approval: orders.create_order(
            session, vendor, lines, from_reorder=from_reorder, approval=approval))
        _show(session, orders.get_order(session, number))


@po_app.command("add-line")
@reports_errors
def add_line(
    order: Annotated[str, typer.Argument(help="The order, e.g. PO-000001.")],
    code: Annotated[str, typer.Argument(help="The product's barcode or SKU.")],
    qty: Annotated[str, typer.Option("--qty", help="How much to order, e.g. 24.")],
    cost: Annotated[str | None, typer.Option("--cost", help="Unit cost (default: the product's average cost).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
    approved_by: ApprovedByOption = None,
) -> None:
    """Add a line to an order (more of a product already on it adds to its line)."""
    from pos_tui.domain.scan import parse_quantity
    from pos_tui.services.inventory import orders

    with closing(acting_session(db, config, user)) as session:
        number = orders.order_number(order)
        unit_cost = session.currency.parse(cost) if cost is not None else None
        quantity = parse_quantity(qty)
        with_approval(session, approved_by, "", lambda approval: orders.add_line(
            session, number, code, quantity, unit_cost, approval=approval))
        _show(session, orders.get_order(session, number))


@po_app.command("show")
@reports_errors
def show_order(
    order: Annotated[str, typer.Argument(help="The order, e.g. PO-000001.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """An order's lines: ordered, received, still to come."""
    from pos_tui.services.inventory import orders

    with closing(session_from(db, config, read_only=True)) as session:
        _show(session, orders.get_order(session, orders.order_number(order)))


@po_app.command("list")
@reports_errors
def list_orders(db: DbOption = None, config: ConfigOption = None) -> None:
    """The latest purchase orders and where each stands."""
    from pos_tui.services.inventory import orders

    with closing(session_from(db, config, read_only=True)) as session:
        for order in orders.list_orders(session):
            typer.echo(f"{order.reference}  {order.vendor:<24} {order.status:<14} {session.money(order.total_cost)}")


@po_app.command("export")
@reports_errors
def export_order(
    order: Annotated[str, typer.Argument(help="The order, e.g. PO-000001.")],
    format: Annotated[str, typer.Option("--format", help="csv (the one format for now).")] = "csv",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """The order as CSV on stdout, to send to the vendor."""
    from pos_tui.domain.errors import InvalidInput
    from pos_tui.domain.money import extend, format_amount, format_quantity
    from pos_tui.services.catalog import products
    from pos_tui.services.inventory import orders

    if format != "csv":
        raise InvalidInput(f"{format!r} is not a format purchase orders export to.", "Use --format csv.")
    with closing(session_from(db, config, read_only=True)) as session:
        po = orders.get_order(session, orders.order_number(order))
        exponent = session.currency.exponent

        def row(line: orders.OrderLineView) -> list[object]:
            codes = products.product_barcodes(session, line.product_id)
            return [po.reference, po.vendor, line.sku, codes[0][0] if codes else "", line.name, line.unit,
                    format_quantity(line.ordered), format_amount(line.unit_cost, exponent, grouping=False),
                    format_amount(extend(line.ordered, line.unit_cost), exponent, grouping=False)]

        print_csv(("order", "vendor", "sku", "barcode", "name", "unit", "quantity", "unit_cost", "line_cost"),
                  (row(line) for line in po.lines))


@po_app.command("receive")
@reports_errors
def receive(
    order: Annotated[str, typer.Argument(help="The order, e.g. PO-000001.")],
    scan: Annotated[list[str], typer.Option("--scan", help="A delivered item as scanned (a pack's code counts the "
                                                            "pack; 12*CODE twelve); repeat for each.")],
    cost: Annotated[list[str] | None, typer.Option(
        "--cost", help="CODE:COST where the delivery note's unit cost differs from the order's.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
    approved_by: ApprovedByOption = None,
) -> None:
    """Receive a delivery against an order, whole or in part: stock in, the vendor's payable at the delivered cost."""
    from pos_tui.domain.errors import InvalidInput
    from pos_tui.domain.money import format_quantity
    from pos_tui.services.inventory import orders

    with closing(acting_session(db, config, user)) as session:
        costs = {}
        for text in cost or []:
            code, colon, amount = text.rpartition(":")
            if not colon or not code.strip():
                raise InvalidInput(f"{text!r} is not a cost.", "Write CODE:COST, e.g. TEA-200:385.")
            costs[code.strip()] = session.currency.parse(amount)
        number = orders.order_number(order)
        delivery = with_approval(session, approved_by, "", lambda approval: orders.receive(
            session, number, scan, costs=costs, approval=approval))
        total = sum(line.cost for line in delivery.received)
        count = len(delivery.received)
        typer.echo(f"Received {count} product{'s' if count != 1 else ''} on {delivery.order.reference} from"
                   f" {delivery.order.vendor}: {session.money(total)} owed at the delivered cost.")
        for line in delivery.short():
            typer.echo(f"  short: {line.sku} {line.name[:32]}: {format_quantity(line.outstanding)} {line.unit}"
                       f" of {format_quantity(line.ordered)} still to come")
        if not delivery.short():
            typer.echo(f"{delivery.order.reference} is received in full.")


# --- stocktakes -------------------------------------------------------------------------------


@stocktake_app.command("start")
@reports_errors
def start_stocktake(
    category: Annotated[str, typer.Option("--category", help="Count only this category.")] = "",
    vendor: Annotated[str, typer.Option("--vendor", help="Count only this vendor's products.")] = "",
    shelf_list: Annotated[str, typer.Option("--shelf-list", help="Count exactly the products this file lists by "
                                            "barcode or SKU (CSV with a sku or barcode column, or one code a line).")]
    = "",
    name: Annotated[str, typer.Option("--name", help="The shelf list's name (default: the file's name).")] = "",
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
    approved_by: ApprovedByOption = None,
) -> None:
    """Begin a stocktake of all stock, a category, a vendor or a shelf list."""
    from pos_tui.domain.errors import InvalidInput
    from pos_tui.services.inventory import stocktakes

    if shelf_list and (category or vendor):
        raise InvalidInput("A shelf list names its own products: --category and --vendor do not go with it.",
                           "Nothing was started; give either --shelf-list FILE or --category/--vendor.")
    if name and not shelf_list:
        raise InvalidInput("--name names a shelf list, and no --shelf-list was given.",
                           "Nothing was started; add --shelf-list FILE, or leave out --name.")
    with closing(acting_session(db, config, user)) as session:
        note = ""
        if shelf_list:
            file_name, codes = stocktakes.read_shelf_list(shelf_list)
            started = with_approval(session, approved_by, "", lambda approval: stocktakes.start_shelf_list(
                session, name or file_name, codes, approval=approval))
            number, note = started.number, started.note
        else:
            number = with_approval(session, approved_by, "", lambda approval: stocktakes.start(
                session, category=category, vendor=vendor, approval=approval))
        taken = stocktakes.get_stocktake(session, number)
        listed = stocktakes.on_shelf_list(session, number)
        covers = f", {listed} product{'s' if listed != 1 else ''}" if taken.shelf else ""
        typer.echo(f"{taken.reference} started ({taken.scope}{covers}): count with"
                   f" `pos stocktake count {taken.reference} --scan CODE`.")
        if note:
            typer.echo(note)


@stocktake_app.command("count")
@reports_errors
def count_stocktake(
    stocktake: Annotated[str, typer.Argument(help="The stocktake, e.g. ST-000001.")],
    scan: Annotated[list[str], typer.Option("--scan", help="An item as scanned: each scan counts one (a pack's code "
                                                            "the pack); repeat for each.")],
    qty: Annotated[str | None, typer.Option("--qty", help="Count this many for each --scan instead (0: none there).")]
    = None,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Add counts to an open stocktake; counts from several tills add up."""
    from pos_tui.domain.errors import InvalidAmount
    from pos_tui.domain.scan import parse_quantity
    from pos_tui.services.inventory import stocktakes

    quantity = None
    if qty is not None:
        if qty.strip().startswith("-"):
            raise InvalidAmount(f"A count cannot be negative ({qty.strip()}).",
                                "Nothing was counted; count what is there, 0 or more.")
        quantity = 0 if qty.strip() in {"0", "0.0", "0.00", "0.000"} else parse_quantity(qty)
    with closing(acting_session(db, config, user)) as session:
        number = stocktakes.stocktake_number(stocktake)
        stocktakes.count(session, number, scan, quantity=quantity)
        scans = f"{len(scan)} scan{'s' if len(scan) != 1 else ''}"
        typer.echo(f"Counted {scans} in {stocktakes.stocktake_reference(number)}.")


@stocktake_app.command("review")
@reports_errors
def review_stocktake(
    stocktake: Annotated[str, typer.Argument(help="The stocktake, e.g. ST-000001.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Each counted product's variance (quantity and value at cost), by category, before or after posting."""
    from pos_tui.domain.money import format_quantity
    from pos_tui.services.inventory import stocktakes

    with closing(session_from(db, config, read_only=True)) as session:
        found = stocktakes.review(session, stocktakes.stocktake_number(stocktake))
        taken = found.stocktake
        state = f"posted ({taken.reason})" if taken.posted_seq else "open"
        typer.echo(f"{taken.reference}  {taken.scope}  {state}")
        typer.echo(f"  {'SKU':<14} {'Name':<28} {'Category':<14} {'Counted':>9} {'Expected':>9} {'Variance':>9}"
                   f" {'Value':>14}")
        for line in found.lines:
            typer.echo(f"  {line.sku:<14} {line.name[:28]:<28} {line.category[:14]:<14}"
                       f" {format_quantity(line.counted):>9} {format_quantity(line.expected):>9}"
                       f" {format_quantity(line.quantity):>9} {session.money(line.value):>14}"
                       f"{'  not counted: none there' if line.uncounted else ''}")
        for category, quantity, value in found.by_category():
            typer.echo(f"  category {category or '-':<22} variance {format_quantity(quantity):>9}"
                       f"  {session.money(value):>14}")
        typer.echo(f"  total value at cost {session.money(found.value)}")


@stocktake_app.command("post")
@reports_errors
def post_stocktake(
    stocktake: Annotated[str, typer.Argument(help="The stocktake, e.g. ST-000001.")],
    reason: Annotated[str, typer.Option("--reason", help="One of `pos stock reasons`; its account takes the "
                                                          "value.")] = "count",
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
    approved_by: ApprovedByOption = None,
) -> None:
    """Post the variances as stock adjustments in one event (once only)."""
    from pos_tui.services.inventory import reasons, stocktakes

    with closing(acting_session(db, config, user)) as session:
        number = stocktakes.stocktake_number(stocktake)
        with_approval(session, approved_by, reason, lambda approval: stocktakes.post(
            session, number, reason=reason, approval=approval))
        found = stocktakes.review(session, number)
        account = reasons.account_for(session.settings, "adjustment", reason)
        counted = f"{len(found.lines)} product{'s' if len(found.lines) != 1 else ''}"
        typer.echo(f"Posted {found.stocktake.reference}: {counted}, {session.money(found.value)}"
                   f" at cost to {account}.")


@stocktake_app.command("list")
@reports_errors
def list_stocktakes(db: DbOption = None, config: ConfigOption = None) -> None:
    """The latest stocktakes and whether each is posted."""
    from pos_tui.services.inventory import stocktakes

    with closing(session_from(db, config, read_only=True)) as session:
        for taken in stocktakes.list_stocktakes(session):
            typer.echo(f"{taken.reference}  {taken.scope:<30} {'posted' if taken.posted_seq else 'open'}")
