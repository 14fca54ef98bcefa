"""``pos db verify``: prove the books are exact and untouched.

Checks, stopping at the first broken journal entry: the hash chain, that every entry balances,
that the projections equal a replay of the journal, that stock equals the sum of its movements,
and that each sale's lines, tax, tenders and change agree.

Every entry is checked, every time. On a big journal the chain check and the checks of the live
tables run in a worker process while this one replays (each entry's hash can be checked on its own,
see ``chain_check``), so on two cores the wall time is about the replay's alone.
"""

from __future__ import annotations

import gc
import sqlite3
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pos_tui.ledger.chain_check import RangeCheckProcess, check_chain, first_problem, read_only_uri, split
from pos_tui.ledger.database import GENESIS_HASH, JournalHead, Ledger
from pos_tui.ledger.projections import PROJECTION_TABLES
from pos_tui.ledger.replay import open_scratch, replay_projections

# From this many entries on, the chain is checked in a worker process beside the replay: below it,
# starting a process (~0.3 s) costs more than it saves.
PARALLEL_FROM = 20_000
# Page cache for reading the replayed copy while comparing: its primary keys are probed once per live row.
COMPARE_CACHE_KIB = 256 * 1024


@dataclass(frozen=True)
class Problem:
    seq: int | None
    message: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.message}" if self.seq is not None else self.message


@dataclass
class VerifyReport:
    head: JournalHead = field(default_factory=lambda: JournalHead(0, GENESIS_HASH))
    entries: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_ledger(ledger: Ledger, *, scratch_dir: Path | None = None, processes: int | None = None) -> VerifyReport:
    """Check the store behind ``ledger`` (call it outside a transaction).

    ``processes``: worker processes for the chain check (the journal is cut into that many ranges)
    and the live tables' checks; 0 checks everything here, one step after another. By default one
    worker from ``PARALLEL_FROM`` entries on, none below.

    The live store is read in one snapshot (a read transaction held to the end), so tills may keep
    selling while it runs: what is checked is the store as it was when verify started.
    """
    conn = ledger.conn
    if conn.in_transaction:
        raise RuntimeError("verify_ledger reads the store in a snapshot of its own: call it outside a transaction")
    directory = scratch_dir or ledger.path.parent
    with tempfile.TemporaryDirectory(prefix=".pos-verify-", dir=directory) as tmp, _collector_paused():
        scratch_path = Path(tmp) / "replay.db"
        scratch = open_scratch(scratch_path)
        conn.execute("ATTACH DATABASE ? AS replay", (read_only_uri(scratch_path),))
        try:
            conn.execute("BEGIN")
            try:
                return _verify_snapshot(ledger, scratch, processes)
            finally:
                scratch.close()
                conn.execute("COMMIT")
        finally:
            conn.execute("DETACH DATABASE replay")


def _verify_snapshot(ledger: Ledger, scratch: Ledger, processes: int | None) -> VerifyReport:
    report = VerifyReport(head=ledger.head())
    if processes is None:
        processes = 1 if report.head.seq >= PARALLEL_FROM else 0
    if processes <= 0:
        broken = check_chain(ledger.path, report.head.seq)
        if broken is not None:
            report.problems.append(Problem(*broken))
            return report
    workers = [RangeCheckProcess(ledger.path, *part) for part in split(1, report.head.seq, max(processes, 0))]
    try:
        # The live tables' checks are single SQL statements: SQLite runs them without the GIL, beside the replay.
        with ThreadPoolExecutor(max_workers=1) as thread:
            live: Future[list[Problem]] = thread.submit(live_problems_at, ledger.path)
            try:
                report.entries = replay_projections(ledger, scratch)
                replay_failure = None
            except Exception as error:  # a broken chain explains it; else it is reported below
                replay_failure = error
            broken = first_problem(worker.result() for worker in workers)
            if broken is not None:
                report.problems.append(Problem(*broken))
                return report
            if replay_failure is not None:
                report.problems.append(Problem(None, f"replaying the journal failed: {replay_failure}"))
                return report
            if report.entries != report.head.seq:
                report.problems.append(Problem(report.head.seq, "the journal head is not the last entry replayed."))
            scratch.close()  # committed; its page cache is no longer needed
            ledger.conn.execute(f"PRAGMA replay.cache_size = -{COMPARE_CACHE_KIB}")
            report.problems.extend(projection_differences(ledger.conn, live="main", replay="replay"))
            report.problems.extend(live.result())
    finally:
        for worker in workers:
            worker.stop()
    return report


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Replay makes millions of short-lived, acyclic objects; the cyclic collector's passes over them
    were a fifth of verify's time. Reference counting still frees them as they go."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def compare_projections(scratch: Ledger, live_path: Path) -> list[Problem]:
    """Rows that differ between ``scratch``'s projection tables and those of the file at ``live_path``."""
    conn = scratch.conn
    conn.execute("ATTACH DATABASE ? AS live", (read_only_uri(live_path),))
    try:
        return projection_differences(conn, live="live", replay="main")
    finally:
        conn.commit()
        conn.execute("DETACH DATABASE live")


def projection_differences(conn: sqlite3.Connection, *, live: str, replay: str) -> list[Problem]:
    """The first differing row of each projection table, between two schemas of one connection."""
    problems = []
    for table, key in PROJECTION_TABLES.items():
        problem = _first_difference(conn, table, key, live, replay)
        if problem is not None:
            problems.append(problem)
    return problems


def _first_difference(conn: sqlite3.Connection, table: str, key: str, live: str, replay: str) -> Problem | None:
    """The first row (by key) of the live table that the replay does not have exactly, else the first
    replayed row that live lacks.

    Each table's key is its primary key, so "no identical row on the other side" is "the row with the
    same key is absent or differs": one pass over live probing the replay by key, rather than two set
    differences that each sort a million rows. With none found, live rows map one-to-one onto
    replayed rows, so the replay has rows live lacks only if it has more of them.
    """
    columns = [row[1] for row in conn.execute(f"PRAGMA {replay}.table_info({table})")]
    keys = [k.strip() for k in key.split(",")]
    joined = " AND ".join(f"r.{k} = l.{k}" for k in keys)
    differs = "".join(f" OR l.{c} IS NOT r.{c}" for c in columns if c not in keys)
    row = conn.execute(
        f"SELECT l.* FROM {live}.{table} l LEFT JOIN {replay}.{table} r ON {joined}"
        f" WHERE r.{keys[0]} IS NULL{differs} ORDER BY {', '.join(f'l.{k}' for k in keys)} LIMIT 1"
    ).fetchone()
    what = "is not in the journal"
    if row is None:
        live_rows = conn.execute(f"SELECT COUNT(*) FROM {live}.{table}").fetchone()[0]
        if conn.execute(f"SELECT COUNT(*) FROM {replay}.{table}").fetchone()[0] == live_rows:
            return None
        row = conn.execute(
            f"SELECT r.* FROM {replay}.{table} r WHERE NOT EXISTS (SELECT 1 FROM {live}.{table} l WHERE {joined})"
            f" ORDER BY {', '.join(f'r.{k}' for k in keys)} LIMIT 1"
        ).fetchone()
        what = "is missing"
    seq = next((value for name, value in zip(columns, row, strict=False)
                if name in keys and (name == "seq" or name.endswith("_seq")) and isinstance(value, int)), None)
    return Problem(seq, f"{table} row {tuple(row)} {what}: projections differ from a replay.")


def live_problems_at(path: Path) -> list[Problem]:
    """``live_problems`` over a read-only connection of its own (for a worker process)."""
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        return live_problems(conn)
    finally:
        conn.close()


def live_problems(conn: sqlite3.Connection) -> list[Problem]:
    """What the live tables say that cannot be: stock that is not its movements, sales and returns
    whose parts do not add up."""
    return [*_stock_matches_movements(conn), *_sales_add_up(conn), *_returns_add_up(conn)]


def _stock_matches_movements(conn: sqlite3.Connection) -> list[Problem]:
    # Per product through the movements' product index: a third cheaper than summing every product's
    # movements first and joining the sums.
    row = conn.execute(
        "SELECT s.product_id, s.on_hand FROM main.stock s WHERE s.on_hand !="
        " (SELECT COALESCE(SUM(m.quantity), 0) FROM main.stock_movements m WHERE m.product_id = s.product_id)"
        " ORDER BY s.product_id LIMIT 1"
    ).fetchone()
    if row is None:
        return []
    total = conn.execute(
        "SELECT COALESCE(SUM(quantity), 0) FROM main.stock_movements WHERE product_id = ?", (row[0],)
    ).fetchone()[0]
    return [Problem(None, f"product {row[0]}: stock on hand {row[1]} but its movements sum to {total}.")]


def _sales_add_up(conn: sqlite3.Connection) -> list[Problem]:
    checks = (
        ("SELECT sale_seq, line_no FROM main.sale_lines WHERE net + tax != gross ORDER BY sale_seq LIMIT 1",
         "line {1}: net + tax does not equal gross."),
        ("SELECT s.seq FROM main.sales s JOIN (SELECT sale_seq, SUM(gross) g, SUM(tax) t,"
         " SUM(line_discount + cart_discount) d FROM main.sale_lines GROUP BY sale_seq) l ON l.sale_seq = s.seq"
         " WHERE l.g != s.total OR l.t != s.tax_total OR l.d != s.discount_total ORDER BY s.seq LIMIT 1",
         "its lines do not add up to its total, tax or discount."),
        ("SELECT s.seq FROM main.sales s JOIN (SELECT sale_seq, SUM(amount) paid FROM main.sale_tenders"
         " GROUP BY sale_seq) t ON t.sale_seq = s.seq WHERE t.paid - s.change != s.total + s.rounding"
         " OR s.change < 0 ORDER BY s.seq LIMIT 1",
         "its tenders minus change do not equal its total plus rounding."),
        ("SELECT sale_seq, line_no FROM main.sale_lines WHERE returned_quantity > quantity ORDER BY sale_seq LIMIT 1",
         "line {1}: more was returned than was sold."),
    )
    problems = []
    for sql, message in checks:
        row = conn.execute(sql).fetchone()
        if row is not None:
            problems.append(Problem(row[0], "sale " + message.format(*row)))
    return problems


def _returns_add_up(conn: sqlite3.Connection) -> list[Problem]:
    row = conn.execute(
        "SELECT r.seq FROM main.returns r"
        " JOIN (SELECT return_seq, SUM(gross) g FROM main.return_lines GROUP BY return_seq) l"
        " ON l.return_seq = r.seq"
        " JOIN (SELECT return_seq, SUM(amount) paid FROM main.return_refunds GROUP BY return_seq) f"
        " ON f.return_seq = r.seq"
        " WHERE l.g != r.refund_total OR f.paid != r.refund_total + r.rounding ORDER BY r.seq LIMIT 1"
    ).fetchone()
    return [] if row is None else [Problem(row[0], "return: its lines and refunds do not add up.")]
