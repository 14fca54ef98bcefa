"""A cash report (X, Z, shift) laid out as pure data for the receipt printer or the screen.

The caller fills in the words and already-formatted amounts; this file only arranges them, the
same way ``receipt.py`` arranges a sale: a header, ruled sections of label/value rows, a footer.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos_tui.devices.print_elements import PLAIN, Align, Cut, PrintElement, Rule, TextLine, TextStyle, TwoColumnLine
from pos_tui.devices.receipt import BOLD, TALL_BOLD, ReceiptLayout
from pos_tui.devices.text_fit import wrap


@dataclass(frozen=True)
class ReportSection:
    heading: str  # "" for a section without a heading
    rows: tuple[tuple[str, str], ...]  # (label, value), values already formatted


@dataclass(frozen=True)
class PrintedReport:
    store_name: str
    address_lines: tuple[str, ...]
    title: str  # "Z REPORT 12", "X REPORT", "SHIFT T1-S0007"
    header: tuple[tuple[str, str], ...]  # (label, value) under the title: day, time, terminal...
    sections: tuple[ReportSection, ...]
    footer_lines: tuple[str, ...]  # e.g. the journal head hash


def layout_report(report: PrintedReport, layout: ReceiptLayout | None = None) -> list[PrintElement]:
    layout = layout or ReceiptLayout()
    width = layout.columns
    elements: list[PrintElement] = []
    elements += _centered(report.store_name, width, TALL_BOLD)
    for line in report.address_lines:
        elements += _centered(line, width)
    elements.append(Rule())
    elements += _centered(report.title, width, BOLD)
    elements += [TwoColumnLine(label, value) for label, value in report.header]
    for section in report.sections:
        elements.append(Rule())
        if section.heading:
            elements.append(TextLine(section.heading, style=BOLD))
        elements += [TwoColumnLine(label, value) for label, value in section.rows]
    elements.append(Rule())
    elements += [TextLine(line, Align.CENTER) for line in report.footer_lines]
    elements.append(Cut())
    return elements


def _centered(text: str, width: int, style: TextStyle = PLAIN) -> list[PrintElement]:
    return [TextLine(line, Align.CENTER, style) for line in wrap(text, width // style.width_factor)]
