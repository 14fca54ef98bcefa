"""A recorded sale as receipt data: what the printer, the screen preview and `pos sale` show; a return's refund slip."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pos_tui.devices.print_elements import Align, PrintElement, Rule, TextLine, TwoColumnLine
from pos_tui.devices.receipt import (
    ReceiptData,
    ReceiptGiftCard,
    ReceiptLine,
    ReceiptTender,
    TaxSummary,
    layout_receipt,
)
from pos_tui.devices.text_render import render_text
from pos_tui.domain.errors import NotFound
from pos_tui.domain.giftcards import masked
from pos_tui.domain.money import format_quantity
from pos_tui.services.customers import balances
from pos_tui.services.giftcards import cards
from pos_tui.services.selling.sales import parse_sale_reference, sale_reference

if TYPE_CHECKING:
    from pos_tui.services.session import Session

RECEIPT_COLUMNS = 42


def receipt_data(session: Session, sale_ref: str, *, duplicate: bool = False) -> ReceiptData:
    terminal, number = parse_sale_reference(sale_ref, session.terminal)
    conn = session.ledger.conn
    row = conn.execute(
        "SELECT s.seq, s.at, s.username, s.item_count, s.subtotal, s.discount_total, s.total, s.change, s.rounding,"
        " j.hash, COALESCE(u.display_name, s.username)"
        " FROM sales s JOIN journal j ON j.seq = s.seq LEFT JOIN users u ON u.username = s.username"
        " WHERE s.terminal = ? AND s.number = ?",
        (terminal, number),
    ).fetchone()
    if row is None:
        raise NotFound(f"There is no sale {sale_reference(terminal, number)}.", "Check the number on the receipt.")
    seq, at, _, item_count, subtotal, discount_total, total, change, rounding, digest, cashier = row
    info = session.ledger.store_info()
    lines = tuple(
        ReceiptLine(name + (" *" if source == "override" else ""), quantity, unit, unit_price,
                    line_discount + cart_discount, gross)
        for name, quantity, unit, unit_price, line_discount, cart_discount, gross, source in conn.execute(
            "SELECT name, quantity, unit, unit_price, line_discount, cart_discount, gross, price_source"
            " FROM sale_lines WHERE sale_seq = ? ORDER BY line_no",
            (seq,),
        )
    )
    taxes = tuple(
        TaxSummary(rate, net, tax)
        for rate, net, tax in conn.execute(
            "SELECT tax_rate_bp, SUM(net), SUM(tax) FROM sale_lines WHERE sale_seq = ? AND tax_rate_bp > 0"
            " GROUP BY tax_rate_bp ORDER BY tax_rate_bp",
            (seq,),
        )
    )
    methods = session.tender_methods
    tenders = tuple(
        ReceiptTender(methods[m].label if m in methods else m, amount, m in methods and methods[m].is_cash)
        for m, amount in conn.execute("SELECT method, amount FROM sale_tenders WHERE sale_seq = ? ORDER BY n", (seq,))
    )
    # Cards sold or reloaded are lines paid on top of the goods (untaxed); cards paid with say what they hold.
    moves = cards.moves_of(session, seq)
    loads = [m for m in moves if m.kind in ("sold", "reloaded")]
    lines += tuple(ReceiptLine(f"Gift card {masked(m.number)}" + (" reload" if m.kind == "reloaded" else ""),
                               1000, "each", m.amount, 0, m.amount) for m in loads)
    loaded = sum(m.amount for m in loads)
    captions = tuple(
        ReceiptGiftCard(f"Gift card {m.number} +{session.money(m.amount)}",
                        m.number) if m.kind in ("sold", "reloaded")
        else ReceiptGiftCard(f"Gift card *{m.number[-4:]} paid {session.money(m.amount)},"
                             f" left {session.money(cards.balance_after(session, m.number, seq))}")
        for m in moves
    )
    local = session.local_time(at)
    return ReceiptData(
        store_name=info.name,
        address_lines=info.address,
        tax_id=info.tax_id,
        terminal=terminal,
        cashier=cashier,
        sale_number=sale_reference(terminal, number),
        local_datetime=local.strftime("%Y-%m-%d %H:%M"),
        lines=lines,
        taxes=taxes,
        subtotal=subtotal + loaded,
        discount_total=discount_total,
        total=total + loaded,
        tenders=tenders,
        change=change,
        rounding=rounding,
        item_count=item_count,
        footer_lines=(*balances.receipt_lines(session, seq), "Thank you for shopping with us."),
        barcode_payload=sale_reference(terminal, number),
        journal_hash_prefix=digest[:12],
        is_duplicate=duplicate,
        journal_seq=seq,
        gift_cards=captions,
    )


def receipt_text(session: Session, sale_ref: str, *, duplicate: bool = False) -> str:
    data = receipt_data(session, sale_ref, duplicate=duplicate)
    money = session.currency
    return render_text(layout_receipt(data, lambda minor: money.format(minor, symbol=False)), RECEIPT_COLUMNS)


def refund_slip_text(session: Session, return_seq: int) -> str:
    """The slip a return or void gives the customer: what came back, how the money went back, and why."""
    conn = session.ledger.conn
    row = conn.execute(
        "SELECT r.terminal, r.number, r.at, r.reason, r.is_void, r.refund_total, r.rounding, s.terminal, s.number,"
        " j.hash, COALESCE(u.display_name, r.username)"
        " FROM returns r JOIN journal j ON j.seq = r.seq LEFT JOIN sales s ON s.seq = r.sale_seq"
        " LEFT JOIN users u ON u.username = r.username WHERE r.seq = ?",
        (return_seq,),
    ).fetchone()
    if row is None:
        raise NotFound(f"There is no return at journal entry {return_seq}.", "Check the daybook.")
    terminal, number, at, reason, is_void, refund_total, rounding, sale_terminal, sale_number, digest, cashier = row
    info = session.ledger.store_info()
    money = session.currency
    local = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).astimezone(ZoneInfo(info.timezone))
    against = (f"{'Void of' if is_void else 'Against'} sale {sale_reference(sale_terminal, sale_number)}"
               if sale_number else "Without a receipt")
    elements: list[PrintElement] = [
        TextLine(info.name, Align.CENTER), Rule(), TextLine("REFUND", Align.CENTER),
        TwoColumnLine(f"Return R{sale_reference(terminal, number)}", local.strftime("%Y-%m-%d %H:%M")),
        TwoColumnLine(f"Terminal {terminal}", f"Cashier {cashier}"), TextLine(against), Rule(),
    ]
    for name, quantity, unit, gross, restock in conn.execute(
        "SELECT p.name, l.quantity, p.unit, l.gross, l.restock FROM return_lines l"
        " JOIN products p ON p.product_id = l.product_id WHERE l.return_seq = ? ORDER BY l.n",
        (return_seq,),
    ):
        elements.append(TextLine(name))
        kept = "" if restock else "  written off"
        refunded = money.format(-gross, symbol=False)
        elements.append(TwoColumnLine(f"  {format_quantity(quantity)} {unit}{kept}", refunded))
    elements.append(Rule())
    if rounding:
        elements.append(TwoColumnLine("Rounding", money.format(rounding, symbol=False)))
    elements.append(TwoColumnLine("REFUNDED", money.format(refund_total + rounding)))
    methods = session.tender_methods
    for method, amount in conn.execute(
        "SELECT method, amount FROM return_refunds WHERE return_seq = ? ORDER BY n", (return_seq,)
    ):
        elements.append(TwoColumnLine(f"  {methods[method].label if method in methods else method}",
                                      money.format(amount, symbol=False)))
    customer = (TextLine(line) for line in balances.refund_lines(session, return_seq))
    elements += [TextLine(f"Reason: {reason}"), *customer, Rule(), TextLine(f"Journal {digest[:12]}", Align.CENTER)]
    return render_text(elements, RECEIPT_COLUMNS)
