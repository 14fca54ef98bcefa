"""Terminal charts for reports: a trend against the same period last year, columns, horizontal bars.

The drawing is pure: functions of integers to lines of Unicode block characters (eighth blocks give
eight steps per cell), so money never passes through a float and the pictures are easy to test. The
`Chart` widget only picks the lines for its size and colours them from theme component classes.

Textual's own `Sparkline` draws one float series in one row with no labels; a trend needs two series
on one scale with dates under them, so we draw our own (about a hundred lines, no new dependency).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

UP_BLOCKS = " ▁▂▃▄▅▆▇█"
"""A column's top cell by eighths (index 0..8)."""
RIGHT_BLOCKS = " ▏▎▍▌▋▊▉█"
"""A bar's end cell by eighths (index 0..8)."""

ChartKind = Literal["trend", "columns", "bars"]


@dataclass(frozen=True)
class ChartSpec:
    """What to draw: one value per label; ``previous`` is the same period last year (trends only)."""

    kind: ChartKind
    labels: tuple[str, ...]
    values: tuple[int, ...]
    previous: tuple[int, ...] = ()
    caption: str = ""


def eighths(value: int, top: int, cells: int) -> int:
    """How many eighths of ``cells`` cells ``value`` fills on a scale whose full length is ``top``."""
    if value <= 0 or top <= 0:
        return 0
    return min(cells * 8, (value * cells * 8 + top // 2) // top)


def column_rows(values: Sequence[int], height: int, top: int) -> list[str]:
    """``height`` rows (top row first) of one block column per value, all on the scale ``top``."""
    filled = [eighths(v, top, height) for v in values]
    rows = []
    for row in range(height):
        floor = (height - 1 - row) * 8
        rows.append("".join(UP_BLOCKS[max(0, min(8, f - floor))] for f in filled))
    return rows


def bar(value: int, top: int, width: int) -> str:
    """A horizontal bar of up to ``width`` cells for ``abs(value)`` on the scale ``top``."""
    full, rest = divmod(eighths(abs(value), top, width), 8)
    return ("█" * full + (RIGHT_BLOCKS[rest] if rest else "")).ljust(width)


def fold(values: Sequence[int], slots: int) -> list[int]:
    """Sum neighbouring values so at most ``slots`` remain (a year of days in 40 columns: weeks-ish)."""
    if slots <= 0:
        return []
    if len(values) <= slots:
        return list(values)
    step = -(-len(values) // slots)
    return [sum(values[i : i + step]) for i in range(0, len(values), step)]


def axis(labels: Sequence[str], width: int) -> str:
    """The first label at the left and the last at the right of ``width`` cells."""
    if not labels:
        return ""
    first, last = labels[0], labels[-1]
    if first == last or len(first) + len(last) + 1 > width:
        return first[:width]
    return first + " " * (width - len(first) - len(last)) + last


Painter = Callable[[str, str], Text]
"""(text, part) -> styled text; parts: "current", "previous", "negative", "muted"."""


def draw_trend(spec: ChartSpec, width: int, height: int, money: Callable[[int], str], paint: Painter) -> list[Text]:
    """This period's columns beside last year's and a gap per period; columns widen (up to 3 cells) to fill."""
    rows = max(1, height - 2)
    has_previous = any(spec.previous)
    series = 2 if has_previous else 1
    slots = max(1, width // 3) if has_previous else max(1, width)
    current = fold(spec.values, slots)
    previous = fold(spec.previous, slots) if has_previous else []
    slot = width // max(1, len(current))
    gap = " " if slot > series else ""
    column = max(1, min(3, (slot - len(gap)) // series))
    top = max([*current, *previous, 1])
    now_rows = column_rows(current, rows, top)
    then_rows = column_rows(previous, rows, top) if has_previous else []
    lines = []
    for r in range(rows):
        line = Text()
        for i, cell in enumerate(now_rows[r]):
            line.append_text(paint(cell * column, "current"))
            if has_previous:
                line.append_text(paint((then_rows[r][i] if i < len(then_rows[r]) else " ") * column, "previous"))
            line.append(gap)
        lines.append(line)
    used = len(current) * (series * column + len(gap))
    span = len(spec.labels[0]) + len(spec.labels[-1]) + 1 if spec.labels else 1
    lines.append(paint(axis(spec.labels, min(width, max(used, span))), "muted"))
    legend = Text()
    legend.append_text(paint("█", "current"))
    legend.append(" this period  ")
    if has_previous:
        legend.append_text(paint("█", "previous"))
        legend.append(" same period last year  ")
    legend.append_text(paint(f"top {money(top)}" + (f" · {spec.caption}" if spec.caption else ""), "muted"))
    lines.append(legend)
    return lines[-height:] if height < len(lines) else lines


def draw_columns(spec: ChartSpec, width: int, height: int, money: Callable[[int], str], paint: Painter) -> list[Text]:
    """One column per label (by hour of day): columns widen to fill, labels under them where they fit."""
    rows = max(1, height - 1)
    values = fold(spec.values, width)
    step = -(-len(spec.values) // max(1, len(values)))
    labels = spec.labels[::step]
    cell = max(1, min(4, width // max(1, len(values))))
    top = max([*values, 1])
    gap = " " if cell >= 3 else ""  # wide columns read better apart
    lines = [paint("".join(ch * (cell - len(gap)) + gap for ch in row), "current")
             for row in column_rows(values, rows, top)]
    under = ""
    for i, label in enumerate(labels[: len(values)]):
        start = i * cell
        if (not under or len(under) < start) and start + len(label) <= width:
            under = under.ljust(start) + label
    caption = f"  top {money(top)}" + (f" · {spec.caption}" if spec.caption else "")
    lines.append(paint(under + caption if len(under) + len(caption) <= width else under, "muted"))
    return lines


def draw_bars(spec: ChartSpec, width: int, height: int, money: Callable[[int], str], paint: Painter) -> list[Text]:
    """One labelled horizontal bar per row, longest first as given; negative amounts in the loss colour."""
    pairs = list(zip(spec.labels, spec.values, strict=False))[: max(1, height)]
    if not pairs:
        return []
    label_width = min(max(len(label) for label, _ in pairs), max(6, width // 3))
    shown = [money(v) for _, v in pairs]
    value_width = max(len(s) for s in shown)
    bar_width = max(1, width - label_width - value_width - 2)
    top = max(max(abs(v) for _, v in pairs), 1)
    lines = []
    for (label, value), amount in zip(pairs, shown, strict=True):
        line = Text(label[:label_width].ljust(label_width) + " ")
        line.append_text(paint(bar(value, top, bar_width), "negative" if value < 0 else "current"))
        line.append(" " + amount.rjust(value_width))
        lines.append(line)
    return lines


DRAWERS = {"trend": draw_trend, "columns": draw_columns, "bars": draw_bars}


def draw(spec: ChartSpec, width: int, height: int, money: Callable[[int], str], paint: Painter) -> list[Text]:
    if width <= 0 or height <= 0 or not spec.values:
        return []
    return DRAWERS[spec.kind](spec, width, height, money, paint)


class Chart(Widget):
    """Draws a `ChartSpec` to fit its size; colours come from the theme through component classes."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"chart--current", "chart--previous", "chart--negative", "chart--muted"}
    DEFAULT_CSS = """
    Chart { height: 6; }
    Chart > .chart--current { color: $success; }
    Chart > .chart--previous { color: $secondary 60%; }
    Chart > .chart--negative { color: $error; }
    Chart > .chart--muted { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.spec: ChartSpec | None = None
        self.money: Callable[[int], str] = str

    def show(self, spec: ChartSpec | None, money: Callable[[int], str]) -> None:
        self.spec, self.money = spec, money
        self.display = spec is not None and len(spec.values) > 1  # one bar tells nothing the table does not
        self.refresh()

    def _paint(self, text: str, part: str) -> Text:
        style: Style = self.get_component_rich_style(f"chart--{part}")
        return Text(text, style=style)

    def render(self) -> Text:
        if self.spec is None:
            return Text()
        lines = draw(self.spec, self.size.width, self.size.height, self.money, self._paint)
        return Text("\n").join(lines)
