"""A bill split into N equal parts, to the paisa.

The parts' totals differ by at most one minor unit (the first ones take the remainder) and add up to
the bill exactly. Each part pays a share of every line: lay the lines end to end along the bill and
cut it at the parts' boundaries; a line's share of anything else (tax, cost, quantity) telescopes, so
the shares of a line over all parts add up to the line exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_PARTS = 99


def part_totals(total: int, parts: int) -> list[int]:
    if parts <= 0:
        raise ValueError("a bill is split into one part or more")
    base, remainder = divmod(total, parts)
    return [base + (1 if k < remainder else 0) for k in range(parts)]


def covered(grosses: Sequence[int], parts: int, part: int) -> list[tuple[int, int]]:
    """For part ``part`` (1-based) of ``parts``: each line's (covered before, covered through) amounts
    of its gross. A line of gross 0 belongs whole to the first part."""
    totals = part_totals(sum(grosses), parts)
    start, end = sum(totals[: part - 1]), sum(totals[:part])
    spans = []
    offset = 0
    for gross in grosses:
        if gross == 0:
            spans.append((0, 0) if part > 1 else (0, 1))
            continue
        spans.append((min(max(start - offset, 0), gross), min(max(end - offset, 0), gross)))
        offset += gross
    return spans


def share(amount: int, whole: int, span: tuple[int, int]) -> int:
    """The part of ``amount`` (a line's tax, cost, quantity) that covers ``span`` of the line's ``whole``
    gross; a line of gross 0 (span (0, 1)) gives it all."""
    before, through = span
    if whole == 0:
        return amount if through > before else 0
    return amount * through // whole - amount * before // whole
