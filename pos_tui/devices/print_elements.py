"""What a printed page is made of, as plain data: the receipt layout makes these, a renderer prints them.

Keeping the page as data lets tests read a receipt without a printer and lets one layout drive
several renderers (ESC/POS today; a PDF or screen preview later).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image


class Align(Enum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class TextStyle:
    bold: bool = False
    underline: bool = False
    double_width: bool = False
    double_height: bool = False
    inverted: bool = False

    @property
    def width_factor(self) -> int:
        return 2 if self.double_width else 1


PLAIN = TextStyle()


@dataclass(frozen=True)
class TextLine:
    """One printed line. Text in a right-to-left script is drawn as an image by the renderer."""

    text: str
    align: Align = Align.LEFT
    style: TextStyle = PLAIN


@dataclass(frozen=True)
class TwoColumnLine:
    """``left`` at the left margin and ``right`` flush right, on one line (a label and an amount)."""

    left: str
    right: str
    style: TextStyle = PLAIN


@dataclass(frozen=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True)
class Barcode:
    """CODE128 of ``payload`` (the renderer adds the ``{B`` code-set prefix the printer needs)."""

    payload: str
    height: int = 64
    module_width: int = 2


@dataclass(frozen=True)
class QrCode:
    payload: str
    module_size: int = 4


@dataclass(frozen=True)
class RasterImage:
    image: Image
    center: bool = True


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Feed past the tear bar and cut (printers without a cutter only feed)."""


@dataclass(frozen=True)
class DrawerPulse:
    """Kick the cash drawer connected to the printer; pin 2 on most drawers, 5 on a second one."""

    pin: int = 2


PrintElement = TextLine | TwoColumnLine | Rule | Barcode | QrCode | RasterImage | Feed | Cut | DrawerPulse


def drawer_kick(pin: int = 2) -> list[PrintElement]:
    """A job that only opens the drawer (no sale: "No sale" key, float count)."""
    return [DrawerPulse(pin)]
