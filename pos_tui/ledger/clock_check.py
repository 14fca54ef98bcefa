"""Time moves forward: within each terminal's entries, and never back past the last Z.

An entry may be earlier than an earlier entry of its own terminal by at most the configured
tolerance (``database.clock_step_tolerance_seconds``: a till's clock stepped back by NTP), measured
against the latest time that terminal has shown so far, so a run of small steps cannot walk the
clock back. An entry earlier than the Z (``day.closed``) it follows fails whatever the tolerance: a
closed day cannot gain entries. A back-dated entry slipped into the chain and re-hashed is caught
here even with no witness outside the journal.

The check rides on the chain check's scan (``chain_check.check_range`` reads every entry's time and
terminal anyway), range by range: each range is checked from what it alone has seen and summed up
(per terminal its earliest and latest time, the earliest time before its first Z, its last Z);
``first_clock_problem`` puts the ranges together in order and, only where a range breaks the rule
against what came before it, scans that range again from the state before it to name the seq.

Times are the journal's ``%Y-%m-%dT%H:%M:%S.%fZ`` UTC strings, which sort as the moments do: a
string comparison decides the common case, and only an entry that is earlier at all is parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pos_tui.ledger.journal import parse_time

Z_KIND = "day.closed"
DEFAULT_TOLERANCE_SECONDS = 300


@dataclass
class ClockState:
    """What the entries up to some seq have shown: each terminal's latest time, and the last Z's."""

    latest: dict[str, str] = field(default_factory=dict)
    last_z: tuple[int, str] | None = None  # (seq, at) of the last Z entry

    def to_json(self) -> dict[str, Any]:
        return {"latest": self.latest, "last_z": self.last_z}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClockState:
        last_z = data.get("last_z")
        return cls(dict(data.get("latest") or {}), None if last_z is None else (int(last_z[0]), str(last_z[1])))


@dataclass(frozen=True)
class ClockSummary:
    """One range's times, for checking it against the ranges before it without reading it again."""

    earliest: dict[str, str]  # terminal -> its earliest time in the range
    latest: dict[str, str]  # terminal -> its latest time in the range
    before_first_z: str | None  # the earliest time of the entries before the range's first Z (None: none)
    last_z: tuple[int, str] | None
    problem: tuple[int, str] | None  # the first entry that breaks the rule against the range alone

    def to_json(self) -> dict[str, Any]:
        return {"earliest": self.earliest, "latest": self.latest, "before_first_z": self.before_first_z,
                "last_z": self.last_z, "problem": self.problem}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClockSummary:
        def pair(value: Any) -> tuple[int, str] | None:
            return None if value is None else (int(value[0]), str(value[1]))

        return cls(dict(data["earliest"]), dict(data["latest"]), data["before_first_z"], pair(data["last_z"]),
                   pair(data["problem"]))


def _seconds_before(earlier: str, later: str) -> int:
    """Whole seconds ``earlier`` lies before ``later`` (both journal times, ``earlier < later``)."""
    return int((parse_time(later) - parse_time(earlier)).total_seconds())


class ClockScan:
    """Feed it a range's entries in seq order; it finds the first that breaks the rule and sums the range up.

    Started from a ``ClockState`` it checks against what came before; started empty, against the
    range alone (the summary lets ``first_clock_problem`` do the rest)."""

    def __init__(self, tolerance_seconds: int, state: ClockState | None = None) -> None:
        self._tolerance = tolerance_seconds
        self._tolerance_delta = timedelta(seconds=tolerance_seconds)
        start = state or ClockState()
        self._latest = dict(start.latest)
        self._last_z = start.last_z
        self._earliest: dict[str, str] = {}
        self._range_latest: dict[str, str] = {}
        self._before_first_z: str | None = None
        self._range_last_z: tuple[int, str] | None = None
        self.problem: tuple[int, str] | None = None

    def add(self, seq: int, at: str, terminal: str, kind: str) -> None:
        if self.problem is None:
            self.problem = self._problem(seq, at, terminal)
        latest = self._latest.get(terminal)
        if latest is None or at > latest:
            self._latest[terminal] = at
        earliest = self._earliest.get(terminal)
        if earliest is None or at < earliest:
            self._earliest[terminal] = at
        range_latest = self._range_latest.get(terminal)
        if range_latest is None or at > range_latest:
            self._range_latest[terminal] = at
        if self._range_last_z is None and (self._before_first_z is None or at < self._before_first_z):
            self._before_first_z = at
        if kind == Z_KIND:
            self._last_z = self._range_last_z = (seq, at)

    def _problem(self, seq: int, at: str, terminal: str) -> tuple[int, str] | None:
        if self._last_z is not None and at < self._last_z[1]:
            z_seq, z_at = self._last_z
            return seq, (f"its time {at} is before the Z it follows (seq {z_seq}, {z_at}): an entry cannot be"
                         " added to a closed day (back-dated?).")
        latest = self._latest.get(terminal)
        if latest is not None and at < latest and parse_time(latest) - parse_time(at) > self._tolerance_delta:
            return seq, (f"its time {at} is {_seconds_before(at, latest)} s before an earlier entry of terminal"
                         f" {terminal} ({latest}); a clock may step back at most {self._tolerance} s"
                         " (database.clock_step_tolerance_seconds): back-dated?")
        return None

    def summary(self) -> ClockSummary:
        return ClockSummary(self._earliest, self._range_latest, self._before_first_z, self._range_last_z,
                            self.problem)


RescanRange = Callable[[int, ClockState], tuple[int, str] | None]


def first_clock_problem(
    ranges: Iterable[tuple[int, ClockSummary]], tolerance_seconds: int, rescan: RescanRange
) -> tuple[int, str] | None:
    """The first entry over consecutive ranges (each given by its index and summary) whose time
    breaks the rule; ``rescan(index, state)`` checks range ``index`` again from the state before it."""
    tolerance = timedelta(seconds=tolerance_seconds)
    state = ClockState()
    for index, summary in ranges:
        if _breaks_against(state, summary, tolerance):
            return rescan(index, state)
        if summary.problem is not None:
            return summary.problem
        for terminal, at in summary.latest.items():
            if terminal not in state.latest or at > state.latest[terminal]:
                state.latest[terminal] = at
        if summary.last_z is not None:
            state.last_z = summary.last_z
    return None


def _breaks_against(state: ClockState, summary: ClockSummary, tolerance: timedelta) -> bool:
    """Whether some entry of the range breaks the rule against the entries before the range."""
    if state.last_z is not None and summary.before_first_z is not None and summary.before_first_z < state.last_z[1]:
        return True
    for terminal, earliest in summary.earliest.items():
        latest = state.latest.get(terminal)
        if latest is not None and earliest < latest and parse_time(latest) - parse_time(earliest) > tolerance:
            return True
    return False
