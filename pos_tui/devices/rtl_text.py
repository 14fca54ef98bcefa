"""Urdu and Arabic lines drawn as 1-bit images: printer code pages cannot shape or reorder them.

Pillow with raqm (HarfBuzz + FriBiDi) joins the letters and lays the line out right to left. Pillow's
wheels load FriBiDi at run time, so a box without libfribidi has no raqm, and Pillow's basic layout
refuses a text direction (a KeyError). There the letters are joined by ``arabic-reshaper`` (into
their presentation forms) and put in display order by ``python-bidi``, and the basic layout draws
them as they come. The image goes to the printer as raster graphics.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

from pos_tui.devices.errors import DeviceConfigError

DEFAULT_RTL_FONT = "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf"


def needs_image(text: str) -> bool:
    """True when ``text`` has right-to-left letters (Arabic, Urdu, Hebrew...)."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


@lru_cache(maxsize=8)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    if not Path(path).is_file():
        raise DeviceConfigError(
            f"The font for Urdu/Arabic receipt lines is missing: {path}.",
            "Install Debian package fonts-noto-core, or set the receipt font path in the config.",
        )
    engine = ImageFont.Layout.RAQM if has_raqm() else ImageFont.Layout.BASIC
    return ImageFont.truetype(path, size, layout_engine=engine)


def has_raqm() -> bool:
    return bool(features.check("raqm"))


def shaping_in_use() -> str:
    """Which shaping draws Urdu and Arabic receipt lines on this box, in words (`pos doctor` says it)."""
    if has_raqm():
        return "libraqm (HarfBuzz + FriBiDi)"
    return "arabic-reshaper + python-bidi (libraqm is missing)"


def visual_order(text: str) -> str:
    """``text`` as the basic layout must draw it, left to right: letters joined, runs reordered."""
    import arabic_reshaper  # only a box without raqm needs them
    from bidi import get_display

    return str(get_display(arabic_reshaper.reshape(text), base_dir="R" if needs_image(text) else "L"))


def render_line_image(
    left: str, right: str, width_px: int, font_path: str = DEFAULT_RTL_FONT, size: int = 28
) -> Image.Image:
    """A 1-bit line ``width_px`` wide: ``left`` from the left edge, ``right`` flush right.

    A line that is only one right-to-left text is passed as ``right`` so it starts at the right edge,
    where its reader looks first.
    """
    font = _font(font_path, size)
    ascent, descent = font.getmetrics()
    height = ascent + descent + 4
    image = Image.new("1", (width_px, height), 1)
    draw = ImageDraw.Draw(image)
    raqm = font.layout_engine == ImageFont.Layout.RAQM
    for text, at_right in ((left, False), (right, True)):
        if not text:
            continue
        if raqm:
            direction: str | None = "rtl" if needs_image(text) else "ltr"
        else:  # the basic layout takes no direction: hand it the letters joined and in display order
            text, direction = visual_order(text), None
        text_width = draw.textlength(text, font=font, direction=direction)
        x = width_px - text_width if at_right else 0
        draw.text((max(0, x), 2), text, font=font, fill=0, direction=direction)
    return image
