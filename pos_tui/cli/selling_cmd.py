"""`pos sale`, `pos return`, `pos void`: selling from a script (integrations, load tests, back office)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pos_tui.cli.common import (
    ApprovedByOption,
    ConfigOption,
    DbOption,
    UserOption,
    acting_session,
    reports_errors,
    with_approval,
)
from pos_tui.cli.devices_cmd import PrinterOption, WaitOption, printer_from, report_job
from pos_tui.domain.cart import Cart, price_cart
from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.scan import parse_quantity
from pos_tui.domain.tender import Tender

if TYPE_CHECKING:
    from pos_tui.services.session import Session


CustomerOption = Annotated[str | None, typer.Option(
    "--customer", help="The customer: their number, card, or a phone/name that finds one.")]


def customer_id_of(session: Session, text: str | None) -> int | None:
    from pos_tui.services.customers.accounts import customer_by_reference

    return None if text is None else customer_by_reference(session, text).customer_id


def parse_payment(session: Session, text: str) -> Tender:
    """"cash:5000" or "card:1,200.50" -> a tender in minor units; "gift-card:NUMBER:AMOUNT" pays with a card."""
    method, separator, amount = text.partition(":")
    if not separator or not method.strip():
        raise InvalidInput(f"{text!r} is not a payment.", "Write METHOD:AMOUNT, e.g. cash:5000 or card:1200.50.")
    card, _, amount = amount.rpartition(":")
    return Tender(method.strip(), session.currency.parse(amount), card=card.strip())


@reports_errors
def sale(
    scan: Annotated[list[str], typer.Option("--scan", help="A barcode as scanned; 3*CODE for three.")],
    pay: Annotated[list[str], typer.Option("--pay", help="METHOD:AMOUNT, e.g. cash:5000; repeat to split.")],
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
    printer: PrinterOption = None,
    wait: WaitOption = None,
    customer: CustomerOption = None,
) -> None:
    """Sell the scanned items, take the payments, and print the receipt."""
    from pos_tui.services.catalog import products
    from pos_tui.services.selling import sales
    from pos_tui.services.selling.customer_display import CustomerDisplay
    from pos_tui.services.selling.receipts import receipt_text

    session = acting_session(db, config, user)
    try:
        receipt_printer = printer_from(session.settings, printer, before_sale=True)
        display = CustomerDisplay(session.settings, session.currency)
        try:
            display.new_sale()
            cart = Cart()
            for code in scan:
                line = products.resolve_scan(session, code)
                cart = cart.add(line)
                if display.enabled:
                    priced = price_cart(cart, session.tax_policy)
                    shown = [p for p in priced.lines if p.line.product_id == line.product_id][-1]
                    display.show_item(line.name, shown.gross, priced.total)
            completed = sales.complete_sale(session, cart, [parse_payment(session, p) for p in pay],
                                            customer_id=customer_id_of(session, customer))
            # Committed: from here on a printer or display problem is reported, never raised.
            job = receipt_printer.print_sale(session, completed.reference)
            display.show_paid(completed.priced.total + completed.rounding, completed.change)
            for warning in completed.warnings:
                typer.secho(f"warning: {warning}", fg=typer.colors.YELLOW, err=True)
            typer.echo(receipt_text(session, completed.reference), nl=False)
            report_job(receipt_printer, job, wait, f"Receipt {completed.reference}")
            if display.problem:
                typer.secho(display.problem, fg=typer.colors.YELLOW, err=True)
        finally:
            display.close()
            receipt_printer.close()
    finally:
        session.close()


@reports_errors
def return_(
    reason: Annotated[str, typer.Option(help="Why: one of [inventory] return_reasons (damaged, wrong-size...).")],
    sale_number: Annotated[
        str, typer.Option("--sale", help="The sale number on the receipt, e.g. T1-000042.")] = "",
    line: Annotated[list[int] | None, typer.Option("--line", help="Receipt line number coming back (repeatable).")
                    ] = None,
    qty: Annotated[list[str] | None, typer.Option("--qty", help="Quantity for each --line, e.g. 1 or 0.5.")] = None,
    scan: Annotated[list[str] | None, typer.Option(
        "--scan", help="Without a receipt: a barcode coming back (3*CODE for three), at today's price.")] = None,
    refund: Annotated[str, typer.Option(help="How the money goes back: a tender method.")] = "cash",
    gift_card: Annotated[str, typer.Option("--gift-card", help="With --refund gift-card: the card it goes onto.")
                         ] = "",
    write_off: Annotated[bool, typer.Option("--write-off", help="Do not put the goods back in stock.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
    approved_by: ApprovedByOption = None,
    customer: CustomerOption = None,
) -> None:
    """Take goods back against a sale (--sale, --line, --qty), or without a receipt (--scan), and refund them."""
    from pos_tui.services.catalog import products
    from pos_tui.services.inventory import reasons
    from pos_tui.services.selling import sales

    lines, quantities, scans = line or [], qty or [], scan or []
    if bool(sale_number) == bool(scans):
        raise InvalidInput("Say which: a return against a sale, or one without a receipt.",
                           "Give --sale with --line/--qty, or --scan for each item without a receipt.")
    if len(lines) != len(quantities):
        raise InvalidInput("Give one --qty for each --line.", "E.g. --line 1 --qty 2 --line 3 --qty 1.")
    session = acting_session(db, config, user)
    try:
        reasons.account_for(session.settings, "return", reason)
        customer_id = customer_id_of(session, customer)
        if scans:
            cart = Cart()
            for code in scans:
                cart = cart.add(products.resolve_scan(session, code))
            done = with_approval(session, approved_by, reason, lambda approval: sales.return_without_receipt(
                session, cart, reason=reason, refund_method=refund, restock=not write_off, approval=approval,
                gift_card=gift_card, customer_id=customer_id))
            against = "without a receipt"
        else:
            items = [(n, parse_quantity(q)) for n, q in zip(lines, quantities, strict=True)]
            done = with_approval(session, approved_by, reason, lambda approval: sales.return_items(
                session, sale_number, items, reason=reason, refund_method=refund, restock=not write_off,
                approval=approval, gift_card=gift_card, customer_id=customer_id))
            against = f"against {sale_number}"
        refunded = ", ".join(f"{r.method} {session.money(r.amount)}" for r in done.refunds)
        typer.echo(f"Return {done.reference} {against}: refunded {refunded}.")
    finally:
        session.close()


@reports_errors
def void(
    sale_number: Annotated[str, typer.Option("--sale", help="The sale number on the receipt.")],
    reason: Annotated[str, typer.Option(help="Why the sale is voided.")],
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
    approved_by: ApprovedByOption = None,
) -> None:
    """Void a completed sale: a full return, refunded the way it was paid."""
    from pos_tui.services.selling import sales

    session = acting_session(db, config, user)
    try:
        done = with_approval(session, approved_by, reason,
                             lambda approval: sales.void_sale(session, sale_number, reason=reason, approval=approval))
        refunded = ", ".join(f"{r.method} {session.money(r.amount)}" for r in done.refunds)
        typer.echo(f"Voided {sale_number} as {done.reference}: refunded {refunded}.")
    finally:
        session.close()
