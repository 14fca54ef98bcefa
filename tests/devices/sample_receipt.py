"""A cash sale as the sales service would describe it to the printer, for tests to print."""

from __future__ import annotations

import contextlib
import io

from escpos.printer import Dummy

from pos_tui.devices.receipt import ReceiptData, ReceiptLine, ReceiptTender, TaxSummary
from tests.devices.escpos_decoder import code_page_names


def rupees(minor: int) -> str:
    """Stands in for the domain's formatter: 123456 -> "1,234.56"."""
    sign = "-" if minor < 0 else ""
    whole, paisa = divmod(abs(minor), 100)
    return f"{sign}{whole:,}.{paisa:02d}"


def cash_sale(**changes: object) -> ReceiptData:
    data = ReceiptData(
        store_name="Riaz General Store",
        address_lines=("12 Mall Road", "Lahore"),
        tax_id="NTN 1234567-8",
        terminal="T1",
        cashier="Amina",
        sale_number="S-000123",
        local_datetime="2025-05-01 14:03",
        lines=(
            ReceiptLine("Tapal Danedar Tea 190g", 1000, "each", 45000, 0, 45000),
            ReceiptLine("Basmati Rice Super Kernel", 2500, "kg", 38000, 5000, 90000),
            ReceiptLine("Eggs", 12000, "each", 3000, 0, 36000),
        ),
        taxes=(TaxSummary(1700, 146154, 24846),),
        subtotal=176000,
        discount_total=5000,
        total=171000,
        tenders=(ReceiptTender("Cash", 200000, is_cash=True),),
        change=29000,
        rounding=0,
        item_count=3,
        footer_lines=("Thank you for shopping!", "Returns within 7 days with receipt"),
        barcode_payload="S-000123",
        journal_hash_prefix="9f2c4a1b",
    )
    return ReceiptData(**{**data.__dict__, **changes})  # type: ignore[arg-type]


def profile_code_pages(profile: str) -> dict[int, str]:
    with contextlib.redirect_stdout(io.StringIO()):
        return code_page_names(Dummy(profile=profile).profile.get_code_pages())
