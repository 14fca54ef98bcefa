"""The journal's chain check: every entry's sequence, link, hash and balance, from the stored rows.

Each entry's hash depends only on its own columns, its postings and its stored ``prev_hash``, so
ranges of the journal can be checked side by side (``verify`` runs them in worker processes while
it replays); what ties the ranges together is one link per boundary, checked when their results
are put together in order. Whichever range holds it, the problem reported is the one at the first
broken seq, with the same sentence a check in one pass would give.

The same scan checks that time moves forward (``clock_check``): each range sums up its entries'
times, and ``first_clock_problem`` puts the ranges together the same way.

A worker process (``worker_process``) checks one range and hands back its ``RangeCheck``.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pos_tui.domain.errors import LedgerError
from pos_tui.ledger.clock_check import DEFAULT_TOLERANCE_SECONDS, ClockScan, ClockState, ClockSummary
from pos_tui.ledger.database import GENESIS_HASH
from pos_tui.ledger.entry import HASH_TAG, JournalEntry, header_json
from pos_tui.ledger.worker_process import WorkerProcess

GAP = "expected seq {expected}: entries are missing or out of order."
CUT = "its prev_hash is not the hash of the entry before it (chain cut)."
EDITED = "its contents do not match its hash (the entry or its postings were edited)."
UNBALANCED = "its postings do not sum to zero."


class ChainBroken(LedgerError):
    """An entry that does not follow the chain it is being added to, or whose hash is wrong."""

    def __init__(self, seq: int, message: str) -> None:
        super().__init__(f"Journal entry {seq}: {message}")
        self.seq = seq


def link_problem(seq: int, prev_hash: str, after_seq: int, after_hash: str) -> str | None:
    """What is wrong with an entry (seq, prev_hash) following the entry (after_seq, after_hash)."""
    if seq != after_seq + 1:
        return GAP.format(expected=after_seq + 1)
    if prev_hash != after_hash:
        return CUT
    return None


def content_problem(digest: str, expected_digest: str, postings: Iterable[tuple[str, int]]) -> str | None:
    """What is wrong with an entry on its own: a hash that does not match, postings that do not balance."""
    if expected_digest != digest:
        return EDITED
    if sum(amount for _, amount in postings):
        return UNBALANCED
    return None


def entry_problem(entry: JournalEntry, after_seq: int, after_hash: str) -> str | None:
    """The first thing wrong with ``entry`` following (after_seq, after_hash), in the order checked."""
    return link_problem(entry.seq, entry.prev_hash, after_seq, after_hash) or content_problem(
        entry.hash, entry.expected_hash(), entry.postings
    )


@dataclass(frozen=True)
class RangeCheck:
    """What one range of seqs holds: its first and last entries (for the links between ranges), how
    many entries, and the first problem inside it (a range cannot see the link before its first entry)."""

    first: tuple[int, str] | None  # (seq, prev_hash)
    last: tuple[int, str] | None  # (seq, hash)
    count: int
    problem: tuple[int, str] | None
    clock: ClockSummary | None = None  # the range's times (``clock_check``)


def read_only_uri(path: Path) -> str:
    """``path`` as a SQLite URI that opens it read-only. Percent-encoded: a "#" or "?" in a folder name
    would otherwise end the URI's path part."""
    return f"file:{quote(str(path.resolve()))}?mode=ro"


_ROWS = (
    "SELECT seq, event_id, at, day, store, terminal, user, kind, CAST(payload AS BLOB), prev_hash, hash"
    " FROM journal WHERE seq BETWEEN ? AND ? ORDER BY seq"
)
_LEGS = "SELECT seq, account, amount FROM postings WHERE seq BETWEEN ? AND ? ORDER BY seq, leg"


def _with_postings(conn: sqlite3.Connection, first: int, last: int) -> Iterator[tuple[Any, list[tuple[str, int]]]]:
    """Each journal row in the range with its postings: two ordered scans merged (no query per entry)."""
    legs = iter(conn.execute(_LEGS, (first, last)))
    pending = next(legs, None)
    for row in conn.execute(_ROWS, (first, last)):
        seq = row[0]
        postings = []
        while pending is not None and pending[0] <= seq:
            if pending[0] == seq:
                postings.append((pending[1], pending[2]))
            pending = next(legs, None)
        yield row, postings


def check_range(
    path: Path, first: int, last: int, *, tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    clock_state: ClockState | None = None,
) -> RangeCheck:
    """Check the entries with seq in [first, last] of the store at ``path`` (a connection of its own,
    read-only, so it can run in another process); their times against ``clock_state`` (what the
    entries before ``first`` showed), or against the range alone."""
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    clock = ClockScan(tolerance_seconds, clock_state)
    try:
        conn.execute("BEGIN")  # one snapshot for both scans
        tagged = hashlib.sha256(HASH_TAG)
        opened: tuple[int, str] | None = None
        prev: tuple[int, str] | None = None
        count = 0
        problem: tuple[int, str] | None = None
        for (seq, event_id, at, day, store, terminal, user, kind, payload, prev_hash, digest), postings in (
            _with_postings(conn, first, last)
        ):
            count += 1
            clock.add(seq, at, terminal, kind)
            trouble = None if prev is None else link_problem(seq, prev_hash, *prev)
            if trouble is None:
                # entry_hash and content_problem, written out: this loop runs once per entry of the journal
                hashed = tagged.copy()
                header = header_json(event_id, at, day, store, terminal, user, kind, tuple(postings))
                hashed.update(f"{prev_hash}\n{seq}\n{header}\n".encode())
                hashed.update(payload)
                if hashed.hexdigest() != digest:
                    trouble = EDITED
                elif postings and sum(amount for _, amount in postings):
                    trouble = UNBALANCED
            if opened is None:
                opened = (seq, prev_hash)
            if trouble is not None:
                problem = (seq, trouble)
                break
            prev = (seq, digest)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return RangeCheck(opened, prev, count, problem, clock.summary())


def first_problem(
    checks: Iterable[RangeCheck], *, after_seq: int = 0, after_hash: str = GENESIS_HASH
) -> tuple[int, str] | None:
    """The first broken seq over consecutive ranges checked apart, with what is wrong there."""
    for check in checks:
        if check.first is None:
            continue  # nothing in this range: a gap shows at the next entry there is
        link = link_problem(*check.first, after_seq, after_hash)
        if link is not None:
            return check.first[0], link
        if check.problem is not None:
            return check.problem
        assert check.last is not None
        after_seq, after_hash = check.last
    return None


def split(first: int, last: int, parts: int) -> list[tuple[int, int]]:
    """[first, last] cut into ``parts`` consecutive ranges of about equal size (fewer if it is short)."""
    if parts <= 0:
        return []
    size = max(1, -(-(last - first + 1) // parts))
    return [(start, min(last, start + size - 1)) for start in range(first, last + 1, size)]


def check_chain(path: Path, head_seq: int, *, parts: int = 1) -> tuple[int, str] | None:
    """The first broken seq of entries 1..head_seq, checked here in ``parts`` ranges one after another
    (``RangeCheckProcess`` checks a range in another process)."""
    return first_problem(check_range(path, first, last) for first, last in split(1, head_seq, parts))


def rescan_clock(
    path: Path, first: int, last: int, tolerance_seconds: int, state: ClockState
) -> tuple[int, str] | None:
    """The first entry in [first, last] whose time breaks the rule, from what the entries before showed."""
    check = check_range(path, first, last, tolerance_seconds=tolerance_seconds, clock_state=state)
    return None if check.clock is None else check.clock.problem


class RangeCheckProcess:
    """``check_range`` running in a process of its own; ``result()`` waits for it."""

    def __init__(self, path: Path, first: int, last: int, tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS) -> None:
        self._worker = WorkerProcess(__name__, str(path.resolve()), str(first), str(last), str(tolerance_seconds),
                                     what="chain check")

    def result(self) -> RangeCheck:
        data = self._worker.result()
        return RangeCheck(_pair(data["first"]), _pair(data["last"]), int(data["count"]), _pair(data["problem"]),
                          ClockSummary.from_json(data["clock"]))

    def stop(self) -> None:
        self._worker.stop()


def _pair(value: Any) -> tuple[int, str] | None:
    return None if value is None else (int(value[0]), str(value[1]))


def worker_main(argv: list[str]) -> dict[str, Any]:
    """``check_range`` of ``PATH FIRST LAST TOLERANCE_SECONDS`` for ``RangeCheckProcess``."""
    check = check_range(Path(argv[0]), int(argv[1]), int(argv[2]), tolerance_seconds=int(argv[3]))
    assert check.clock is not None
    return {"first": check.first, "last": check.last, "count": check.count, "problem": check.problem,
            "clock": check.clock.to_json()}
