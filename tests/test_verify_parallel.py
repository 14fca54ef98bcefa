"""On a big journal verify checks the chain in worker processes while it replays: whichever part of
the journal an edit is in, it is reported at its exact seq, in the same words as a check in one pass.

The edits are made with raw sqlite3 behind the append-only triggers, as someone with the file would.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from pos_tui.cli.db_cmd import db_app
from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.ledger.chain_check import CUT, EDITED, GAP, check_chain, split
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.verify import Problem, VerifyReport, verify_ledger
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales

from .conftest import MILK_BARCODE, TEA_BARCODE, make_store


@pytest.fixture
def busy_store(store_path: Path) -> Path:
    """The sample store after a day of small sales: set-up entries, then twenty sales."""
    session = make_store(store_path)
    for n in range(20):
        cart = Cart().add(products.resolve_scan(session, f"{n % 3 + 1}*{(TEA_BARCODE, MILK_BARCODE)[n % 2]}"))
        sales.complete_sale(session, cart, [Tender("cash", 500_000)])
    session.close()
    return store_path


def _verify(path: Path, processes: int) -> VerifyReport:
    ledger = open_ledger(path, read_only=True)
    try:
        return verify_ledger(ledger, processes=processes)
    finally:
        ledger.close()


def _head(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        head: int = conn.execute("SELECT MAX(seq) FROM journal").fetchone()[0]
    return head


def _first_seq_with_postings(path: Path, first: int, last: int) -> int:
    with closing(sqlite3.connect(path)) as conn:
        seq: int = conn.execute("SELECT MIN(seq) FROM postings WHERE seq BETWEEN ? AND ?", (first, last)).fetchone()[0]
    return seq


def _behind_the_triggers(path: Path, *statements: str) -> None:
    """Drop the append-only triggers, run the statements, put the triggers back."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%no_%'")
        saved = triggers.fetchall()
        conn.execute("BEGIN")
        for name, _ in saved:
            conn.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            conn.execute(statement)
        for _, sql in saved:
            conn.execute(sql)
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_an_untouched_store_verifies_the_same_with_worker_processes_as_without(busy_store: Path) -> None:
    alone, beside = _verify(busy_store, processes=0), _verify(busy_store, processes=2)
    assert alone.ok, alone.problems
    assert beside.ok, beside.problems
    assert alone.entries == beside.entries == _head(busy_store)


def test_a_sale_edited_in_the_second_half_is_reported_at_its_seq_by_the_worker_that_checks_it(
    busy_store: Path,
) -> None:
    head = _head(busy_store)
    second_half = split(1, head, 2)[1]
    target = second_half[0] + 3
    with closing(sqlite3.connect(busy_store)) as conn:
        payload = json.loads(conn.execute("SELECT payload FROM journal WHERE seq = ?", (target,)).fetchone()[0])
    assert "lines" in payload, "the target is a sale"
    payload["total"] -= 100
    edited = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    _behind_the_triggers(busy_store, f"UPDATE journal SET payload = '{edited}' WHERE seq = {target}")

    report = _verify(busy_store, processes=2)

    assert report.problems == [Problem(target, EDITED)]
    assert report.problems == _verify(busy_store, processes=0).problems


def test_an_entry_deleted_where_one_worker_hands_over_to_the_next_is_reported_where_the_chain_breaks(
    busy_store: Path,
) -> None:
    head = _head(busy_store)
    boundary = split(1, head, 2)[1][0]  # the first seq the second worker checks
    _behind_the_triggers(
        busy_store, f"DELETE FROM postings WHERE seq = {boundary}", f"DELETE FROM journal WHERE seq = {boundary}"
    )

    report = _verify(busy_store, processes=2)

    assert report.problems == [Problem(boundary + 1, GAP.format(expected=boundary))]
    assert report.problems == _verify(busy_store, processes=0).problems


def test_a_forged_link_at_the_start_of_a_worker_s_range_is_a_chain_cut_not_an_edit(busy_store: Path) -> None:
    head = _head(busy_store)
    boundary = split(1, head, 3)[2][0]
    _behind_the_triggers(busy_store, f"UPDATE journal SET prev_hash = '{'f' * 64}' WHERE seq = {boundary}")

    report = _verify(busy_store, processes=3)

    assert report.problems == [Problem(boundary, CUT)]
    assert report.problems == _verify(busy_store, processes=0).problems


def test_any_one_entry_edited_is_found_at_its_seq_however_the_journal_is_cut_into_ranges(
    busy_store: Path, tmp_path: Path
) -> None:
    head = _head(busy_store)
    for target in range(1, head + 1):
        copy = tmp_path / f"edited-{target}.db"
        shutil.copyfile(busy_store, copy)
        _behind_the_triggers(copy, f"UPDATE journal SET user = 'mallory' WHERE seq = {target}")
        found = {parts: check_chain(copy, head, parts=parts) for parts in (1, 2, 3, 5, head)}
        assert set(found.values()) == {(target, EDITED)}, (target, found)
        copy.unlink()


def test_of_two_edits_the_earlier_is_reported_even_when_its_worker_is_not_the_first_to_finish(
    busy_store: Path,
) -> None:
    head = _head(busy_store)
    first_range, second_range = split(1, head, 2)
    early = _first_seq_with_postings(busy_store, *first_range)  # the opening stock delivery
    late = second_range[0] + 1
    _behind_the_triggers(
        busy_store,
        f"UPDATE journal SET user = 'mallory' WHERE seq = {late}",
        f"UPDATE postings SET amount = amount + 1 WHERE seq = {early} AND leg = 0",
        f"UPDATE postings SET amount = amount - 1 WHERE seq = {early} AND leg = 1",
    )

    assert _verify(busy_store, processes=2).problems == [Problem(early, EDITED)]


def test_stock_changed_without_a_movement_is_reported_by_the_live_checks_beside_the_replay(busy_store: Path) -> None:
    with closing(sqlite3.connect(busy_store)) as conn:
        on_hand, moved = conn.execute(
            "SELECT on_hand, (SELECT SUM(quantity) FROM stock_movements WHERE product_id = 2) FROM stock"
            " WHERE product_id = 2"
        ).fetchone()
        conn.execute("UPDATE stock SET on_hand = on_hand + 1000 WHERE product_id = 2")
        conn.commit()

    problems = _verify(busy_store, processes=2).problems

    assert Problem(None, f"product 2: stock on hand {on_hand + 1000} but its movements sum to {moved}.") in problems
    assert any(p.message.startswith("stock row (2, ") for p in problems), problems


def test_pos_db_verify_with_worker_processes_names_the_edited_seq_and_exits_non_zero(busy_store: Path) -> None:
    target = _head(busy_store) - 2
    _behind_the_triggers(busy_store, f"UPDATE journal SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = {target}")
    app = typer.Typer()
    app.add_typer(db_app, name="db")

    result = CliRunner().invoke(app, ["db", "verify", "--db", str(busy_store), "--processes", "2"])

    assert result.exit_code == 1
    assert f"FAIL: seq {target}: {EDITED}" in result.output
