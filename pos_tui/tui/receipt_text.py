"""A plain-text receipt for the preview panel, laid out from a completed sale."""

from __future__ import annotations

from pos_tui.domain.money import Currency, format_quantity
from pos_tui.services.sales import CompletedSale

WIDTH = 40


def _row(left: str, right: str, width: int = WIDTH) -> str:
    room = width - len(right) - 1
    return f"{left[:room]:<{room}} {right}"


def local_stamp(at: str, timezone: str) -> str:
    """A journal time (UTC) as the store's local "YYYY-MM-DD HH:MM"."""
    from zoneinfo import ZoneInfo

    from pos_tui.ledger.journal import parse_time

    return parse_time(at).astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def receipt_lines(
    sale: CompletedSale, currency: Currency, *, store_name: str = "", timezone: str = "UTC", width: int = WIDTH
) -> list[str]:
    money = currency.format
    lines = []
    if store_name:
        lines.append(store_name.center(width).rstrip())
    lines += [_row(f"Sale {sale.reference}", local_stamp(sale.at, timezone), width), "-" * width]
    for priced in sale.priced.lines:
        line = priced.line
        mark = " *" if line.price_source == "override" else ""
        lines.append(line.name[:width])
        qty = format_quantity(line.quantity) + ("" if line.unit == "each" else f" {line.unit}")
        lines.append(_row(f"  {qty} x {money(line.unit_price, symbol=False)}{mark}", money(priced.extended), width))
        if priced.discount:
            lines.append(_row("  discount", money(-priced.discount), width))
    lines.append("-" * width)
    priced_cart = sale.priced
    lines.append(_row(f"Items {priced_cart.item_count}", "", width).rstrip())
    lines.append(_row("Subtotal", money(priced_cart.subtotal), width))
    if priced_cart.discount_total:
        lines.append(_row("Discounts", money(-priced_cart.discount_total), width))
    lines.append(_row("Tax (included)" if priced_cart.total == priced_cart.subtotal - priced_cart.discount_total
                      else "Tax", money(priced_cart.tax_total), width))
    if sale.rounding:
        lines.append(_row("Rounding", money(sale.rounding), width))
    lines.append(_row("TOTAL", money(priced_cart.total + sale.rounding), width))
    for tender in sale.tenders:
        lines.append(_row(f"  {tender.method}", money(tender.amount), width))
    if sale.change:
        lines.append(_row("CHANGE", money(sale.change), width))
    lines += ["-" * width, f"Chain {sale.hash[:16]}", "Thank you!".center(width).rstrip()]
    return lines


def receipt_text(
    sale: CompletedSale, currency: Currency, *, store_name: str = "", timezone: str = "UTC", width: int = WIDTH
) -> str:
    return "\n".join(receipt_lines(sale, currency, store_name=store_name, timezone=timezone, width=width))
