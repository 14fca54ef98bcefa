"""A receipt laid out as pure data: ReceiptData in, a list of print elements out.

No printer, no database, no money module: the caller passes ``format_money`` (the domain's
formatter for the store's currency), and this file only arranges what to say where.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pos_tui.devices.print_elements import (
    PLAIN,
    Align,
    Barcode,
    Cut,
    DrawerPulse,
    Feed,
    PrintElement,
    Rule,
    TextLine,
    TextStyle,
    TwoColumnLine,
)
from pos_tui.devices.rtl_text import needs_image
from pos_tui.devices.text_fit import wrap

MoneyFormatter = Callable[[int], str]


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    quantity: int  # thousandths of the unit: 1 each = 1000, 0.250 kg = 250
    unit_label: str  # "each", "kg"...
    unit_price: int  # minor units
    discount: int  # minor units taken off this line, 0 if none
    line_total: int  # minor units, after the discount


@dataclass(frozen=True)
class TaxSummary:
    rate_basis_points: int  # 1700 = 17%
    taxable: int
    tax: int


@dataclass(frozen=True)
class ReceiptTender:
    label: str  # "Cash", "Card", "JazzCash"...
    amount: int
    is_cash: bool = False


@dataclass(frozen=True)
class ReceiptGiftCard:
    """A gift card the sale sold, reloaded or was paid with: a caption, and for a card sold or reloaded
    its number as a barcode (the receipt can stand in for the card at the next visit)."""

    caption: str
    barcode: str = ""


@dataclass(frozen=True)
class ReceiptData:
    store_name: str
    address_lines: tuple[str, ...]
    tax_id: str
    terminal: str
    cashier: str
    sale_number: str
    local_datetime: str  # already formatted in the store's time zone
    lines: tuple[ReceiptLine, ...]
    taxes: tuple[TaxSummary, ...]
    subtotal: int
    discount_total: int
    total: int
    tenders: tuple[ReceiptTender, ...]
    change: int
    rounding: int
    item_count: int
    footer_lines: tuple[str, ...]
    barcode_payload: str  # the sale number, so a return can scan the receipt
    journal_hash_prefix: str
    is_duplicate: bool = False
    # The sale's journal seq: printed with the hash prefix as SEQ:HASH, a head anyone can type back
    # into `pos db verify --witness` (a paper witness the store's file cannot rewrite).
    journal_seq: int | None = None
    gift_cards: tuple[ReceiptGiftCard, ...] = ()


@dataclass(frozen=True)
class ReceiptLabels:
    """Words printed on the receipt; a store may translate them in its config."""

    tax_id: str = "Tax ID"
    sale: str = "Sale"
    terminal: str = "Terminal"
    cashier: str = "Cashier"
    discount: str = "Discount"
    line_discount: str = "discount"
    subtotal: str = "Subtotal"
    tax: str = "Tax"
    rounding: str = "Rounding"
    total: str = "TOTAL"
    change: str = "Change"
    items: str = "Items"
    journal: str = "Journal"
    duplicate: str = "DUPLICATE"
    duplicate_note: str = "Reprint - not a new sale"


@dataclass(frozen=True)
class ReceiptLayout:
    columns: int = 42  # 32 on 58 mm paper, 42 or 48 on 80 mm
    drawer_pin: int | None = 2  # None: no drawer on this printer
    labels: ReceiptLabels = ReceiptLabels()


BIG = TextStyle(bold=True, double_width=True, double_height=True)
BOLD = TextStyle(bold=True)
TALL_BOLD = TextStyle(bold=True, double_height=True)
BANNER = TextStyle(bold=True, double_width=True, double_height=True, inverted=True)


def format_quantity(thousandths: int) -> str:
    """1000 -> "1", 250 -> "0.25", 1500 -> "1.5", -2000 -> "-2"."""
    sign = "-" if thousandths < 0 else ""
    whole, fraction = divmod(abs(thousandths), 1000)
    if fraction == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{fraction:03d}".rstrip("0")


def format_rate(basis_points: int) -> str:
    """1700 -> "17%", 750 -> "7.5%", 1725 -> "17.25%"."""
    whole, fraction = divmod(basis_points, 100)
    if fraction == 0:
        return f"{whole}%"
    return f"{whole}.{fraction:02d}".rstrip("0") + "%"


def layout_receipt(
    data: ReceiptData, format_money: MoneyFormatter, layout: ReceiptLayout | None = None
) -> list[PrintElement]:
    layout = layout or ReceiptLayout()
    labels = layout.labels
    width = layout.columns
    elements: list[PrintElement] = []
    if data.is_duplicate:
        elements += _duplicate_banner(labels)
    elements += _centered(data.store_name, width, TALL_BOLD)
    for address_line in data.address_lines:
        elements += _centered(address_line, width)
    if data.tax_id:
        elements += _centered(f"{labels.tax_id}: {data.tax_id}", width)
    elements.append(Rule())
    elements.append(TwoColumnLine(f"{labels.sale} {data.sale_number}", data.local_datetime))
    elements.append(
        TwoColumnLine(f"{labels.terminal} {data.terminal}", f"{labels.cashier} {data.cashier}")
    )
    elements.append(Rule())
    for item in data.lines:
        elements += _item(item, format_money, labels, width)
    elements.append(Rule())
    elements += _totals(data, format_money, labels)
    elements.append(Rule())
    for card in data.gift_cards:
        elements += _centered(card.caption, width)
        if card.barcode:
            elements.append(Barcode(card.barcode))
    if data.gift_cards:
        elements.append(Rule())
    for footer_line in data.footer_lines:
        elements += _centered(footer_line, width)
    elements.append(Barcode(data.barcode_payload))
    head = data.journal_hash_prefix if data.journal_seq is None else f"{data.journal_seq}:{data.journal_hash_prefix}"
    elements.append(TextLine(f"{labels.journal} {head}", Align.CENTER))
    if data.is_duplicate:
        elements += _duplicate_banner(labels)
    elements.append(Cut())
    # A reprint must never open the drawer: no money changes hands.
    paid_cash = any(tender.is_cash for tender in data.tenders)
    if paid_cash and not data.is_duplicate and layout.drawer_pin is not None:
        elements.append(DrawerPulse(layout.drawer_pin))
    return elements


def _centered(text: str, width: int, style: TextStyle = PLAIN) -> list[PrintElement]:
    if needs_image(text):
        return [TextLine(text, Align.CENTER, style)]
    return [TextLine(line, Align.CENTER, style) for line in wrap(text, width // style.width_factor)]


def _duplicate_banner(labels: ReceiptLabels) -> list[PrintElement]:
    return [
        TextLine(f"*** {labels.duplicate} ***", Align.CENTER, BANNER),
        TextLine(labels.duplicate_note, Align.CENTER, BOLD),
        Feed(1),
    ]


def _item(line: ReceiptLine, money: MoneyFormatter, labels: ReceiptLabels, width: int) -> list[PrintElement]:
    total = money(line.line_total)
    elements: list[PrintElement] = []
    if line.quantity == 1000 and not line.discount:
        return [TwoColumnLine(line.name, total)]
    # Right-to-left names go to the renderer whole (drawn as an image); others wrap to the paper.
    names = [line.name] if needs_image(line.name) else wrap(line.name, width)
    elements += [TextLine(name) for name in names]
    quantity = f"  {format_quantity(line.quantity)} {line.unit_label} x {money(line.unit_price)}"
    elements.append(TwoColumnLine(quantity, total))
    if line.discount:
        elements.append(TextLine(f"  ({labels.line_discount} -{money(line.discount)})"))
    return elements


def _totals(data: ReceiptData, money: MoneyFormatter, labels: ReceiptLabels) -> list[PrintElement]:
    elements: list[PrintElement] = [TwoColumnLine(labels.subtotal, money(data.subtotal))]
    if data.discount_total:
        elements.append(TwoColumnLine(labels.discount, f"-{money(data.discount_total)}"))
    for tax in data.taxes:
        label = f"{labels.tax} {format_rate(tax.rate_basis_points)} / {money(tax.taxable)}"
        elements.append(TwoColumnLine(label, money(tax.tax)))
    if data.rounding:
        elements.append(TwoColumnLine(labels.rounding, money(data.rounding)))
    elements.append(TwoColumnLine(labels.total, money(data.total), BIG))
    elements += [TwoColumnLine(tender.label, money(tender.amount)) for tender in data.tenders]
    if data.change:
        elements.append(TwoColumnLine(labels.change, money(data.change), TALL_BOLD))
    elements.append(TwoColumnLine(labels.items, str(data.item_count)))
    return elements
