"""``pos db verify``: prove the books are exact and untouched.

Checks, stopping at the first broken journal entry: the hash chain, that every entry balances,
that the projections equal a replay of the journal, that stock equals the sum of its movements,
and that each sale's lines, tax, tenders and change agree.

The catalogue, stock, core, cash and staff tables are compared with a replay of every entry
through their handlers. The daybook's and the reports' tables only add up what the journal's
postings and the sales and returns hold: they are compared with the same rows derived in SQL
(``Area.derive``) from the store's journal and its sales and returns, themselves compared with the
replay. That is a second implementation rather than the same handlers run twice, so a slip in
either shows.

Then what the journal cannot vouch for by itself: that time moves forward (``clock_check``, on the
chain check's scan), and that the journal agrees with every witness recorded outside its chain
(``witness``: the Z reports' heads, and those the caller brings: backup manifests, typed heads).

Every entry is checked, every time. This process replays the catalogue and stock (most of a big
journal's work); on a big journal the chain check (each entry's hash can be checked on its own, see
``chain_check``), the replay of the other areas with the checks of the live tables, and the
derivation run at the same time in worker processes (``side_checks``), so on two cores the wall
time is about this replay's alone.
"""

from __future__ import annotations

import gc
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pos_tui.domain.customer_events import LOYALTY_LIABILITY, STORE_CREDIT_LIABILITY
from pos_tui.ledger.chain_check import (
    RangeCheck,
    RangeCheckProcess,
    check_range,
    first_problem,
    read_only_uri,
    rescan_clock,
    split,
)
from pos_tui.ledger.checkpoint import Checkpoint, keep, start_from, usable_checkpoint
from pos_tui.ledger.clock_check import DEFAULT_TOLERANCE_SECONDS, first_clock_problem
from pos_tui.ledger.database import GENESIS_HASH, SCHEMA_VERSION, JournalHead, Ledger, open_ledger
from pos_tui.ledger.projections import AREAS, CHECK_OF_TABLE, PROJECTION_TABLES, Check, checked_by, handlers_of
from pos_tui.ledger.projections.inventory import fill_stock_totals
from pos_tui.ledger.replay import derive_projections, open_scratch, reopen_scratch, replay_projections
from pos_tui.ledger.witness import Witness, WitnessReport, check_witnesses, z_witnesses
from pos_tui.ledger.worker_process import WorkerProcess

# From this many entries on, the chain and the side checks run in worker processes beside the replay:
# below it, starting a process (~0.3 s) costs more than it saves.
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
    witnesses: WitnessReport = field(default_factory=WitnessReport)
    # With a checkpoint directory (``--since-witness``): the checkpoint the projections were replayed
    # from (entries up to its seq were checked but not replayed), or None and why none was used.
    checkpoint: Checkpoint | None = None
    no_checkpoint_because: str = ""
    not_kept_because: str = ""  # a passing run could not keep its checkpoint (the directory not writable)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_ledger(
    ledger: Ledger,
    *,
    scratch_dir: Path | None = None,
    processes: int | None = None,
    witnesses: Sequence[Witness] = (),
    witness_report: WitnessReport | None = None,
    confirm_witness: Callable[[Witness], str] | None = None,
    clock_tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    checkpoint_dir: Path | None = None,
) -> VerifyReport:
    """Check the store behind ``ledger`` (call it outside a transaction).

    ``witnesses``: heads recorded outside the store (backup manifests, typed heads), checked with the
    store's own Z heads; ``witness_report`` carries what was found but not counted, to be reported.
    ``confirm_witness`` is asked about each witness that disagrees, before it fails the store: "" to
    count it, else why not (a manifest whose signature does not verify). Only a disagreeing witness
    needs proving: one that agrees cannot hide a forgery, whoever made it.
    ``clock_tolerance_seconds``: how far a terminal's clock may step back.

    ``processes``: worker processes for the chain check (the journal is cut into that many ranges),
    plus two for the side checks; 0 checks everything here, one step after another. By default one
    (and two) from ``PARALLEL_FROM`` entries on, none below.

    The live store is read in one snapshot (a read transaction held to the end), so tills may keep
    selling while it runs: what is checked is the store as it was when verify started.

    ``checkpoint_dir`` (``--since-witness``): the chain is checked whole as always, but the replayed
    areas start from the checkpoint kept there (``ledger/checkpoint.py``) when the journal still holds
    its head, replaying only the entries after it; a passing run keeps its replay there for the next.
    """
    conn = ledger.conn
    if conn.in_transaction:
        raise RuntimeError("verify_ledger reads the store in a snapshot of its own: call it outside a transaction")
    directory = scratch_dir or ledger.path.parent
    with tempfile.TemporaryDirectory(prefix=".pos-verify-", dir=directory) as tmp, _collector_paused():
        start, why_not = (None, "") if checkpoint_dir is None else (
            usable_checkpoint(conn, checkpoint_dir, SCHEMA_VERSION))
        if start is not None:
            start_from(start, Path(tmp))
        replayed = (Check.REPLAY, Check.REPLAY_BESIDE) if start is not None else ()
        replay_path = Path(tmp) / f"{SCRATCH_SCHEMAS[Check.REPLAY]}.db"
        scratch = reopen_scratch(replay_path) if start is not None else open_scratch(replay_path)
        for check, schema in SCRATCH_SCHEMAS.items():
            if check is not Check.REPLAY and check not in replayed:
                open_scratch(Path(tmp) / f"{schema}.db").close()
            conn.execute("ATTACH DATABASE ? AS ?", (read_only_uri(Path(tmp) / f"{schema}.db"), schema))
        try:
            conn.execute("BEGIN")
            try:
                report = VerifyReport(head=ledger.head(), witnesses=witness_report or WitnessReport(),
                                      checkpoint=start, no_checkpoint_because=why_not)
                report.witnesses.checks = check_witnesses(conn, [*z_witnesses(conn), *witnesses])
                if confirm_witness is not None:
                    _confirm_disagreeing(report.witnesses, confirm_witness)
                first = report.witnesses.first_disagreeing
                if first is not None:
                    report.problems.append(Problem(None, first.sentence()))
                report = _verify_snapshot(ledger, report, scratch, Path(tmp), processes, clock_tolerance_seconds,
                                          start.seq if start is not None else 0, from_checkpoint=start is not None)
            finally:
                scratch.close()
                conn.execute("COMMIT")
        finally:
            for schema in SCRATCH_SCHEMAS.values():
                conn.execute(f"DETACH DATABASE {schema}")
        if checkpoint_dir is not None and report.ok:
            try:
                if start is None:
                    _derived_into_replay(Path(tmp))
                keep(Path(tmp), checkpoint_dir, report.head.seq, report.head.hash, SCHEMA_VERSION)
            except (OSError, sqlite3.Error) as error:  # the books were checked all the same; the next run replays all
                report.not_kept_because = str(error)
        return report


# What each way of checking writes its rows into: a scratch file of that name, attached under it.
SCRATCH_SCHEMAS = {Check.REPLAY: "replay", Check.REPLAY_BESIDE: "beside", Check.DERIVE: "derived"}
# The ways done beside this process's replay (``side_checks``).
SIDE_CHECKS = (Check.REPLAY_BESIDE, Check.DERIVE)


def _derived_into_replay(directory: Path) -> None:
    """Before a checkpoint is kept from a run that derived the daybook and report tables: their rows,
    equal to the live ones, into the replay store, where a run from the checkpoint goes on from them
    through their handlers (``_verify_snapshot``'s ``from_checkpoint``)."""
    conn = sqlite3.connect(directory / f"{SCRATCH_SCHEMAS[Check.REPLAY]}.db", isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("ATTACH DATABASE ? AS derived",
                     (read_only_uri(directory / f"{SCRATCH_SCHEMAS[Check.DERIVE]}.db"),))
        conn.execute("BEGIN")
        for area in checked_by(Check.DERIVE):
            for table in area.tables:
                conn.execute(f"DELETE FROM main.{table}")
                conn.execute(f"INSERT INTO main.{table} SELECT * FROM derived.{table}")
        conn.execute("COMMIT")
    finally:
        conn.close()


def _verify_snapshot(
    ledger: Ledger, report: VerifyReport, scratch: Ledger, directory: Path, processes: int | None, tolerance: int,
    after: int = 0, *, from_checkpoint: bool = False,
) -> VerifyReport:
    """``from_checkpoint``: ``scratch`` and the beside store hold a checkpoint's replay up to ``after``,
    the derived areas' rows included (``_derived_into_replay``): those areas then follow the entries
    after it through their handlers in this process's replay, instead of being derived again from the
    whole journal (see ``Area`` for what their handlers may read)."""
    head = report.head.seq
    side_ways = (Check.REPLAY_BESIDE,) if from_checkpoint else SIDE_CHECKS
    here = tuple(area for area in AREAS
                 if area.check is Check.REPLAY or (from_checkpoint and area.check is Check.DERIVE))
    schemas = {**SCRATCH_SCHEMAS, Check.DERIVE: SCRATCH_SCHEMAS[Check.REPLAY]} if from_checkpoint else SCRATCH_SCHEMAS
    if processes is None:
        processes = 1 if head >= PARALLEL_FROM else 0
    ranges = split(1, head, max(processes, 1))
    if processes <= 0:
        checked = [check_range(ledger.path, first, last, tolerance_seconds=tolerance) for first, last in ranges]
        if not _chain_and_clock(ledger.path, checked, ranges, tolerance, report):
            return report
    # Beside the replay: the chain in ``processes`` ranges, and the side checks in two more processes.
    # They read only entries up to the head read above, or tables that add up by themselves, so tills
    # selling meanwhile change nothing they find.
    workers = [RangeCheckProcess(ledger.path, *part, tolerance) for part in ranges] if processes > 0 else []
    side_processes = (
        [SideCheckProcess(ledger.path, directory, head, check, after) for check in side_ways] if workers else []
    )
    try:
        try:
            report.entries = replay_projections(ledger, scratch, handlers_of(here), after_seq=after)
            with scratch.write() as scratch_conn:
                fill_stock_totals(scratch_conn)
                if from_checkpoint:  # a derived area no handler follows is derived again from the replay
                    for area in here:
                        if area.check is Check.DERIVE and not area.handlers and area.derive is not None:
                            area.derive(scratch_conn, "main", head)
            replay_failure = None
        except Exception as error:  # a broken chain explains it; else it is reported below
            replay_failure = str(error)
        if workers and not _chain_and_clock(ledger.path, [w.result() for w in workers], ranges, tolerance, report):
            return report
        if replay_failure is not None:
            report.problems.append(Problem(None, f"replaying the journal failed: {replay_failure}"))
            return report
        if report.entries != head - after:
            report.problems.append(Problem(head, "the journal head is not the last entry replayed."))
        scratch.close()  # committed; its page cache is no longer needed
        # This process's own tables first, while the side checks may still be running.
        report.problems.extend(_compare(ledger.conn, schemas, Check.REPLAY))
        sides = [side.result() for side in side_processes] or [
            side_checks(ledger.path, directory, head, check, after) for check in side_ways
        ]
        failure = next((side.failure for side in sides if side.failure), None)
        if failure is not None:
            report.problems.append(Problem(None, failure))
            return report
        report.problems.extend(_compare(ledger.conn, schemas, Check.REPLAY_BESIDE, Check.DERIVE))
        if any(problem.message.startswith(("stock ", "stock_movements ")) for problem in report.problems):
            report.problems.extend(stock_problems(ledger.conn))
        report.problems.extend(problem for side in sides for problem in side.live_problems)
    finally:
        for worker in workers:
            worker.stop()
        for side in side_processes:
            side.stop()
    return report


def _confirm_disagreeing(report: WitnessReport, confirm: Callable[[Witness], str]) -> None:
    """Leave out (and name) each disagreeing witness ``confirm`` does not vouch for."""
    kept = []
    for check in report.checks:
        why = "" if check.agrees else confirm(check.witness)
        if why:
            report.skipped.append(why)
        else:
            kept.append(check)
    report.checks = kept


def _chain_and_clock(
    path: Path, checks: list[RangeCheck], ranges: list[tuple[int, int]], tolerance: int, report: VerifyReport
) -> bool:
    """Put the ranges' chain and clock checks together; False (with the problem reported) if the chain
    is broken, for nothing after it can be trusted. A clock problem is reported and verify goes on."""
    broken = first_problem(checks)
    if broken is not None:
        report.problems.append(Problem(*broken))
        return False
    summaries = [(index, check.clock) for index, check in enumerate(checks) if check.clock is not None]
    late = first_clock_problem(
        summaries, tolerance, lambda index, state: rescan_clock(path, *ranges[index], tolerance, state)
    )
    if late is not None:
        report.problems.append(Problem(*late))
    return True


def _compare(conn: sqlite3.Connection, schemas: dict[Check, str], *checks: Check) -> list[Problem]:
    """The live tables checked in these ways against the scratch stores they were rebuilt in (each
    way's attached under its name in ``schemas``)."""
    tables = {table: key for table, key in PROJECTION_TABLES.items() if CHECK_OF_TABLE[table] in checks}
    for check in checks:
        conn.execute(f"PRAGMA {schemas[check]}.cache_size = -{COMPARE_CACHE_KIB}")
    # A table gone from the live store (dropped by hand, or a migration never applied) is a finding, not a crash.
    present = {name for (name,) in conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
    missing = [Problem(None, f"the table {table} is missing from the store (dropped, or a migration was never"
                             " applied): restore a snapshot (`pos backup restore`).")
               for table in tables if table not in present]
    tables = {table: key for table, key in tables.items() if table in present}
    expected = {table: schemas[CHECK_OF_TABLE[table]] for table in tables}
    return missing + projection_differences(conn, live="main", expected=expected, tables=tables)


@dataclass(frozen=True)
class SideChecks:
    failure: str  # why the replay beside or the derivation failed, or ""
    live_problems: list[Problem]


def side_checks(live_path: Path, directory: Path, through_seq: int, check: Check, after_seq: int = 0) -> SideChecks:
    """What verify does beside its own replay, up to ``through_seq``, for the areas checked by
    ``check``: replay them into ``directory``'s beside scratch store (from ``after_seq``, what it
    holds already) and check the live tables (REPLAY_BESIDE), or derive them into its derived store
    (DERIVE, always from the first entry)."""
    failure = ""
    if check is Check.DERIVE:
        try:
            derive_projections(live_path, directory / f"{SCRATCH_SCHEMAS[check]}.db", through_seq)
        except sqlite3.Error as error:
            failure = f"deriving the daybook and report tables failed: {error}"
        return SideChecks(failure, [])
    source = open_ledger(live_path, read_only=True)
    beside = reopen_scratch(directory / f"{SCRATCH_SCHEMAS[check]}.db")
    try:
        replay_projections(source, beside, handlers_of(checked_by(check)), through_seq=through_seq, after_seq=after_seq)
    except Exception as error:  # reported, as the main replay's failure is
        failure = f"replaying the journal failed: {error}"
    finally:
        beside.close()
        source.close()
    conn = sqlite3.connect(read_only_uri(live_path), uri=True)
    try:
        return SideChecks(failure, live_problems(conn))
    finally:
        conn.close()


class SideCheckProcess:
    """``side_checks`` in a process of its own."""

    def __init__(self, live_path: Path, directory: Path, through_seq: int, check: Check, after_seq: int = 0) -> None:
        self._worker = WorkerProcess(
            __name__, str(live_path.resolve()), str(directory.resolve()), str(through_seq), check.name, str(after_seq),
            what="verify side check",
        )

    def result(self) -> SideChecks:
        data = self._worker.result()
        return SideChecks(data["failure"], [Problem(seq, message) for seq, message in data["live"]])

    def stop(self) -> None:
        self._worker.stop()


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
        return projection_differences(conn, live="live", expected="main")
    finally:
        conn.commit()
        conn.execute("DETACH DATABASE live")


def projection_differences(
    conn: sqlite3.Connection, *, live: str, expected: str | dict[str, str], tables: dict[str, str] = PROJECTION_TABLES
) -> list[Problem]:
    """The first differing row of each of ``tables`` (all projection tables by default), between
    schemas of one connection: ``live`` against ``expected``, one schema for all or one per table."""
    problems = []
    for table, key in tables.items():
        other = expected if isinstance(expected, str) else expected[table]
        problem = _first_difference(conn, table, key, live, other)
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


def live_problems(conn: sqlite3.Connection) -> list[Problem]:
    """What the live tables say that cannot be: sales and returns whose parts do not add up."""
    problems: list[Problem] = []
    for check in (_sales_add_up, _returns_add_up, _gift_cards_add_up, _customer_balances_add_up):
        try:
            problems.extend(check(conn))
        except sqlite3.OperationalError as error:  # a table it reads is gone: said (once), never a traceback
            gone = Problem(None, f"the store's tables could not be checked ({error}): restore a snapshot"
                                 " (`pos backup restore`).")
            if gone not in problems:
                problems.append(gone)
    return problems


def _gift_cards_add_up(conn: sqlite3.Connection) -> list[Problem]:
    """The gift-card liability in the books equals what the cards hold, and no card holds less than nothing."""
    booked = conn.execute(
        "SELECT COALESCE(-SUM(amount), 0) FROM main.postings WHERE account = 'liabilities:gift-cards'"
    ).fetchone()[0]
    held = conn.execute("SELECT COALESCE(SUM(delta), 0) FROM main.gift_card_moves").fetchone()[0]
    problems = []
    if booked != held:
        problems.append(Problem(None, f"gift cards hold {held} in all but liabilities:gift-cards is {booked}."))
    row = conn.execute(
        "SELECT number FROM main.gift_card_moves GROUP BY number HAVING SUM(delta) < 0 ORDER BY number LIMIT 1"
    ).fetchone()
    if row is not None:
        problems.append(Problem(None, f"gift card {row[0]} holds less than nothing."))
    return problems


def _customer_balances_add_up(conn: sqlite3.Connection) -> list[Problem]:
    """The loyalty and store-credit liabilities in the books equal what the customers hold (their activity
    rows added up). A single balance may be below zero where the shop allows it, so only the sums count."""
    problems = []
    for account, column, what in ((LOYALTY_LIABILITY, "points_value", "points worth"),
                                  (STORE_CREDIT_LIABILITY, "credit", "store credit of")):
        booked = conn.execute(
            "SELECT COALESCE(-SUM(amount), 0) FROM main.postings WHERE account = ?", (account,)).fetchone()[0]
        held = conn.execute(f"SELECT COALESCE(SUM({column}), 0) FROM main.customer_activity").fetchone()[0]
        if booked != held:
            problems.append(Problem(None, f"customers hold {what} {held} in all but {account} is {booked}."))
    return problems


def stock_problems(conn: sqlite3.Connection) -> list[Problem]:
    """A product whose stock on hand is not the sum of its movements.

    Verify needs this only to say so plainly: a replay's stock is its movements' sum by construction
    (on hand moves only with a movement), so once both tables equal the replay's the live stock is
    its movements' sum too, and when either differs this names the product.
    """
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
        # Gift cards sold or reloaded are paid for on top of the goods' total (a liability, not a sale).
        ("SELECT s.seq FROM main.sales s JOIN (SELECT sale_seq, SUM(amount) paid FROM main.sale_tenders"
         " GROUP BY sale_seq) t ON t.sale_seq = s.seq LEFT JOIN (SELECT seq, SUM(amount) loaded"
         " FROM main.gift_card_moves WHERE kind IN ('sold', 'reloaded') GROUP BY seq) g ON g.seq = s.seq"
         " WHERE t.paid - s.change != s.total + s.rounding + COALESCE(g.loaded, 0)"
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


def worker_main(argv: list[str]) -> dict[str, Any]:
    """``side_checks`` of ``LIVE DIRECTORY THROUGH_SEQ CHECK AFTER_SEQ`` for ``SideCheckProcess``."""
    side = side_checks(Path(argv[0]), Path(argv[1]), int(argv[2]), Check[argv[3]], int(argv[4]))
    return {"failure": side.failure, "live": [[p.seq, p.message] for p in side.live_problems]}
