"""Point in time: a snapshot, sales, segments every few sales; restore to the moment of one sale."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from pos_tui.backup.catalog import scan_all
from pos_tui.backup.manifest import read_manifest
from pos_tui.backup.moments import parse_moment
from pos_tui.backup.naming import manifest_path_for
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.journal import entries_after, store_time
from tests.backup.till_setup import Till
from tests.conftest import assert_verifies


@pytest.fixture
def box_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's own zone is not the store's (Asia/Karachi): a restored box, a VPS, a UTC image."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def time_of(till: Till, seq: int) -> str:
    ledger = open_ledger(till.db, read_only=True)
    try:
        return next(entries_after(ledger, seq - 1, batch=1)).at
    finally:
        ledger.close()


def test_restore_at_the_tenth_sale_brings_back_exactly_ten_sales_beyond_the_snapshot(till: Till) -> None:
    assert till.run("create").exit_code == 0
    at_snapshot = till.sale_count()
    seqs: list[int] = []
    for _ in range(4):
        seqs += till.sell_teas(5)
        result = till.run("segment")
        assert result.exit_code == 0 and "Segment written" in result.output, result.output
    assert len(till.segments()) == 4
    tenth = time_of(till, seqs[9])

    result = till.run("restore", "--at", tenth, "--identity", str(till.keys.identity), "--yes")

    assert result.exit_code == 0, result.output
    assert "Replayed" in result.output
    assert till.sale_count() == at_snapshot + 10
    ledger = open_ledger(till.db, read_only=True)
    try:
        assert ledger.head().seq == seqs[9]
    finally:
        ledger.close()
    assert_verifies(till.db)


def test_segments_chain_each_onto_the_one_before(till: Till) -> None:
    assert till.run("create").exit_code == 0
    for _ in range(3):
        till.sell_teas(2)
        assert till.run("segment").exit_code == 0
    snapshot = read_manifest(manifest_path_for(till.snapshots()[0])).manifest
    chain = [read_manifest(manifest_path_for(p)).manifest for p in till.segments()]

    previous = snapshot
    for segment in chain:
        assert segment.previous == previous.digest()
        assert segment.base_hash == previous.head_hash
        assert segment.first_seq == previous.head_seq + 1
        previous = segment


def test_segment_with_nothing_new_writes_nothing_and_first_segment_makes_a_snapshot(till: Till) -> None:
    first = till.run("segment")
    assert first.exit_code == 0 and "snapshot" in first.output
    assert len(till.snapshots()) == 1
    again = till.run("segment")
    assert again.exit_code == 0 and "nothing written" in again.output
    assert till.segments() == []


def test_after_a_point_in_time_restore_new_sales_chain_onto_the_restored_journal(till: Till) -> None:
    assert till.run("create").exit_code == 0
    seqs = till.sell_teas(4)
    assert till.run("segment").exit_code == 0
    restored = till.run("restore", "--at", time_of(till, seqs[1]), "--identity", str(till.keys.identity), "--yes")
    assert restored.exit_code == 0
    till.sell_teas(1)

    result = till.run("segment")

    assert result.exit_code == 0, result.output
    newest = read_manifest(manifest_path_for(till.segments()[-1])).manifest
    assert newest.first_seq == seqs[1] + 1, "the new segment follows the restored head, not the old timeline"


def test_a_time_before_any_snapshot_is_refused_and_changes_nothing(till: Till) -> None:
    assert till.run("create").exit_code == 0
    before = till.db.read_bytes()
    result = till.run("restore", "--at", "2001-01-01 09:00", "--identity", str(till.keys.identity))
    assert result.exit_code == 1
    assert "No verified snapshot" in result.output
    assert till.db.read_bytes() == before


def test_moments_are_read_as_store_minutes_or_exact_journal_times(box_in_new_york: None) -> None:
    exact = parse_moment("2025-03-01T14:30:05.123456Z", "Asia/Karachi")
    assert exact == datetime(2025, 3, 1, 14, 30, 5, 123456, tzinfo=UTC)
    assert parse_moment("2025-03-01 14:30", "Asia/Karachi") == datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def test_restore_at_a_time_typed_in_the_stores_zone_on_a_box_set_to_another(till: Till, box_in_new_york: None) -> None:
    assert till.run("create").exit_code == 0
    at_snapshot = till.sale_count()
    seqs = till.sell_teas(4)
    assert till.run("segment").exit_code == 0
    second = store_time(time_of(till, seqs[1]), "Asia/Karachi").strftime("%Y-%m-%d %H:%M:%S.%f")  # as on a receipt

    result = till.run("restore", "--at", second, "--identity", str(till.keys.identity), "--yes")

    assert result.exit_code == 0, result.output
    assert till.sale_count() == at_snapshot + 2  # read as New York time it was hours away
    assert_verifies(till.db)


def test_backup_list_shows_times_in_the_stores_zone(till: Till, box_in_new_york: None) -> None:
    assert till.run("create").exit_code == 0
    created = scan_all([till.local], None)[0].created_at
    listed = till.run("list")
    assert listed.exit_code == 0, listed.output
    assert "Times in the store's zone, Asia/Karachi." in listed.output
    assert store_time(created, "Asia/Karachi").strftime("%Y-%m-%d %H:%M:%S") in listed.output
    assert created.astimezone().strftime("%Y-%m-%d %H:%M:%S") not in listed.output
