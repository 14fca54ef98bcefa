"""Scenario 8 of the chain: stock transfers between stores, on real PostgreSQL, NATS and processes.
Each step is an event of the store that took it, and head office accepts them in any arrival order:
at rest in-transit is back to 0 and what did not arrive is shrinkage."""

from __future__ import annotations

import itertools
from pathlib import Path

import psycopg
import pytest

from pos_tui.services.chain.wire import ChainEvent
from pos_tui.services.hq import schema, stores
from pos_tui.services.hq.ingest import ingest
from pos_tui.services.inventory import transfers
from pos_tui.services.session import Session
from tests.chain.conftest import HeadOffice, pos, sell
from tests.chain.helpers import wait_for
from tests.conftest import TEA_BARCODE, assert_verifies, make_store
from tests.forgeries import journal_of
from tests.support.chain_servers import PostgresCluster


def _store_id(session: Session) -> str:
    return session.ledger.store_info().store_id


def _stock_is_the_sum_of_each_stores_movements(hq: HeadOffice) -> None:
    held = hq.query("SELECT store, product_id, on_hand FROM hq_stock ORDER BY 1, 2")
    summed = hq.query("SELECT store, product_id, sum(quantity) FROM hq_stock_movements GROUP BY 1, 2 ORDER BY 1, 2")
    assert held == summed


def _approve(hq: HeadOffice, tid: str) -> str:
    done = pos("hq", "transfer", "approve", tid, env=hq.env())
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("first", ["receiver", "sender"])
def test_a_transfer_shipped_offline_and_received_before_the_sender_syncs_settles_in_transit_and_shrinkage(
        hq: HeadOffice, tmp_path: Path, first: str) -> None:
    a, b = make_store(tmp_path / "a.db"), make_store(tmp_path / "b.db")
    ids = {"a": hq.add_store(a), "b": hq.add_store(b)}
    hq.serve()
    made = transfers.request(a, ids["b"], [("TEA-200", 12_000), ("MILK-1L", 5_000)])
    assert hq.sync(tmp_path / "a.db").returncode == 0
    listed = pos("hq", "transfer", "list", env=hq.env())
    assert f"{made.transfer_id:<22} requested" in listed.stdout and "1 to approve." in listed.stdout
    reference = _approve(hq, made.transfer_id)
    assert _approve(hq, made.transfer_id) == reference  # approving again gives the same reference
    # A is offline from here: it ships, sells the last of its tea and more (nothing blocks a sale)...
    transfers.ship(a, made.transfer_id, reference)
    sell(a, f"2*{TEA_BARCODE}", 100_000)
    # ...and B counts one tea short (damaged) while A has not synced.
    transfers.receive(b, made.transfer_id, [("TEA-200", 11_000), ("MILK-1L", 5_000)], "damaged")
    order = ("b", "a") if first == "receiver" else ("a", "b")
    assert hq.sync(tmp_path / f"{order[0]}.db").returncode == 0
    stock = pos("hq", "stock", "TEA-200", env=hq.env())
    if first == "receiver":
        shown = pos("hq", "transfer", "show", made.transfer_id, env=hq.env())
        assert "received (shipment not synced yet)" in shown.stdout
        assert "in transit: 0\n" in stock.stdout  # nothing known to be on the road yet
    else:
        assert "in transit: 12\n" in stock.stdout
    assert hq.sync(tmp_path / f"{order[1]}.db").returncode == 0
    # At rest: nothing in transit, the missing tea is shrinkage with B's reason, stock is each store's sum.
    stock = pos("hq", "stock", "TEA-200", env=hq.env())
    assert stock.returncode == 0, stock.stderr
    assert f"{ids['a']}  TEA-200  Tapal Danedar Tea 200g  86\n" in stock.stdout  # 100 - 12 shipped - 2 sold
    assert f"{ids['b']}  TEA-200  Tapal Danedar Tea 200g  111\n" in stock.stdout
    assert "in transit: 0\n" in stock.stdout and "lost in transit (shrinkage): 1\n" in stock.stdout
    lines = hq.query("SELECT sku, requested, shipped, received, shrinkage FROM hq_transfer_lines"
                     " WHERE transfer_id = %s ORDER BY sku", made.transfer_id)
    assert lines == [("MILK-1L", 5_000, 5_000, 5_000, 0), ("TEA-200", 12_000, 12_000, 11_000, 1_000)]
    assert hq.query("SELECT from_store, to_store, reason, shipped_ref FROM hq_transfers") == [
        (ids["a"], ids["b"], "damaged", reference)]
    listed = pos("hq", "transfer", "list", env=hq.env())
    assert "received" in listed.stdout and "ALARM" not in listed.stdout
    _stock_is_the_sum_of_each_stores_movements(hq)
    a.close()
    b.close()
    for name in "ab":
        assert_verifies(tmp_path / f"{name}.db")


def test_head_office_refuses_to_approve_what_it_has_not_received_and_flags_a_shipment_it_did_not_approve(
        hq: HeadOffice, tmp_path: Path) -> None:
    a, b = make_store(tmp_path / "a.db"), make_store(tmp_path / "b.db")
    ids = {"a": hq.add_store(a), "b": hq.add_store(b)}
    hq.serve()
    made = transfers.request(a, ids["b"], [("TEA-200", 1_000)])
    unknown = pos("hq", "transfer", "approve", made.transfer_id, env=hq.env())
    assert unknown.returncode != 0 and "has not received the request" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    assert hq.query("SELECT count(*) FROM hq_transfers") == [(0,)]
    # A reference head office never gave, and more tea than the store holds: recorded, with alerts.
    _, alerts = transfers.ship(a, made.transfer_id, "AP-000000", [("TEA-200", 130_000)])
    assert alerts == ["TEA-200 is now at -30 in this store's stock: count it (`pos stock adjust`)."]
    assert hq.sync(tmp_path / "a.db").returncode == 0
    stock = pos("hq", "stock", "TEA-200", env=hq.env())
    assert f"{ids['a']}  TEA-200  Tapal Danedar Tea 200g  -30  ALERT: below zero, count it\n" in stock.stdout
    assert "in transit: 130\n" in stock.stdout
    listed = pos("hq", "transfer", "list", env=hq.env())
    assert "in transit" in listed.stdout and "ALARM: shipped under AP-000000, head office approved nothing" \
        in listed.stdout
    a.close()
    b.close()
    assert_verifies(tmp_path / "a.db")


def test_every_arrival_order_of_the_steps_ends_in_the_same_state(pg_cluster: PostgresCluster, tmp_path: Path) -> None:
    """The sender's request, its shipment and the receiver's count arrive at head office in all six
    orders (a shipment before its request waits above the gap in the sender's chain): the same rows."""
    a, b = make_store(tmp_path / "a.db"), make_store(tmp_path / "b.db")
    ids = {"a": _store_id(a), "b": _store_id(b)}
    made = transfers.request(a, ids["b"], [("TEA-200", 12_000), ("MILK-1L", 5_000)])
    requested_at = a.ledger.head().seq
    transfers.ship(a, made.transfer_id, "AP-00AB12", [("TEA-200", 10_000), ("MILK-1L", 5_000)])
    transfers.receive(b, made.transfer_id, [("TEA-200", 9_000), ("MILK-1L", 5_000), ("RICE-KG", 1_500)], "damaged")
    a.close()
    b.close()
    sender = [ChainEvent(ids["a"], "T1", 1, entry) for entry in journal_of(tmp_path / "a.db")]
    batches = {"request": sender[:requested_at], "ship": sender[requested_at:],
               "receive": [ChainEvent(ids["b"], "T1", 1, entry) for entry in journal_of(tmp_path / "b.db")]}
    outcomes = set()
    for n, order in enumerate(itertools.permutations(batches)):
        with psycopg.connect(pg_cluster.create_database(f"transfer_order_{n}"), autocommit=True) as conn:
            schema.migrate(conn)
            for store in ids.values():
                stores.add_store(conn, store, "Store", ["T1"])
            for name in order:
                assert ingest(conn, batches[name]).refused == []
            outcomes.add((
                tuple(conn.execute("SELECT transfer_id, from_store, to_store, requested, shipped, received,"
                                   " shipped_ref, received_by, reason FROM hq_transfers").fetchall()),
                tuple(conn.execute("SELECT * FROM hq_transfer_lines ORDER BY sku").fetchall()),
                tuple(conn.execute("SELECT * FROM hq_stock ORDER BY store, product_id").fetchall()),
            ))
    assert len(outcomes) == 1
    (transfer_rows, lines, _), = outcomes
    assert transfer_rows == ((made.transfer_id, ids["a"], ids["b"], True, True, True, "AP-00AB12", ids["b"],
                              "damaged"),)
    # Rice came though none was shipped: shrinkage -1.5, a find at the receiver (a mistake in packing).
    assert lines == ((made.transfer_id, "MILK-1L", 5_000, 5_000, 5_000, 0),
                     (made.transfer_id, "RICE-KG", 0, 0, 1_500, -1_500),
                     (made.transfer_id, "TEA-200", 12_000, 10_000, 9_000, 1_000))


def test_head_offices_approval_reaches_the_store_with_pos_sync_and_ships_without_typing(
        hq: HeadOffice, tmp_path: Path) -> None:
    """The approval is head office's event for the requesting store: `pos sync` records it in the store's
    journal, `pos transfer ship` needs no reference, and a reference typed that disagrees is refused."""
    a, b = make_store(tmp_path / "a.db"), make_store(tmp_path / "b.db")
    ids = {"a": hq.add_store(a), "b": hq.add_store(b)}
    hq.serve()
    made = transfers.request(a, ids["b"], [("TEA-200", 3_000)])
    other = transfers.request(a, ids["b"], [("MILK-1L", 1_000)])
    a.close()
    assert hq.sync(tmp_path / "a.db").returncode == 0
    reference = _approve(hq, made.transfer_id)
    wait_for("the approval published", lambda: hq.query(
        "SELECT 1 FROM hq_office_events WHERE kind = 'transfer.approved' AND target = %s AND published", ids["a"]))
    assert hq.sync(tmp_path / "a.db").returncode == 0
    cli = ("--db", str(tmp_path / "a.db"))
    shown = pos("transfer", "show", made.transfer_id, *cli)
    assert f"approval: {reference}" in shown.stdout and "requested" in shown.stdout
    wrong = pos("transfer", "ship", made.transfer_id, "--approval", "AP-000000", *cli)
    assert wrong.returncode != 0 and f"approved transfer {made.transfer_id} as {reference}" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    unapproved = pos("transfer", "ship", other.transfer_id, *cli)  # head office has not approved this one
    assert unapproved.returncode != 0 and "is not approved" in unapproved.stderr
    shipped = pos("transfer", "ship", made.transfer_id, *cli)
    assert shipped.returncode == 0, shipped.stderr
    assert f"shipped to {ids['b']} under {reference}" in shipped.stdout
    assert hq.sync(tmp_path / "a.db").returncode == 0  # again: the approval is recorded once
    kinds = [entry.kind for entry in journal_of(tmp_path / "a.db")]
    assert kinds.count("chain.office_transfer_approved") == 1
    listed = pos("hq", "transfer", "list", env=hq.env())
    assert "ALARM" not in listed.stdout
    b.close()
    for name in "ab":
        assert_verifies(tmp_path / f"{name}.db")
