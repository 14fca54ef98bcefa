"""Reads back the ESC/POS subset our renderer emits, so tests can check what a printer would print.

Strict on purpose: an unknown command fails the test instead of being skipped, so nothing we send
goes unexamined.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageOps

ESC, GS, LF = 0x1B, 0x1D, 0x0A


@dataclass(frozen=True)
class PrintedLine:
    text: str
    bold: bool = False
    double_width: bool = False
    double_height: bool = False
    underline: bool = False
    inverted: bool = False
    align: int = 0


@dataclass(frozen=True)
class PrintedBarcode:
    symbology: int
    data: bytes


@dataclass(frozen=True)
class PrintedQr:
    data: bytes


@dataclass
class Printout:
    items: list[object] = field(default_factory=list)
    code_pages: list[int] = field(default_factory=list)

    def lines(self) -> list[PrintedLine]:
        return [item for item in self.items if isinstance(item, PrintedLine)]

    def texts(self) -> list[str]:
        return [line.text for line in self.lines()]

    def images(self) -> list[Image.Image]:
        return [item for item in self.items if isinstance(item, Image.Image)]

    def of_kind(self, kind: str) -> list[object]:
        return [item for item in self.items if item == kind or type(item).__name__ == kind]


def decode(data: bytes, code_page_names: dict[int, str]) -> Printout:
    """``code_page_names``: the profile's ESC t numbers -> Python codec names (19 -> "cp858")."""
    out = Printout()
    style: dict[str, object] = {}
    text = bytearray()
    codec = "cp437"
    i = 0

    def arg(offset: int) -> int:
        return data[i + offset]

    while i < len(data):
        byte = data[i]
        if byte == LF:
            out.items.append(PrintedLine(text.decode(codec), **style))  # type: ignore[arg-type]
            text.clear()
            i += 1
        elif byte == ESC:
            command = chr(arg(1))
            if command == "@":
                style, i = {}, i + 2
            elif command == "t":
                out.code_pages.append(arg(2))
                codec, i = code_page_names[arg(2)], i + 3
            elif command == "!":
                mode = arg(2)
                style.update(bold=bool(mode & 0x08), double_height=bool(mode & 0x10),
                             double_width=bool(mode & 0x20), underline=bool(mode & 0x80))
                i += 3
            elif command in "E-aM{":
                key = {"E": "bold", "-": "underline", "a": "align"}.get(command)
                if key:
                    style[key] = arg(2) if key == "align" else bool(arg(2))
                i += 3
            elif command == "d":
                out.items += [PrintedLine("", **style)] * arg(2)  # type: ignore[arg-type]
                i += 3
            elif command == "p":
                out.items.append(f"drawer pin {2 if arg(2) in (0, 48) else 5}")
                i += 5
            else:
                raise AssertionError(f"unknown ESC {command!r} at byte {i}")
        elif byte == GS:
            command = chr(arg(1))
            if command == "B":
                style["inverted"], i = bool(arg(2)), i + 3
            elif command == "!":
                size = arg(2)
                style.update(double_width=size >> 4 > 0, double_height=size & 0x0F > 0)
                i += 3
            elif command in "hwfH":
                i += 3
            elif command == "k":
                length = arg(3)
                out.items.append(PrintedBarcode(arg(2), data[i + 4 : i + 4 + length]))
                i += 4 + length
            elif command == "(" and chr(arg(2)) == "k":
                length = arg(3) + 256 * arg(4)
                function = chr(arg(6))
                if function == "P":
                    out.items.append(PrintedQr(data[i + 8 : i + 5 + length]))
                i += 5 + length
            elif command == "v" and chr(arg(2)) == "0":
                width_bytes, height = arg(4) + 256 * arg(5), arg(6) + 256 * arg(7)
                bits = data[i + 8 : i + 8 + width_bytes * height]
                # ESC/POS raster: 1 = black dot; Pillow mode "1": 1 = white. Invert for readers.
                image = Image.frombytes("1", (width_bytes * 8, height), bits)
                out.items.append(ImageOps.invert(image.convert("L")))
                i += 8 + width_bytes * height
            elif command == "V":
                out.items.append("cut")
                i += 3 if arg(2) in (0, 1, 48, 49) else 4
            else:
                raise AssertionError(f"unknown GS {command!r} at byte {i}")
        else:
            text.append(byte)
            i += 1
    return out


def code_page_names(profile_code_pages: dict[str, str]) -> dict[int, str]:
    """From python-escpos ``profile.get_code_pages()`` (name -> number) to our lookup."""
    return {int(number): name.lower() for name, number in profile_code_pages.items() if name != "Unknown"}
