"""``pos db verify --since-witness``: the whole chain checked every time, the projections replayed
only from the checkpoint the last passing run kept. An edit before the checkpoint, of an entry or of
a projection row, is still caught; without a usable checkpoint it replays everything and says so."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from pos_tui.cli.db_cmd import db_app
from pos_tui.config import Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.ledger.chain_check import EDITED
from pos_tui.ledger.checkpoint import FORMAT, HEAD_FILE, default_directory
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.verify import Problem, VerifyReport, verify_ledger
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session, open_session

from .conftest import MILK_BARCODE, SAMPLE_PRODUCTS, TEA, TEA_BARCODE, make_store
from .test_verify_parallel import _behind_the_triggers


def _sell(session: Session, count: int) -> None:
    for n in range(count):
        cart = Cart().add(products.resolve_scan(session, f"{n % 3 + 1}*{(TEA_BARCODE, MILK_BARCODE)[n % 2]}"))
        sales.complete_sale(session, cart, [Tender("cash", 500_000)])


def _verify_since(path: Path, processes: int = 0) -> VerifyReport:
    ledger = open_ledger(path, read_only=True)
    try:
        return verify_ledger(ledger, processes=processes, checkpoint_dir=default_directory(path))
    finally:
        ledger.close()


def assert_verifies_since(path: Path, processes: int = 0) -> VerifyReport:
    report = _verify_since(path, processes)
    assert report.ok, "pos db verify --since-witness failed: " + "; ".join(str(p) for p in report.problems)
    return report


def _head(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        head: int = conn.execute("SELECT MAX(seq) FROM journal").fetchone()[0]
    return head


@pytest.fixture
def checkpointed(store_path: Path) -> Path:
    """A store verified once with --since-witness (a checkpoint kept at its head), then ten more sales."""
    session = make_store(store_path)
    _sell(session, 5)
    first = assert_verifies_since(store_path)
    assert first.checkpoint is None and first.no_checkpoint_because == "no checkpoint was kept yet"
    _sell(session, 10)
    session.close()
    return store_path


@pytest.mark.parametrize("processes", [0, 1])
def test_the_second_run_replays_only_the_entries_after_the_checkpoint(checkpointed: Path, processes: int) -> None:
    kept = json.loads((default_directory(checkpointed) / HEAD_FILE).read_text())["seq"]

    report = assert_verifies_since(checkpointed, processes)

    assert report.checkpoint is not None and report.checkpoint.seq == kept
    assert report.entries == _head(checkpointed) - kept > 0
    # and it kept a new checkpoint at this head, from which a third run replays nothing
    third = assert_verifies_since(checkpointed, processes)
    assert third.checkpoint is not None and third.checkpoint.seq == _head(checkpointed)
    assert third.entries == 0


def test_an_entry_edited_before_the_checkpoint_is_still_caught(checkpointed: Path) -> None:
    with closing(sqlite3.connect(checkpointed)) as conn:
        target = conn.execute("SELECT MIN(seq) FROM journal WHERE kind = 'sale.completed'").fetchone()[0]
        payload = json.loads(conn.execute("SELECT payload FROM journal WHERE seq = ?", (target,)).fetchone()[0])
    payload["total"] -= 100
    edited = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    _behind_the_triggers(checkpointed, f"UPDATE journal SET payload = '{edited}' WHERE seq = {target}")

    report = _verify_since(checkpointed)

    assert report.problems == [Problem(target, EDITED)]


@pytest.mark.parametrize(
    "edit",
    [
        f"UPDATE products SET cost = cost + 1 WHERE product_id = {TEA}",  # a row of the first entries
        "UPDATE sales SET total = total + 1 WHERE seq = (SELECT MAX(seq) FROM sales)",  # after the checkpoint
        f"UPDATE stock SET on_hand = on_hand + 1000 WHERE product_id = {TEA}",
        # The daybook's and reports' rows, carried forward from the checkpoint through their handlers
        # rather than derived again from the whole journal: a row the checkpoint holds, one that only
        # entries after it wrote, and a row that is not in the journal at all.
        "UPDATE money_movements SET amount = amount + 1 WHERE seq = (SELECT MIN(seq) FROM money_movements)",
        "UPDATE report_product_days SET net = net + 1 WHERE day = (SELECT MIN(day) FROM report_product_days)",
        "UPDATE report_sale_slices SET sales = sales - 1"
        " WHERE quarter = (SELECT MAX(quarter) FROM report_sale_slices)",
        "DELETE FROM report_tender_days WHERE day = (SELECT MIN(day) FROM report_tender_days)",
        "INSERT INTO report_group_days SELECT '2000-01-01', category, vendor, lines, returned_lines, net, tax,"
        " gross, cost FROM report_group_days LIMIT 1",
    ],
)
def test_a_hand_edit_of_a_projection_row_is_caught(checkpointed: Path, edit: str) -> None:
    with closing(sqlite3.connect(checkpointed)) as conn:
        conn.execute(edit)
        conn.commit()

    report = _verify_since(checkpointed)

    assert report.checkpoint is not None
    assert report.problems and "projections differ from a replay" in str(report.problems[0])


def test_the_summaries_follow_a_product_refiled_after_the_checkpoint(checkpointed: Path) -> None:
    """From a checkpoint the report summaries are the checkpoint's rows plus what the later sales'
    handlers add, each filed as its product stood then (the catalogue is replayed in the same pass)."""
    till = open_session(Settings(), checkpointed, username="admin")
    try:
        changed = dataclasses.replace(SAMPLE_PRODUCTS[0], category="Hot drinks", vendor="Lipton")
        products.change_product(till, TEA, changed)
        _sell(till, 4)
    finally:
        till.close()
    with closing(sqlite3.connect(checkpointed)) as conn:
        groups = {row for row in conn.execute("SELECT category, vendor FROM report_group_days")}
    assert ("Hot drinks", "Lipton") in groups

    report = assert_verifies_since(checkpointed)

    assert report.checkpoint is not None and report.entries == _head(checkpointed) - report.checkpoint.seq


def test_a_checkpoint_of_an_older_format_is_not_used(checkpointed: Path) -> None:
    """A format-1 checkpoint kept no daybook or report rows: going on from it would find every one missing."""
    head_file = default_directory(checkpointed) / HEAD_FILE
    head = json.loads(head_file.read_text())
    head_file.write_text(json.dumps({key: value for key, value in head.items() if key != "format"}))

    report = assert_verifies_since(checkpointed)

    assert report.checkpoint is None
    assert report.no_checkpoint_because == f"its checkpoint is of format 1, this pos keeps format {FORMAT}"


def test_a_checkpoint_the_journal_no_longer_holds_is_not_used(checkpointed: Path) -> None:
    head_file = default_directory(checkpointed) / HEAD_FILE
    head = json.loads(head_file.read_text())
    head_file.write_text(json.dumps({**head, "hash": "0" * 64}))

    report = assert_verifies_since(checkpointed)

    assert report.checkpoint is None
    why = f"the journal no longer has the checkpoint's head at seq {head['seq']}"
    assert report.no_checkpoint_because.startswith(why)
    assert report.entries == _head(checkpointed)


def test_the_command_says_where_the_replay_started(checkpointed: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    app = typer.Typer()
    app.add_typer(db_app, name="db")

    fresh = runner.invoke(app, ["db", "verify", "--db", str(checkpointed), "--since-witness",
                                "--checkpoint", str(tmp_path / "elsewhere")])
    again = runner.invoke(app, ["db", "verify", "--db", str(checkpointed), "--since-witness",
                                "--checkpoint", str(tmp_path / "elsewhere")])

    assert fresh.exit_code == 0, fresh.output
    assert "Projections replayed from the first entry: no checkpoint was kept yet." in fresh.output
    head = _head(checkpointed)
    assert f"Checkpoint kept at head seq {head}" in fresh.output
    assert again.exit_code == 0, again.output
    assert f"Projections replayed from seq {head + 1} on, onto the checkpoint kept at" in again.output
    assert f"entries 1-{head} were checked for chain, hashes, balances, time and witnesses, not replayed" in (
        again.output)
    assert f"projections (replayed from seq {head + 1}), stock" in again.output


def test_a_checkpoint_that_cannot_be_kept_is_said_and_the_books_still_pass(store_path: Path, tmp_path: Path) -> None:
    make_store(store_path).close()
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a directory")
    ledger = open_ledger(store_path, read_only=True)
    try:
        report = verify_ledger(ledger, processes=0, checkpoint_dir=in_the_way)
    finally:
        ledger.close()

    assert report.ok, report.problems
    assert report.not_kept_because
