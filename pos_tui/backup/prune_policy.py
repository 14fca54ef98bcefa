"""Which snapshots to keep: last N, and the newest of each of the last N days, weeks and months.

A pure function over snapshot times, so it is tested on its own. The newest snapshot is always kept,
whatever the numbers say: prune never leaves a destination without a snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pos_tui.backup.settings import RetentionPolicy

BucketKey = Callable[[datetime], Hashable]

_RULES: tuple[tuple[str, BucketKey], ...] = (
    ("daily", lambda t: t.date()),
    ("weekly", lambda t: t.isocalendar()[:2]),
    ("monthly", lambda t: (t.year, t.month)),
)


@dataclass(frozen=True)
class PrunePlan:
    """Times to keep (with the rules that keep each) and times to remove, newest first."""

    keep: list[datetime]
    remove: list[datetime]
    reasons: dict[datetime, list[str]] = field(default_factory=dict)


def plan_prune(times: Sequence[datetime], policy: RetentionPolicy, tz: tzinfo | None = None) -> PrunePlan:
    """Decide which snapshot times a retention policy keeps.

    Days, weeks and months are counted in ``tz`` (the till's local time when None), because
    "yesterday's nightly snapshot" means the shop's yesterday. Times must be timezone-aware."""
    if any(t.tzinfo is None for t in times):
        raise ValueError("snapshot times must be timezone-aware")
    newest_first = sorted(set(times), reverse=True)
    reasons: dict[datetime, list[str]] = {}

    def keep(t: datetime, why: str) -> None:
        reasons.setdefault(t, []).append(why)

    for t in newest_first[: policy.keep_last]:
        keep(t, "last")
    limits = {"daily": policy.keep_daily, "weekly": policy.keep_weekly, "monthly": policy.keep_monthly}
    for rule, bucket_of in _RULES:
        seen: set[Hashable] = set()
        for t in newest_first:
            if len(seen) >= limits[rule]:
                break
            bucket = bucket_of(t.astimezone(tz))
            if bucket not in seen:
                seen.add(bucket)
                keep(t, rule)
    if newest_first and newest_first[0] not in reasons:
        keep(newest_first[0], "newest")
    kept = [t for t in newest_first if t in reasons]
    removed = [t for t in newest_first if t not in reasons]
    return PrunePlan(kept, removed, reasons)
