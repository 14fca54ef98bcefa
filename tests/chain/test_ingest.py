"""Head office's ingest on its own (real PostgreSQL): PostgreSQL's key, not JetStream's window, is the
guarantee against duplicates, and an event cannot speak for another store's chain."""

from __future__ import annotations

from pathlib import Path

import psycopg

from pos_tui.services.chain.wire import ChainEvent
from pos_tui.services.hq import schema, stores
from pos_tui.services.hq.ingest import ingest
from tests.chain.conftest import sell
from tests.conftest import TEA_BARCODE, make_store
from tests.forgeries import journal_of
from tests.support.chain_servers import PostgresCluster


def test_a_batch_delivered_twice_long_after_inserts_and_counts_nothing_the_second_time(
        pg_cluster: PostgresCluster, tmp_path: Path) -> None:
    session = make_store(tmp_path / "store.db")
    sell(session, f"2*{TEA_BARCODE}", 100_000)
    store = session.ledger.store_info().store_id
    session.close()
    events = [ChainEvent(store, "T1", 1, entry) for entry in journal_of(tmp_path / "store.db")]
    with psycopg.connect(pg_cluster.create_database("ingest_twice"), autocommit=True) as conn:
        schema.migrate(conn)
        stores.add_store(conn, store, "Store", ["T1"])
        first = ingest(conn, events)
        figures = conn.execute("SELECT * FROM hq_sales_days").fetchall(), conn.execute(
            "SELECT * FROM hq_stock ORDER BY product_id").fetchall()
        again = ingest(conn, events)
        assert (first.inserted, first.chained) == (len(events), len(events))
        assert (again.inserted, again.chained, again.refused) == (0, 0, [])
        assert (conn.execute("SELECT * FROM hq_sales_days").fetchall(),
                conn.execute("SELECT * FROM hq_stock ORDER BY product_id").fetchall()) == figures


def test_an_entry_sent_under_another_stores_name_is_refused(pg_cluster: PostgresCluster, tmp_path: Path) -> None:
    ids, journals = [], []
    for name in ("a", "b"):
        session = make_store(tmp_path / f"{name}.db")
        ids.append(session.ledger.store_info().store_id)
        session.close()
        journals.append(journal_of(tmp_path / f"{name}.db"))
    with psycopg.connect(pg_cluster.create_database("ingest_other_store"), autocommit=True) as conn:
        schema.migrate(conn)
        for store in ids:
            stores.add_store(conn, store, "Store", ["T1"])
        result = ingest(conn, [ChainEvent(ids[1], "T1", 1, entry) for entry in journals[0]])
        assert result.inserted == 0 and len(result.refused) == len(journals[0])
        assert "belongs to store" in result.refused[0][1].reason
        assert conn.execute("SELECT count(*) FROM hq_events").fetchone() == (0,)
