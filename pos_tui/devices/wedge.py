"""Telling a keyboard-wedge scanner from a person typing, by the rhythm of the keys.

A wedge scanner is a keyboard: over SSH or on a plain terminal its characters arrive exactly like
typed ones. Scanners type a burst with gaps of a few ms (≤ ~50 ms), at least a handful of characters,
the whole code well under 1.5 s, then Enter; people type at 100-200 ms a key. The TUI feeds every
character of its scan field with a monotonic time and asks at Enter.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WedgeTiming:
    max_key_gap: float = 0.050
    min_length: int = 4
    max_duration: float = 1.5


@dataclass(frozen=True)
class WedgeVerdict:
    """At Enter: ``scanned`` is the code if the last burst was a scan, else ""; ``typed`` is what a
    person typed (before a scan, or everything when there was no scan)."""

    scanned: str
    typed: str

    @property
    def is_scan(self) -> bool:
        return self.scanned != ""


class WedgeClassifier:
    def __init__(self, timing: WedgeTiming | None = None) -> None:
        self._timing = timing or WedgeTiming()
        self._typed: list[str] = []
        self._burst: list[str] = []
        self._burst_started_at = 0.0
        self._last_key_at: float | None = None

    @property
    def last_key_at(self) -> float | None:
        """When the last character came (None before any, or since Enter or an editing key)."""
        return self._last_key_at

    def feed_char(self, char: str, at: float) -> None:
        """One printable character as it arrived; ``at`` is ``time.monotonic()``."""
        if self._last_key_at is None or at - self._last_key_at > self._timing.max_key_gap:
            # A pause ends any burst: what came before was typed by a person.
            self._typed.extend(self._burst)
            self._burst = []
            self._burst_started_at = at
        self._burst.append(char)
        self._last_key_at = at

    def feed_enter(self, at: float) -> WedgeVerdict:
        """Enter closes the field: decide, then start afresh."""
        burst = "".join(self._burst)
        typed = "".join(self._typed)
        is_scan = (
            self._last_key_at is not None
            and len(burst) >= self._timing.min_length
            and at - self._last_key_at <= self._timing.max_key_gap
            and at - self._burst_started_at <= self._timing.max_duration
        )
        self.reset()
        if is_scan:
            return WedgeVerdict(scanned=burst, typed=typed)
        return WedgeVerdict(scanned="", typed=typed + burst)

    def reset(self) -> None:
        self._typed, self._burst, self._last_key_at = [], [], None
