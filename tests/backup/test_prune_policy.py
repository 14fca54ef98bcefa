"""Retention: which snapshots `pos backup prune` keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from pos_tui.backup.prune_policy import plan_prune
from pos_tui.backup.settings import RetentionPolicy

START = datetime(2025, 1, 1, tzinfo=UTC)


def hourly(days: int) -> list[datetime]:
    return [START + timedelta(hours=h) for h in range(24 * days)]


def test_hourly_snapshots_for_sixty_days_keep_last_day_hours_plus_dailies_weeklies_monthlies() -> None:
    times = hourly(60)
    policy = RetentionPolicy(keep_last=24, keep_daily=7, keep_weekly=4, keep_monthly=3)

    plan = plan_prune(times, policy, tz=UTC)

    newest = max(times)
    assert plan.keep[:24] == sorted(times, reverse=True)[:24]
    dailies = [t for t in plan.keep if "daily" in plan.reasons[t]]
    assert [t.date() for t in dailies] == [(newest - timedelta(days=d)).date() for d in range(7)]
    assert all(t.hour == 23 for t in dailies), "the newest snapshot of each day stands for that day"
    assert len([t for t in plan.keep if "weekly" in plan.reasons[t]]) == 4
    monthlies = [t for t in plan.keep if "monthly" in plan.reasons[t]]
    assert [(t.month, t.day, t.hour) for t in monthlies] == [(3, 1, 23), (2, 28, 23), (1, 31, 23)]
    assert set(plan.keep) | set(plan.remove) == set(times)
    assert not set(plan.keep) & set(plan.remove)


def test_days_are_the_shops_days_not_utc_days() -> None:
    karachi = timezone(timedelta(hours=5))
    dailies_only = RetentionPolicy(keep_last=0, keep_daily=2, keep_weekly=0, keep_monthly=0)
    # 18:00 UTC is 23:00 on Jan 1 in Karachi; 20:30 UTC is 01:30 on Jan 2 there: two shop days.
    evening = datetime(2025, 1, 1, 18, 0, tzinfo=UTC)
    after_local_midnight = datetime(2025, 1, 1, 20, 30, tzinfo=UTC)

    assert plan_prune([evening, after_local_midnight], dailies_only, tz=karachi).remove == []
    assert plan_prune([evening, after_local_midnight], dailies_only, tz=UTC).remove == [evening]


def test_all_zero_policy_still_keeps_the_newest_snapshot() -> None:
    times = hourly(3)
    plan = plan_prune(times, RetentionPolicy(keep_last=0, keep_daily=0, keep_weekly=0, keep_monthly=0))
    assert plan.keep == [max(times)]
    assert plan.reasons[max(times)] == ["newest"]


def test_no_snapshots_means_nothing_to_do() -> None:
    plan = plan_prune([], RetentionPolicy())
    assert plan.keep == [] and plan.remove == []


times_strategy = st.lists(
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 1, 1), timezones=st.just(UTC)),
    max_size=60,
)
counts = st.integers(min_value=0, max_value=10)


@given(times_strategy, counts, counts, counts, counts)
def test_every_snapshot_is_either_kept_with_a_reason_or_removed(
    times: list[datetime], last: int, daily: int, weekly: int, monthly: int
) -> None:
    policy = RetentionPolicy(keep_last=last, keep_daily=daily, keep_weekly=weekly, keep_monthly=monthly)
    plan = plan_prune(times, policy, tz=UTC)
    assert set(plan.keep) | set(plan.remove) == set(times)
    assert not set(plan.keep) & set(plan.remove)
    assert all(plan.reasons[t] for t in plan.keep)
    if times:
        assert max(times) in plan.keep
    assert len(plan.keep) <= max(1, last + daily + weekly + monthly)
    assert len({t.date() for t in plan.keep if "daily" in plan.reasons[t]}) <= daily


@given(times_strategy, counts, counts, counts, counts)
def test_a_more_generous_policy_never_removes_more(
    times: list[datetime], last: int, daily: int, weekly: int, monthly: int
) -> None:
    policy = RetentionPolicy(keep_last=last, keep_daily=daily, keep_weekly=weekly, keep_monthly=monthly)
    generous = RetentionPolicy(
        keep_last=last + 1, keep_daily=daily + 1, keep_weekly=weekly + 1, keep_monthly=monthly + 1
    )
    assert set(plan_prune(times, policy, tz=UTC).keep) <= set(plan_prune(times, generous, tz=UTC).keep)
