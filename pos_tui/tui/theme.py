"""The two looks of the till and remembering which one this terminal uses.

Colours live here as theme slots only; the TCSS refers to ``$primary``, ``$success``... never to hex.
Green (``$success``) is money in and profit, red (``$error``) returns and losses, yellow
(``$warning``) expenses and warnings.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from textual.theme import Theme

MIDNIGHT = Theme(
    name="midnight",
    primary="#5B8DEF",
    secondary="#7AA2F7",
    accent="#E0AF68",
    foreground="#D8E0F0",
    background="#0B1426",
    surface="#111D35",
    panel="#1A2947",
    success="#4EC375",
    warning="#E5C07B",
    error="#F0616D",
    dark=True,
    variables={
        "footer-key-foreground": "#E0AF68",
        "input-cursor-background": "#D8E0F0",
    },
)

DAYLIGHT = Theme(
    name="daylight",
    primary="#1F5FBF",
    secondary="#3A6EA5",
    accent="#A05A00",
    foreground="#1B2233",
    background="#F4F6FA",
    surface="#FFFFFF",
    panel="#E2E8F2",
    success="#1A7F37",
    warning="#9A6700",
    error="#C62828",
    dark=False,
    variables={"footer-key-foreground": "#A05A00"},
)

THEMES = (MIDNIGHT, DAYLIGHT)
DEFAULT_THEME = MIDNIGHT.name


def state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "pos_tui"


def terminal_key() -> str:
    """Which terminal this is: $TERM and the tty, so the counter's console and an SSH seat differ."""
    try:
        tty = os.ttyname(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):
        tty = "notty"
    return f"{os.environ.get('TERM', 'unknown')}:{tty}"


class ThemeMemory:
    """The theme chosen per terminal, in a small JSON file (never in the store database)."""

    def __init__(self, directory: Path | None = None, key: str | None = None) -> None:
        self.path = (directory or state_dir()) / "themes.json"
        self.key = key or terminal_key()

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def load(self) -> str | None:
        name = self._read().get(self.key)
        return name if isinstance(name, str) else None

    def save(self, name: str) -> None:
        data = self._read()
        data[self.key] = name
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            pass  # a read-only home must not stop the till; the theme is just not remembered
