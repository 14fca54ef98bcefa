"""What a receipt says, from ReceiptData to the bytes a printer gets and back."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp

from pos_tui.devices.errors import DeviceConfigError
from pos_tui.devices.escpos_render import EscPosRenderer, PrinterSettings
from pos_tui.devices.print_elements import Barcode, Cut, DrawerPulse, QrCode, TextLine, TwoColumnLine
from pos_tui.devices.receipt import (
    ReceiptLayout,
    ReceiptLine,
    ReceiptTender,
    format_quantity,
    format_rate,
    layout_receipt,
)
from pos_tui.devices.rtl_text import render_line_image
from tests.devices.escpos_decoder import PrintedBarcode, PrintedQr, decode
from tests.devices.sample_receipt import cash_sale, profile_code_pages, rupees
from tests.support.tools import require_file


def printed(elements: list, settings: PrinterSettings):  # type: ignore[no-untyped-def]
    return decode(EscPosRenderer(settings).render(elements), profile_code_pages(settings.profile))


def test_quantities_and_tax_rates_print_without_float_noise() -> None:
    assert [format_quantity(q) for q in (1000, 250, 1500, 12000, -2000, 1)] == [
        "1", "0.25", "1.5", "12", "-2", "0.001"
    ]
    assert [format_rate(bp) for bp in (1700, 750, 1725, 0)] == ["17%", "7.5%", "17.25%", "0%"]


def test_cash_sale_receipt_says_what_the_sale_says() -> None:
    settings = PrinterSettings(profile="TM-T88III")
    page = printed(layout_receipt(cash_sale(), rupees, ReceiptLayout(columns=42)), settings)
    texts = page.texts()
    assert "Riaz General Store" in texts
    assert any(line.startswith("Sale S-000123") and line.endswith("2025-05-01 14:03") for line in texts)
    assert "Tapal Danedar Tea 190g" + " " * 14 + "450.00" in texts
    assert "Basmati Rice Super Kernel" in texts
    assert any(line.startswith("  2.5 kg x 380.00") and line.endswith("900.00") for line in texts)
    assert "  (discount -50.00)" in texts
    assert any(line.startswith("  12 each x 30.00") for line in texts)
    assert "Subtotal" + " " * 26 + "1,760.00" in texts
    assert any(line.startswith("Tax 17% / 1,461.54") and line.endswith("248.46") for line in texts)
    assert "Cash" + " " * 30 + "2,000.00" in texts
    assert all(len(line) <= 42 for line in texts)
    [total] = [line for line in page.lines() if line.text.startswith("TOTAL")]
    assert total.text.endswith("1,710.00") and len(total.text) == 21  # double width: 21 columns
    assert total.double_width and total.bold
    [change] = [line for line in page.lines() if line.text.startswith("Change")]
    assert change.text.endswith("290.00") and change.double_height
    assert page.of_kind("PrintedBarcode") == [PrintedBarcode(73, b"{BS-000123")]
    assert page.items[-2:] == ["cut", "drawer pin 2"]
    assert not any("DUPLICATE" in text for text in texts)


def test_reprint_says_duplicate_top_and_bottom_and_never_opens_the_drawer() -> None:
    page = printed(layout_receipt(cash_sale(is_duplicate=True), rupees), PrinterSettings())
    banners = [line for line in page.lines() if "DUPLICATE" in line.text]
    assert len(banners) == 2
    assert all(b.inverted and b.double_width and b.double_height for b in banners)
    assert page.lines()[0].text == "*** DUPLICATE ***"
    assert page.items[-1] == "cut" and "drawer pin 2" not in page.items


def test_card_sale_does_not_kick_the_drawer_and_pin_5_is_configurable() -> None:
    card = cash_sale(tenders=(ReceiptTender("Card", 171000),), change=0)
    assert not any(isinstance(e, DrawerPulse) for e in layout_receipt(card, rupees))
    cash = layout_receipt(cash_sale(), rupees, ReceiptLayout(drawer_pin=5))
    assert cash[-2:] == [Cut(), DrawerPulse(5)]
    assert printed(cash, PrinterSettings()).items[-1] == "drawer pin 5"


@pytest.mark.parametrize(("profile", "columns"), [("POS-5890", 32), ("TM-T88III", 42), ("TM-T20II", 48)])
def test_every_line_fits_the_paper(profile: str, columns: int) -> None:
    settings = PrinterSettings(profile=profile)
    renderer = EscPosRenderer(settings)
    assert renderer.columns == columns
    page = printed(layout_receipt(cash_sale(), rupees, ReceiptLayout(columns=columns)), settings)
    for line in page.lines():
        assert len(line.text) * (2 if line.double_width else 1) <= columns, line


def test_a_german_store_gets_a_code_page_with_umlauts_and_the_euro() -> None:
    settings = PrinterSettings(profile="TM-T88III", language="de")
    page = printed([TextLine("Grüße, 5 € Rabatt")], settings)
    assert page.code_pages == [19]  # CP858 on Epson
    assert page.texts() == ["Grüße, 5 € Rabatt"]


def test_a_code_page_the_printer_lacks_is_a_config_error() -> None:
    with pytest.raises(DeviceConfigError, match="CP857"):
        EscPosRenderer(PrinterSettings(profile="TM-T88III", language="tr"))
    with pytest.raises(DeviceConfigError, match="TM-T88III"):
        EscPosRenderer(PrinterSettings(profile="No Such Printer"))


def test_a_printer_without_barcode_hardware_prints_a_barcode_image_that_scans_back() -> None:
    page = printed([Barcode("S-000123"), QrCode("https://example.pk/r/S-000123")], PrinterSettings("POS-5890"))
    barcode_image, qr_image = page.images()
    assert [r.text for r in zxingcpp.read_barcodes(barcode_image)] == ["S-000123"]
    assert [r.text for r in zxingcpp.read_barcodes(qr_image)] == ["https://example.pk/r/S-000123"]
    assert not page.of_kind("PrintedBarcode") and not page.of_kind("PrintedQr")


def test_a_code_too_long_for_narrow_paper_prints_as_a_qr_image_instead() -> None:
    payload = "S-2025-05-01-T1-000123456789"
    [image] = printed([Barcode(payload)], PrinterSettings("POS-5890")).images()
    [found] = zxingcpp.read_barcodes(image)
    assert (found.text, found.format) == (payload, zxingcpp.BarcodeFormat.QRCode)


def test_a_printer_with_qr_hardware_gets_the_qr_data_itself() -> None:
    page = printed([QrCode("S-000123")], PrinterSettings("TM-T88III"))
    assert page.of_kind("PrintedQr") == [PrintedQr(b"S-000123")]


NASKH = Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf")


def test_urdu_lines_print_as_shaped_images_the_width_of_the_paper() -> None:
    require_file(NASKH, "fonts-noto-core")
    sale = cash_sale(
        store_name="ریاض جنرل اسٹور",
        lines=(ReceiptLine("چائے کی پتی", 1000, "each", 45000, 0, 45000),),
    )
    elements = layout_receipt(sale, rupees)
    assert TwoColumnLine("چائے کی پتی", "450.00") in elements
    page = printed(elements, PrinterSettings("TM-T88III", language="ur"))
    store_name, item = page.images()[:2]
    assert store_name.size[0] == item.size[0] == 512
    expected = render_line_image("", "ریاض جنرل اسٹور", 512).convert("L")
    from PIL import ImageChops

    assert ImageChops.difference(expected, store_name).getbbox() is None
    # Ink on the right (the Urdu name) and on the left (the amount), nothing in between.
    ink = item.getbbox()
    assert ink is not None and ink[0] < 20 and ink[2] > 490
    assert "Riaz General Store" not in page.texts()
