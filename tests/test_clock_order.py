"""Time moves forward in the journal: a till's clock may step back a little (an NTP correction),
never further than the configured tolerance, and nothing is ever dated before the Z it follows.
However verify cuts the journal into ranges, the entry named is the same."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.ledger.chain_check import check_range, rescan_clock, split
from pos_tui.ledger.clock_check import first_clock_problem
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.journal import format_time, parse_time
from pos_tui.ledger.verify import verify_ledger
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from tests import forgeries
from tests.conftest import TEA_BARCODE, make_store


@pytest.fixture
def selling_store(store_path: Path) -> Path:
    session = make_store(store_path)
    for _ in range(8):
        cart = Cart().add(products.resolve_scan(session, TEA_BARCODE))
        sales.complete_sale(session, cart, [Tender("cash", 50_000)])
    session.close()
    return store_path


def clock_problem(path: Path, parts: int, tolerance: int = 300) -> tuple[int, str] | None:
    """The clock check as verify puts it together over ``parts`` ranges."""
    ledger = open_ledger(path, read_only=True)
    head = ledger.head().seq
    ledger.close()
    ranges = split(1, head, parts)
    checks = [check_range(path, first, last, tolerance_seconds=tolerance) for first, last in ranges]
    summaries = [(index, check.clock) for index, check in enumerate(checks) if check.clock is not None]
    return first_clock_problem(summaries, tolerance, lambda i, state: rescan_clock(path, *ranges[i], tolerance, state))


def step_back(path: Path, seq: int, seconds: int) -> None:
    """Entry ``seq`` dated ``seconds`` before the entry before it (same terminal), re-chained."""
    entries = forgeries.journal_of(path)
    earlier = parse_time(entries[seq - 2].at) - timedelta(seconds=seconds)
    forgeries.back_date_entry(path, seq, at=format_time(earlier))


def last_sale_seq(path: Path) -> int:
    ledger = open_ledger(path, read_only=True)
    try:
        seq: int = ledger.conn.execute("SELECT MAX(seq) FROM sales").fetchone()[0]
        return seq
    finally:
        ledger.close()


def test_a_clock_stepped_back_within_the_tolerance_passes(selling_store: Path) -> None:
    step_back(selling_store, last_sale_seq(selling_store) - 2, 60)
    for parts in (1, 2, 3, 5, 100):
        assert clock_problem(selling_store, parts) is None


def test_a_clock_stepped_back_beyond_the_tolerance_is_named_at_its_seq_however_the_journal_is_cut(
    selling_store: Path,
) -> None:
    seq = last_sale_seq(selling_store) - 2
    step_back(selling_store, seq, 600)
    found = {parts: clock_problem(selling_store, parts) for parts in (1, 2, 3, 5, 100)}
    assert {problem[0] for problem in found.values() if problem} == {seq}
    assert all(problem is not None and "before an earlier entry of terminal T1" in problem[1]
               and "at most 300 s" in problem[1] for problem in found.values())
    assert clock_problem(selling_store, 1, tolerance=900) is None


def test_small_steps_back_cannot_walk_the_clock_back(selling_store: Path) -> None:
    """Each entry 200 s before the one before it: every step is within 300 s, the third is not."""
    entries = forgeries.journal_of(selling_store)
    first = last_sale_seq(selling_store) - 4
    start = parse_time(entries[first - 2].at)
    moved = [e if e.seq < first or e.seq > first + 3 else
             dataclasses.replace(e, at=format_time(start - timedelta(seconds=200 * (e.seq - first + 1))))
             for e in entries]
    later = [e if e.seq <= first + 3 else dataclasses.replace(e, at=format_time(start + timedelta(hours=1)))
             for e in moved]
    forgeries.replace_store(selling_store, forgeries.rechained(later))
    problem = clock_problem(selling_store, 1)
    assert problem is not None and problem[0] == first + 1


def test_verify_reports_the_back_dated_entry_and_still_checks_the_rest(selling_store: Path) -> None:
    seq = last_sale_seq(selling_store) - 1
    forgeries.back_date_entry(selling_store, seq)
    ledger = open_ledger(selling_store, read_only=True)
    try:
        report = verify_ledger(ledger, processes=0)
    finally:
        ledger.close()
    assert [problem.seq for problem in report.problems] == [seq]
    assert report.entries > 0  # the replay ran: a clock problem does not stop the other checks
