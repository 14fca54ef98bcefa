"""A recorded sale as receipt data: what the printer, the screen preview and `pos sale` show."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pos_tui.devices.receipt import ReceiptData, ReceiptLine, ReceiptTender, TaxSummary, layout_receipt
from pos_tui.devices.text_render import render_text
from pos_tui.domain.errors import NotFound
from pos_tui.services.sales import parse_sale_reference, sale_reference
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
    local = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).astimezone(ZoneInfo(info.timezone))
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
        subtotal=subtotal,
        discount_total=discount_total,
        total=total,
        tenders=tenders,
        change=change,
        rounding=rounding,
        item_count=item_count,
        footer_lines=("Thank you for shopping with us.",),
        barcode_payload=sale_reference(terminal, number),
        journal_hash_prefix=digest[:12],
        is_duplicate=duplicate,
        journal_seq=seq,
    )


def receipt_text(session: Session, sale_ref: str, *, duplicate: bool = False) -> str:
    data = receipt_data(session, sale_ref, duplicate=duplicate)
    money = session.currency
    return render_text(layout_receipt(data, lambda minor: money.format(minor, symbol=False)), RECEIPT_COLUMNS)
