"""Fitting text into a fixed number of columns (receipt lines, the 20-column pole display)."""

from __future__ import annotations

import textwrap


def fit_two_columns(left: str, right: str, width: int) -> str:
    """``left`` and ``right`` on one line of exactly ``width``; ``left`` gives way when too long.

    The right side is usually an amount and must never be cut; if even it does not fit, it is
    right-cut to the width so the line length stays fixed.
    """
    if len(right) >= width:
        return right[-width:]
    room = width - len(right) - 1 if left else width - len(right)
    left = left[:room]
    return left + " " * (width - len(left) - len(right)) + right


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` columns."""
    return text[:width].ljust(width)


def wrap(text: str, width: int) -> list[str]:
    """Word-wrap to ``width``; a word longer than the line is broken rather than overflowing."""
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]
