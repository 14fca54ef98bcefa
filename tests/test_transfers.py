"""Stock transfers at the till: a store requests and ships (with head office's approval reference),
another receives by count; each step is a journal event that moves stock, `pos db verify` replays
them, and every refusal says what to do and changes nothing."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from pos_tui.domain.errors import InvalidAmount, InvalidInput, NotFound, RuleViolation
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.verify import verify_ledger
from pos_tui.services.catalog import products
from pos_tui.services.inventory import transfers
from pos_tui.services.session import Session

from .conftest import MILK, TEA, assert_verifies, make_store


def pos(store_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pos_tui.cli.main", *args, "--db", str(store_path)],
                          capture_output=True, text=True)


def on_hand(session: Session, product_id: int) -> int:
    return products.get_product(session, product_id).on_hand


@pytest.fixture
def stores(tmp_path: Path) -> tuple[Session, Session]:
    sender, receiver = make_store(tmp_path / "a.db"), make_store(tmp_path / "b.db")
    yield sender, receiver
    sender.close()
    receiver.close()
    for name in "ab":
        assert_verifies(tmp_path / f"{name}.db")


def _store_id(session: Session) -> str:
    return session.ledger.store_info().store_id


def test_a_transfer_is_requested_shipped_and_received_moving_stock_at_each_end(stores: tuple[Session, Session]) -> None:
    a, b = stores
    made = transfers.request(a, _store_id(b), [("TEA-200", 12_000), ("MILK-1L", 5_000)])
    assert made.transfer_id == f"TR-{_store_id(a)[:8]}-1" and made.state == "requested"
    assert on_hand(a, TEA) == 100_000  # a request moves nothing
    shipped, alerts = transfers.ship(a, made.transfer_id, "ap-7f3a9c")
    assert (shipped.state, shipped.approval_ref, alerts) == ("shipped", "AP-7F3A9C", [])
    assert (on_hand(a, TEA), on_hand(a, MILK)) == (88_000, 45_000)
    got = transfers.receive(b, made.transfer_id, [("TEA-200", 11_000), ("MILK-1L", 5_000)], "damaged")
    assert (got.direction, got.state, got.reason, got.other_store) == ("in", "received", "damaged", _store_id(a)[:8])
    assert (on_hand(b, TEA), on_hand(b, MILK)) == (111_000, 55_000)
    with closing(sqlite3.connect(a.ledger.path)) as conn:
        postings = conn.execute("SELECT p.account, p.amount FROM postings p JOIN journal j USING (seq)"
                                " WHERE j.kind = 'transfer.shipped' ORDER BY p.account").fetchall()
    assert postings == [("assets:inventory", -(12 * 37000 + 5 * 24000)),
                        ("assets:inventory-in-transit", 12 * 37000 + 5 * 24000)]
    second = transfers.request(a, _store_id(b), [("TEA-200", 1_000)])
    assert second.transfer_id.endswith("-2")
    assert [t.transfer_id for t in transfers.list_transfers(a, state="requested")] == [second.transfer_id]


def _head(session: Session) -> int:
    return session.ledger.head().seq


def test_refusals_say_what_to_do_and_change_nothing(stores: tuple[Session, Session]) -> None:
    a, b = stores
    made = transfers.request(a, _store_id(b), [("TEA-200", 2_000)])
    before = _head(a), on_hand(a, TEA)
    with pytest.raises(RuleViolation, match=r"is not approved.*pos hq transfer approve"):
        transfers.ship(a, made.transfer_id, "")
    with pytest.raises(InvalidInput, match="not an approval reference"):
        transfers.ship(a, made.transfer_id, "yes")
    with pytest.raises(NotFound, match="no transfer TR-"):
        transfers.ship(a, f"TR-{_store_id(a)[:8]}-99", "AP-000001")
    with pytest.raises(InvalidAmount, match="cannot be negative"):
        transfers.parse_line("TEA-200:-3")
    with pytest.raises(InvalidAmount, match="cannot be negative"):
        transfers.ship(a, made.transfer_id, "AP-000001", [("TEA-200", -3_000)])
    with pytest.raises(InvalidInput, match="another store"):
        transfers.request(a, _store_id(a), [("TEA-200", 1_000)])
    with pytest.raises(RuleViolation, match="this store's own"):
        transfers.receive(a, made.transfer_id, [("TEA-200", 2_000)])
    assert (_head(a), on_hand(a, TEA)) == before
    transfers.ship(a, made.transfer_id, "AP-000001")
    with pytest.raises(RuleViolation, match="already shipped"):
        transfers.ship(a, made.transfer_id, "AP-000001")
    transfers.receive(b, made.transfer_id, [("TEA-200", 2_000)])
    before_b = _head(b), on_hand(b, TEA)
    with pytest.raises(RuleViolation, match="already received here"):
        transfers.receive(b, made.transfer_id, [("TEA-200", 2_000)])
    with pytest.raises(RuleViolation, match="came to this store"):
        transfers.ship(b, made.transfer_id, "AP-000001")
    assert (_head(b), on_hand(b, TEA)) == before_b


def test_shipping_more_than_the_shelf_holds_is_recorded_with_an_alert(stores: tuple[Session, Session]) -> None:
    a, b = stores
    made = transfers.request(a, _store_id(b), [("TEA-200", 130_000)])
    shipped, alerts = transfers.ship(a, made.transfer_id, "AP-00000A")
    assert shipped.state == "shipped" and on_hand(a, TEA) == -30_000
    assert alerts == ["TEA-200 is now at -30 in this store's stock: count it (`pos stock adjust`)."]


def test_the_commands_tell_the_story_and_refuse_in_sentences(tmp_path: Path) -> None:
    a, b = make_store(tmp_path / "a.db"), make_store(tmp_path / "b.db")
    to = _store_id(b)
    a.close()
    b.close()
    asked = pos(tmp_path / "a.db", "transfer", "request", "TEA-200:3", "--to", to)
    assert asked.returncode == 0, asked.stderr
    tid = asked.stdout.split()[0]
    unapproved = pos(tmp_path / "a.db", "transfer", "ship", tid)
    assert unapproved.returncode != 0 and "is not approved" in unapproved.stderr + unapproved.stdout
    assert "Traceback" not in unapproved.stderr
    negative = pos(tmp_path / "b.db", "transfer", "receive", tid, "TEA-200:-1")
    assert negative.returncode != 0 and "cannot be negative" in negative.stderr + negative.stdout
    shipped = pos(tmp_path / "a.db", "transfer", "ship", tid, "--approval", "AP-12AB34")
    assert shipped.returncode == 0 and "shipped" in shipped.stdout, shipped.stderr
    got = pos(tmp_path / "b.db", "transfer", "receive", tid, "TEA-200:2", "--reason", "damaged")
    assert got.returncode == 0, got.stderr
    again = pos(tmp_path / "b.db", "transfer", "receive", tid, "TEA-200:2")
    assert again.returncode != 0 and "already received" in again.stderr + again.stdout
    shown = pos(tmp_path / "b.db", "transfer", "show", tid)
    assert shown.returncode == 0 and "received" in shown.stdout and "reason: damaged" in shown.stdout
    listed = pos(tmp_path / "a.db", "transfer", "list")
    assert f"{tid}" in listed.stdout and "1 transfer(s)." in listed.stdout
    for name in "ab":
        assert_verifies(tmp_path / f"{name}.db")


@pytest.mark.parametrize(("table", "edit"), [
    ("transfers", "UPDATE transfers SET state = 'requested'"),
    ("transfer_lines", "UPDATE transfer_lines SET shipped = shipped + 1000"),
    ("stock_movements", "DELETE FROM stock_movements WHERE reason LIKE 'transfer:%'"),
])
def test_a_transfer_row_edited_by_hand_is_named(tmp_path: Path, table: str, edit: str) -> None:
    a = make_store(tmp_path / "a.db")
    made = transfers.request(a, "another-store", [("TEA-200", 2_000)])
    transfers.ship(a, made.transfer_id, "AP-ABCDEF")
    a.close()
    assert_verifies(tmp_path / "a.db")
    copy = tmp_path / "edited.db"
    shutil.copyfile(tmp_path / "a.db", copy)
    with closing(sqlite3.connect(copy)) as conn, conn:
        conn.execute(edit)
    ledger = open_ledger(copy, read_only=True)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    assert table in [problem.message.split(" row ")[0] for problem in report.problems]
