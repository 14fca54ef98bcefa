"""The journal cannot be edited: the database refuses, and what is done behind its back is found.

These tests use raw sqlite3 connections, as someone with the file and a shell would.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.verify import VerifyReport, verify_ledger
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales

from .conftest import MILK_BARCODE, TEA_BARCODE, make_store


@pytest.fixture
def sold_store(store_path: Path) -> Path:
    """A sample store with three sales on top of its set-up entries."""
    session = make_store(store_path)
    for scan in (f"2*{TEA_BARCODE}", MILK_BARCODE, f"3*{MILK_BARCODE}"):
        cart = Cart().add(products.resolve_scan(session, scan))
        sales.complete_sale(session, cart, [Tender("cash", 200_000)])
    session.close()
    return store_path


@pytest.fixture
def raw(sold_store: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(sold_store, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    yield conn
    conn.close()


def _verify(path: Path) -> VerifyReport:
    ledger = open_ledger(path, read_only=True)
    try:
        return verify_ledger(ledger)
    finally:
        ledger.close()


def _sale_seqs(conn: sqlite3.Connection) -> list[int]:
    return [seq for (seq,) in conn.execute("SELECT seq FROM journal WHERE kind = 'sale.completed' ORDER BY seq")]


def _behind_the_triggers(conn: sqlite3.Connection, *statements: str) -> None:
    """What a tamperer does: drop the append-only triggers, edit, put the triggers back."""
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%no_%'"
    ).fetchall()
    conn.execute("BEGIN")
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        conn.execute(statement)
    for _, sql in triggers:
        conn.execute(sql)
    conn.execute("COMMIT")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE journal SET payload = '{}' WHERE seq = 3",
        "UPDATE journal SET user = 'someone' WHERE seq = 1",
        "DELETE FROM journal WHERE seq = (SELECT MAX(seq) FROM journal)",
        "UPDATE postings SET amount = amount + 1 WHERE seq = (SELECT MAX(seq) FROM postings)",
        "DELETE FROM postings WHERE seq = (SELECT MAX(seq) FROM postings)",
    ],
)
def test_the_database_refuses_to_update_or_delete_journal_and_postings(raw: sqlite3.Connection, statement: str) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute(statement)


def _next_entry(conn: sqlite3.Connection) -> tuple[int, str]:
    seq, digest = conn.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
    return seq + 1, digest


def _insert_entry(conn: sqlite3.Connection, seq: int, prev_hash: str) -> None:
    conn.execute(
        "INSERT INTO journal (seq, event_id, at, day, store, terminal, user, kind, payload, prev_hash, hash)"
        " VALUES (?, ?, '2024-01-01T00:00:00.000000Z', '2024-01-01', 's', 'T9', 'mallory', 'sale.completed', '{}',"
        " ?, 'x')",
        (seq, f"evil-{seq}", prev_hash),
    )


def test_an_unbalanced_entry_is_refused_by_the_database_itself(raw: sqlite3.Connection) -> None:
    seq, prev_hash = _next_entry(raw)
    raw.execute("BEGIN IMMEDIATE")
    raw.execute("INSERT INTO postings (seq, leg, account, amount) VALUES (?, 0, 'assets:cash:drawer:T1', 100)", (seq,))
    raw.execute("INSERT INTO postings (seq, leg, account, amount) VALUES (?, 1, 'income:sales', -99)", (seq,))
    with pytest.raises(sqlite3.IntegrityError, match="unbalanced journal entry"):
        _insert_entry(raw, seq, prev_hash)
    raw.execute("ROLLBACK")


def test_postings_without_their_journal_entry_cannot_be_committed(raw: sqlite3.Connection) -> None:
    seq, _ = _next_entry(raw)
    raw.execute("BEGIN IMMEDIATE")
    raw.execute("INSERT INTO postings (seq, leg, account, amount) VALUES (?, 0, 'assets:cash:drawer:T1', 0)", (seq,))
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        raw.execute("COMMIT")
    raw.execute("ROLLBACK")


def test_postings_cannot_be_added_to_an_entry_already_recorded(raw: sqlite3.Connection) -> None:
    last_sale = _sale_seqs(raw)[-1]
    with pytest.raises(sqlite3.IntegrityError, match="cannot be added to"):
        raw.execute("INSERT INTO postings (seq, leg, account, amount) VALUES (?, 99, 'income:sales', 0)", (last_sale,))


def test_an_entry_that_does_not_extend_the_chain_is_refused(raw: sqlite3.Connection) -> None:
    seq, prev_hash = _next_entry(raw)
    with pytest.raises(sqlite3.IntegrityError, match="does not extend the chain"):
        _insert_entry(raw, seq + 1, prev_hash)  # a gap
    with pytest.raises(sqlite3.IntegrityError, match="does not extend the chain"):
        _insert_entry(raw, seq, "f" * 64)  # a fork


def test_an_untouched_store_verifies(sold_store: Path) -> None:
    report = _verify(sold_store)
    assert report.ok, report.problems
    assert report.entries == report.head.seq


def test_a_payload_edited_behind_the_triggers_is_reported_at_its_seq(raw: sqlite3.Connection, sold_store: Path) -> None:
    target = _sale_seqs(raw)[1]
    payload = json.loads(raw.execute("SELECT payload FROM journal WHERE seq = ?", (target,)).fetchone()[0])
    payload["tenders"][0]["amount"] -= 100_000
    edited = json.dumps(payload, sort_keys=True, separators=(",", ":")).replace("'", "''")
    _behind_the_triggers(raw, f"UPDATE journal SET payload = '{edited}' WHERE seq = {target}")
    report = _verify(sold_store)
    assert not report.ok
    assert report.problems[0].seq == target
    assert "do not match its hash" in report.problems[0].message


def test_a_posting_amount_edited_behind_the_triggers_is_reported_at_its_seq(
    raw: sqlite3.Connection, sold_store: Path
) -> None:
    target = _sale_seqs(raw)[0]
    _behind_the_triggers(
        raw,
        f"UPDATE postings SET amount = amount - 500 WHERE seq = {target} AND account = 'income:sales'",
        f"UPDATE postings SET amount = amount + 500 WHERE seq = {target} AND account LIKE 'assets:cash:%'",
    )
    report = _verify(sold_store)
    assert [p.seq for p in report.problems][:1] == [target]
    assert "edited" in report.problems[0].message


def test_a_deleted_tail_entry_leaves_projections_the_journal_cannot_explain(
    raw: sqlite3.Connection, sold_store: Path
) -> None:
    recorded_head = _verify(sold_store).head  # e.g. printed on last night's Z report
    last = _sale_seqs(raw)[-1]
    _behind_the_triggers(raw, f"DELETE FROM postings WHERE seq = {last}", f"DELETE FROM journal WHERE seq = {last}")
    report = _verify(sold_store)
    assert not report.ok
    assert any(p.seq == last and "sales row" in p.message for p in report.problems), report.problems
    assert report.head != recorded_head


def test_a_tail_cut_cleanly_is_caught_only_by_the_head_kept_elsewhere(store_path: Path) -> None:
    """Cut the journal AND every row derived from it: the chain is consistent with itself, the head is not.

    The cleanest cut there is: the whole file put back as it was before the last sale (every
    projection of every area included), which is what a careful tamperer's edits would amount to.
    """
    session = make_store(store_path)
    sales.complete_sale(session, Cart().add(products.resolve_scan(session, TEA_BARCODE)), [Tender("cash", 200_000)])
    before_last_sale = store_path.with_name("before-last-sale.db")
    session.ledger.conn.execute("VACUUM INTO ?", (str(before_last_sale),))
    sales.complete_sale(session, Cart().add(products.resolve_scan(session, MILK_BARCODE)), [Tender("cash", 200_000)])
    session.close()
    recorded_head = _verify(store_path).head  # e.g. printed on last night's Z report

    for leftover in (store_path.with_name(store_path.name + "-wal"), store_path.with_name(store_path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(before_last_sale, store_path)
    report = _verify(store_path)
    assert report.ok, report.problems
    assert report.head.seq == recorded_head.seq - 1  # why the head goes on every Z report and snapshot


def test_two_entries_swapped_in_the_chain_are_reported_where_the_order_breaks(
    raw: sqlite3.Connection, sold_store: Path
) -> None:
    first, second = _sale_seqs(raw)[:2]
    assert second == first + 1
    _behind_the_triggers(
        raw,
        "PRAGMA defer_foreign_keys = ON",
        *(f"UPDATE {t} SET seq = -1 WHERE seq = {first}" for t in ("postings", "journal")),
        *(f"UPDATE {t} SET seq = {first} WHERE seq = {second}" for t in ("postings", "journal")),
        *(f"UPDATE {t} SET seq = {second} WHERE seq = -1" for t in ("postings", "journal")),
    )
    report = _verify(sold_store)
    assert not report.ok
    assert report.problems[0].seq == first
    assert "chain" in report.problems[0].message or "edited" in report.problems[0].message
