"""Scenario 9: a till whose clock is two days ahead changes nothing about order at head office (its
own arrival order) or at the till (head office's prices apply in head office's order, after the sales
that came before them, and the till's time still only moves forward)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pos_tui.ledger.journal import parse_time
from tests.chain.conftest import HeadOffice, pos, sell
from tests.conftest import TEA_BARCODE, assert_verifies, make_store


def test_a_till_clock_two_days_ahead_changes_no_order(hq: HeadOffice, tmp_path: Path) -> None:
    ahead = datetime.now(UTC) + timedelta(days=2)
    tills = {"ahead": make_store(tmp_path / "ahead.db", opened_at=ahead - timedelta(hours=1)),
             "right": make_store(tmp_path / "right.db")}
    tills["ahead"].clock = lambda: ahead
    ids = {name: hq.add_store(session) for name, session in tills.items()}
    hq.serve()
    catalogue = tmp_path / "prices.csv"
    catalogue.write_text("sku,name,price\nTEA-200,Tapal Danedar Tea 200g,400.00\n")
    assert pos("hq", "catalog", "import", str(catalogue), env=hq.env()).returncode == 0
    for session in tills.values():  # both sell before they hear of head office's price
        sell(session, TEA_BARCODE, 50_000)
    for name in ("ahead", "right"):  # the till two days ahead reaches head office first
        done = hq.sync(tmp_path / f"{name}.db")
        assert done.returncode == 0, done.stderr

    order = hq.query("SELECT store, at FROM hq_events ORDER BY arrival")
    stores = [store for store, _ in order]
    first_right = stores.index(ids["right"])
    assert set(stores[:first_right]) == {ids["ahead"]} and set(stores[first_right:]) == {ids["right"]}
    # By the tills' clocks the other way round: head office orders by its own arrival, never by `at`.
    assert max(at for store, at in order if store == ids["right"]) < min(
        at for store, at in order if store == ids["ahead"])
    moved = hq.query("SELECT store, moved_at FROM hq_heads")
    assert all(when < ahead for _, when in moved)  # head office's clock, not the till's

    for name, session in tills.items():
        kinds = session.ledger.conn.execute(
            "SELECT kind, at, payload FROM journal WHERE kind IN ('sale.completed', 'chain.office_price_set')"
            " ORDER BY seq").fetchall()
        assert [kind for kind, _, _ in kinds] == ["sale.completed", "chain.office_price_set"], name
        assert parse_time(kinds[1][1]) >= parse_time(kinds[0][1])  # time moves forward on the till
        assert json.loads(kinds[0][2])["lines"][0]["unit_price"] == 45_000
        sell(session, TEA_BARCODE, 50_000)  # after: head office's price, on either clock
        last = session.ledger.conn.execute(
            "SELECT payload FROM journal WHERE kind = 'sale.completed' ORDER BY seq DESC LIMIT 1").fetchone()
        assert json.loads(last[0])["lines"][0]["unit_price"] == 40_000
        session.close()
        assert_verifies(tmp_path / f"{name}.db")
