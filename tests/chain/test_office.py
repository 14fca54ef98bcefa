"""Scenario 7: head office's prices reach a store that was offline for three days, in order, once each;
the sales before keep their prices, a store's own price stands. Real PostgreSQL, NATS and `pos sync`
through a TCP proxy; the store's clock is chosen (2053), nobody waits three days."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pos_tui.services.catalog import products
from tests.chain.conftest import HeadOffice, pos, sell
from tests.chain.helpers import acked_seq, wait_for
from tests.conftest import MILK, MILK_BARCODE, RICE, TEA, TEA_BARCODE, assert_verifies, make_store
from tests.support.chain_servers import BLACKHOLE, PASS, NatsServer, TcpProxy

DAY_0 = datetime(2053, 3, 2, 9, 0, tzinfo=UTC)


def _applied(db_session_ledger: object) -> list[tuple[int, int, int]]:
    conn = db_session_ledger.conn  # type: ignore[attr-defined]
    return conn.execute("SELECT office_seq, new_price, applied FROM chain_office_applied ORDER BY seq").fetchall()


def _sale_prices(session: object) -> list[int]:
    rows = session.ledger.conn.execute(  # type: ignore[attr-defined]
        "SELECT payload FROM journal WHERE kind = 'sale.completed' ORDER BY seq").fetchall()
    return [json.loads(payload)["lines"][0]["unit_price"] for (payload,) in rows]


def test_prices_set_while_a_store_is_offline_for_three_days_apply_in_order_on_reconnect(
        hq: HeadOffice, nats: NatsServer, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db, opened_at=DAY_0 - timedelta(hours=1))
    now = [DAY_0]
    store.clock = lambda: now[0]
    store_id = hq.add_store(store)
    hq.serve()
    line = TcpProxy(nats.port)
    worker = hq.start_sync(db, line.url, "--ack-timeout", "1")
    try:
        admin = store.as_user("admin")
        products.change_price(admin, RICE, 35_000, "our own price")  # the store's own price stands
        sell(store, TEA_BARCODE, 50_000)  # day 0, online: the shelf price 450.00
        head = store.ledger.head().seq
        wait_for("day 0 at head office", lambda: acked_seq(db) >= head)

        line.set_mode(BLACKHOLE)  # the line is down for three days
        catalogue = tmp_path / "prices.csv"
        catalogue.write_text("sku,name,price\nTEA-200,Tapal Danedar Tea 200g,420.00\nRICE-KG,Basmati Rice,300.00\n")
        done = pos("hq", "catalog", "import", str(catalogue), env=hq.env())
        assert done.returncode == 0, done.stderr
        assert pos("hq", "catalog", "price", "TEA-200", "400.00", env=hq.env()).returncode == 0
        assert pos("hq", "catalog", "price", "MILK-1L", "260.00", "--store", store_id, env=hq.env()).returncode != 0
        milk = tmp_path / "milk.csv"
        milk.write_text("sku,name,price\nMILK-1L,Olpers Milk 1L,260.00\n")
        done = pos("hq", "catalog", "import", str(milk), "--store", store_id, env=hq.env())
        assert done.returncode == 0, done.stderr
        other = pos("hq", "catalog", "price", "TEA-200", "1.00", "--store", "elsewhere", env=hq.env())
        assert other.returncode != 0 and "knows no store elsewhere" in other.stderr
        for day in (1, 2):  # the store sells at the prices it has
            now[0] = DAY_0 + timedelta(days=day)
            sell(store, TEA_BARCODE, 50_000)
        assert _applied(store.ledger) == []

        now[0] = DAY_0 + timedelta(days=3)
        line.set_mode(PASS)
        wait_for("head office's four prices applied", lambda: len(_applied(store.ledger)) == 4)
        sell(store, TEA_BARCODE, 50_000)
        sell(store, MILK_BARCODE, 50_000)
        head = store.ledger.head().seq
        wait_for("everything at head office", lambda: acked_seq(db) >= head)
    finally:
        worker.terminate()
        worker.communicate(timeout=60)
        line.close()
    # In head office's order, once each; RICE keeps the store's own price.
    assert _applied(store.ledger) == [(1, 42_000, 1), (2, 30_000, 0), (3, 40_000, 1), (4, 26_000, 1)]
    assert _sale_prices(store) == [45_000, 45_000, 45_000, 40_000, 26_000]
    assert products.show_product(store, TEA_BARCODE).price == 40_000
    assert store.ledger.conn.execute("SELECT price FROM products WHERE product_id = ?", (RICE,)).fetchone() == (35_000,)
    assert store.ledger.conn.execute("SELECT price FROM products WHERE product_id = ?", (MILK,)).fetchone() == (26_000,)
    # A second run reads head office's events again and applies none twice.
    again = hq.sync(db)
    assert again.returncode == 0, again.stderr
    assert len(_applied(store.ledger)) == 4
    # Head office holds the till's record of what it applied, like any entry of its journal.
    held = hq.query("SELECT count(*) FROM hq_events WHERE store = %s AND kind = 'chain.office_price_set'", store_id)
    assert held == [(4,)]
    exported = pos("hq", "catalog", "export", env=hq.env())
    assert exported.returncode == 0
    assert exported.stdout.splitlines() == ["sku,name,price,barcodes,category,tax_class",
                                            "RICE-KG,Basmati Rice,300.00,,,",
                                            "TEA-200,Tapal Danedar Tea 200g,400.00,,,"]
    store.close()
    assert_verifies(db)
    assert TEA == 1


def test_a_catalogue_file_without_its_header_changes_nothing(hq: HeadOffice, tmp_path: Path) -> None:
    bad = tmp_path / "prices.csv"
    bad.write_text("TEA-200,Tea,1.00\n")
    done = pos("hq", "catalog", "import", str(bad), env=hq.env())
    assert done.returncode != 0 and "header line sku,name,price" in done.stderr and "Traceback" not in done.stderr
    assert hq.query("SELECT count(*) FROM hq_office_events") == [(0,)]
