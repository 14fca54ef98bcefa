"""Print elements -> ESC/POS bytes, through python-escpos's ``Dummy`` printer.

The library prints chatter to stdout ("Using hardware barcode renderer"), which would scribble over
the TUI, so every call runs under ``redirect_stdout``. Rendering never touches a device: the bytes
go to the print queue and are sent in one write.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.devices.errors import DeviceConfigError
from pos_tui.devices.print_elements import (
    Align,
    Barcode,
    Cut,
    DrawerPulse,
    Feed,
    PrintElement,
    QrCode,
    RasterImage,
    Rule,
    TextLine,
    TextStyle,
    TwoColumnLine,
)
from pos_tui.devices.rtl_text import DEFAULT_RTL_FONT, needs_image, render_line_image
from pos_tui.devices.text_fit import fit_two_columns

if TYPE_CHECKING:  # python-escpos parses every printer profile on import (about a second): only when rendering
    from escpos.printer import Dummy

# The printer code page for a store language's Latin/Cyrillic text. Urdu and Arabic lines are images,
# so those stores only need the code page for the Latin parts (amounts, codes).
CODE_PAGE_FOR_LANGUAGE = {
    "en": "CP437",
    "ur": "CP437",
    "ar": "CP437",
    "de": "CP858",
    "fr": "CP858",
    "es": "CP858",
    "it": "CP858",
    "nl": "CP858",
    "pt": "CP860",
    "ru": "CP866",
    "uk": "CP866",
    "tr": "CP857",
}


@dataclass(frozen=True)
class PrinterSettings:
    """``profile``: a python-escpos profile name (TM-T88III, TM-T20II, POS-5890...)."""

    profile: str = "TM-T88III"
    columns: int | None = None  # None: the profile's Font A width
    language: str = "en"
    code_page: str | None = None  # overrides the choice made from ``language``
    rtl_font_path: str = DEFAULT_RTL_FONT
    rtl_font_size: int = 28


def _quiet_dummy(profile: str) -> Dummy:
    from escpos.exceptions import Error as EscposError
    from escpos.printer import Dummy

    with contextlib.redirect_stdout(io.StringIO()):
        try:
            return Dummy(profile=profile)
        except (EscposError, KeyError) as error:
            raise DeviceConfigError(
                f"Unknown printer profile {profile!r}.",
                "Use a python-escpos profile name such as TM-T88III, TM-T20II or POS-5890.",
            ) from error


class EscPosRenderer:
    def __init__(self, settings: PrinterSettings) -> None:
        self.settings = settings
        probe = _quiet_dummy(settings.profile)
        profile = probe.profile
        self.columns = settings.columns or int(profile.profile_data["fonts"]["0"]["columns"])
        self.paper_width_px = int(profile.profile_data["media"]["width"].get("pixels") or 384)
        self.features = dict(profile.profile_data["features"])
        code_page = settings.code_page or CODE_PAGE_FOR_LANGUAGE.get(settings.language, "CP437")
        if code_page not in profile.get_code_pages():
            raise DeviceConfigError(
                f"Printer profile {settings.profile} has no code page {code_page} "
                f"for language {settings.language!r}.",
                "Choose another printer profile or set code_page to one it lists.",
            )
        self.code_page = code_page

    def render(self, elements: list[PrintElement]) -> bytes:
        with contextlib.redirect_stdout(io.StringIO()):
            printer = _quiet_dummy(self.settings.profile)
            printer.hw("INIT")
            printer.charcode(self.code_page)
            for element in elements:
                self._render_one(printer, element)
            return bytes(printer.output)

    def _render_one(self, printer: Dummy, element: PrintElement) -> None:
        match element:
            case TextLine(text=text, align=align, style=style):
                if needs_image(text):
                    right_aligned = "" if align is Align.LEFT else text
                    self._image_line(printer, text if align is Align.LEFT else "", right_aligned)
                else:
                    self._text(printer, text, align, style)
            case TwoColumnLine(left=left, right=right, style=style):
                if needs_image(left) or needs_image(right):
                    self._image_line(printer, right, left)  # RTL reads from the right: name there
                else:
                    width = self.columns // style.width_factor
                    self._text(printer, fit_two_columns(left, right, width), Align.LEFT, style)
            case Rule(char=char):
                self._text(printer, char * self.columns, Align.LEFT, TextStyle())
            case Barcode():
                self._barcode(printer, element)
            case QrCode(payload=payload, module_size=size):
                native = bool(self.features.get("qrCode"))
                # Native QR cannot be centred by the library; alignment does it instead.
                printer.set(align="center")
                printer.qr(payload, size=size, native=native, center=not native)
                printer.set(align="left")
            case RasterImage(image=image, center=center):
                printer.image(image, impl="bitImageRaster", center=center)
            case Feed(lines=lines):
                printer.ln(lines)
            case Cut():
                printer.cut()
            case DrawerPulse(pin=pin):
                printer.cashdraw(pin)

    def _text(self, printer: Dummy, text: str, align: Align, style: TextStyle) -> None:
        printer.set(
            align=align.value,
            bold=style.bold,
            underline=1 if style.underline else 0,
            double_width=style.double_width,
            double_height=style.double_height,
            invert=style.inverted,
        )
        printer.text(text + "\n")
        printer.set(normal_textsize=True, bold=False, underline=0, invert=False, align="left")

    def _image_line(self, printer: Dummy, left: str, right: str) -> None:
        image = render_line_image(
            left, right, self.paper_width_px, self.settings.rtl_font_path, self.settings.rtl_font_size
        )
        printer.image(image, impl="bitImageRaster")

    def _barcode(self, printer: Dummy, barcode: Barcode) -> None:
        if self.features.get("barcodeB"):
            # The printer needs the code set in the data; the label under it prints without it.
            printer.barcode(
                "{B" + barcode.payload, "CODE128", height=barcode.height, width=barcode.module_width,
                function_type="B",
            )
        else:
            self._software_barcode(printer, barcode)

    def _software_barcode(self, printer: Dummy, barcode: Barcode) -> None:
        # A software image would encode a literal "{B", so the plain payload goes to it. Modules of
        # 3 dots: narrower ones are scaled to uneven bar widths that scanners misread.
        from escpos.exceptions import ImageWidthError

        try:
            printer.barcode(
                barcode.payload, "CODE128", height=barcode.height, width=3, force_software="bitImageRaster"
            )
        except ImageWidthError:
            # Too long for this paper as a barcode: a QR code carries the same payload in less width.
            printer.qr(barcode.payload, size=4, native=False, center=True)
