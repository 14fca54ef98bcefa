"""Bento tiles: a titled figure, coloured by what it means (money in, out, expense, plain)."""

from __future__ import annotations

from textual.widgets import Static


class Tile(Static):
    """``tone`` is one of "in", "out", "expense", "plain": the TCSS maps them to theme colours."""

    def __init__(self, title: str, *, tone: str = "plain", id: str | None = None) -> None:
        super().__init__("…", markup=False, id=id, classes=f"tile tone-{tone}")
        self.border_title = title

    def show(self, value: str, note: str = "") -> None:
        self.update(f"{value}\n{note}" if note else value)
