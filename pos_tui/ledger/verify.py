"""``pos db verify``: prove the books are exact and untouched.

Checks, stopping at the first broken journal entry: the hash chain, that every entry balances,
that the projections equal a replay of the journal, that stock equals the sum of its movements,
and that each sale's lines, tax, tenders and change agree.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from pos_tui.ledger.database import GENESIS_HASH, JournalHead, Ledger
from pos_tui.ledger.journal import entries_after
from pos_tui.ledger.projections import PROJECTION_TABLES
from pos_tui.ledger.replay import ChainBroken, open_scratch, replay_all


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


def verify_ledger(ledger: Ledger, *, scratch_dir: Path | None = None) -> VerifyReport:
    report = VerifyReport(head=ledger.head())
    directory = scratch_dir or ledger.path.parent
    with tempfile.TemporaryDirectory(prefix=".pos-verify-", dir=directory) as tmp:
        scratch = open_scratch(Path(tmp) / "replay.db")
        try:
            try:
                report.entries = replay_all(entries_after(ledger, 0), scratch, journal=False)
            except ChainBroken as broken:
                report.problems.append(Problem(broken.seq, broken.message))
                return report
            except sqlite3.DatabaseError as error:
                report.problems.append(Problem(None, f"replaying the journal failed: {error}"))
                return report
            if report.entries != report.head.seq:
                report.problems.append(Problem(report.head.seq, "the journal head is not the last entry replayed."))
            report.problems.extend(compare_projections(scratch, ledger.path))
        finally:
            scratch.close()
    report.problems.extend(_stock_matches_movements(ledger.conn))
    report.problems.extend(_sales_add_up(ledger.conn))
    report.problems.extend(_returns_add_up(ledger.conn))
    return report


def compare_projections(scratch: Ledger, live_path: Path) -> list[Problem]:
    """Rows that differ between ``scratch``'s projection tables and those of the file at ``live_path``."""
    conn = scratch.conn
    # Percent-encode the path: a "#" or "?" in a folder name would otherwise end the URI's path part.
    conn.execute("ATTACH DATABASE ? AS live", (f"file:{quote(str(live_path.resolve()))}?mode=ro",))
    problems = []
    try:
        for table, key in PROJECTION_TABLES.items():
            problem = _first_difference(conn, table, key)
            if problem is not None:
                problems.append(problem)
    finally:
        conn.commit()
        conn.execute("DETACH DATABASE live")
    return problems


def _first_difference(conn: sqlite3.Connection, table: str, key: str) -> Problem | None:
    """The first row (by key) of ``live.table`` that the replay does not have exactly, else the first
    replayed row that live lacks.

    Each table's key is its primary key, so "no identical row on the other side" is "the row with the
    same key is absent or differs": one pass over live probing the replay by key, rather than two set
    differences that each sort a million rows. With none found, live rows map one-to-one onto
    replayed rows, so the replay has rows live lacks only if it has more of them.
    """
    columns = [row[1] for row in conn.execute(f"PRAGMA main.table_info({table})")]
    keys = [k.strip() for k in key.split(",")]
    joined = " AND ".join(f"r.{k} = l.{k}" for k in keys)
    differs = "".join(f" OR l.{c} IS NOT r.{c}" for c in columns if c not in keys)
    row = conn.execute(
        f"SELECT l.* FROM live.{table} l LEFT JOIN main.{table} r ON {joined}"
        f" WHERE r.{keys[0]} IS NULL{differs} ORDER BY {', '.join(f'l.{k}' for k in keys)} LIMIT 1"
    ).fetchone()
    what = "is not in the journal"
    if row is None:
        live_rows = conn.execute(f"SELECT COUNT(*) FROM live.{table}").fetchone()[0]
        if conn.execute(f"SELECT COUNT(*) FROM main.{table}").fetchone()[0] == live_rows:
            return None
        row = conn.execute(
            f"SELECT r.* FROM main.{table} r WHERE NOT EXISTS (SELECT 1 FROM live.{table} l WHERE {joined})"
            f" ORDER BY {', '.join(f'r.{k}' for k in keys)} LIMIT 1"
        ).fetchone()
        what = "is missing"
    return Problem(_seq_of(table, row), f"{table} row {tuple(row)} {what}: projections differ from a replay.")


def _seq_of(table: str, row: tuple[object, ...]) -> int | None:
    first = row[0]
    if table in {"stock_movements", "sales", "sale_lines", "sale_tenders", "returns", "return_lines"}:
        return first if isinstance(first, int) else None
    return None


def _stock_matches_movements(conn: sqlite3.Connection) -> list[Problem]:
    row = conn.execute(
        "SELECT s.product_id, s.on_hand, COALESCE(m.total, 0) FROM stock s"
        " LEFT JOIN (SELECT product_id, SUM(quantity) AS total FROM stock_movements GROUP BY product_id) m"
        " USING (product_id) WHERE s.on_hand != COALESCE(m.total, 0) LIMIT 1"
    ).fetchone()
    if row is None:
        return []
    return [Problem(None, f"product {row[0]}: stock on hand {row[1]} but its movements sum to {row[2]}.")]


def _sales_add_up(conn: sqlite3.Connection) -> list[Problem]:
    checks = (
        ("SELECT sale_seq, line_no FROM sale_lines WHERE net + tax != gross ORDER BY sale_seq LIMIT 1",
         "line {1}: net + tax does not equal gross."),
        ("SELECT s.seq FROM sales s JOIN (SELECT sale_seq, SUM(gross) g, SUM(tax) t,"
         " SUM(line_discount + cart_discount) d FROM sale_lines GROUP BY sale_seq) l ON l.sale_seq = s.seq"
         " WHERE l.g != s.total OR l.t != s.tax_total OR l.d != s.discount_total ORDER BY s.seq LIMIT 1",
         "its lines do not add up to its total, tax or discount."),
        ("SELECT s.seq FROM sales s JOIN (SELECT sale_seq, SUM(amount) paid FROM sale_tenders GROUP BY sale_seq) t"
         " ON t.sale_seq = s.seq WHERE t.paid - s.change != s.total + s.rounding OR s.change < 0"
         " ORDER BY s.seq LIMIT 1",
         "its tenders minus change do not equal its total plus rounding."),
        ("SELECT sale_seq, line_no FROM sale_lines WHERE returned_quantity > quantity ORDER BY sale_seq LIMIT 1",
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
        "SELECT r.seq FROM returns r"
        " JOIN (SELECT return_seq, SUM(gross) g FROM return_lines GROUP BY return_seq) l ON l.return_seq = r.seq"
        " JOIN (SELECT return_seq, SUM(amount) paid FROM return_refunds GROUP BY return_seq) f"
        " ON f.return_seq = r.seq"
        " WHERE l.g != r.refund_total OR f.paid != r.refund_total + r.rounding ORDER BY r.seq LIMIT 1"
    ).fetchone()
    return [] if row is None else [Problem(row[0], "return: its lines and refunds do not add up.")]
