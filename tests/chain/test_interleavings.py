"""Property: whatever order, repeats and gaps the stores' events reach head office in, once every
store has caught up, head office holds the union of the tills' journals, each once, its sales per
store and day are the tills' own, and its stock is the sum of each store's movements."""

from __future__ import annotations

import itertools

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_tui.ledger.entry import JournalEntry
from pos_tui.services.chain.wire import ChainEvent
from pos_tui.services.hq import schema, stores
from pos_tui.services.hq.ingest import ingest
from tests.chain.conftest import sell
from tests.conftest import MILK_BARCODE, TEA_BARCODE, make_store
from tests.forgeries import journal_of
from tests.support.chain_servers import PostgresCluster

_databases = itertools.count(1)


@pytest.fixture(scope="module")
def three_tills(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, list[JournalEntry], dict[int, int]]]:
    """Three stores' journals (store id, entries, on-hand by product) with sales of the same items."""
    out = []
    for n in range(3):
        db = tmp_path_factory.mktemp("tills") / f"till{n}.db"
        session = make_store(db)
        for k in range(4 + n):
            sell(session, f"{k + 1}*{TEA_BARCODE}" if k % 2 else MILK_BARCODE, 500_000)
        on_hand = dict(session.ledger.conn.execute("SELECT product_id, on_hand FROM stock").fetchall())
        out.append((session.ledger.store_info().store_id, journal_of(db), on_hand))
        session.close()
    return out


deliveries = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 30), st.integers(1, 8)), max_size=25)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(deliveries=deliveries, batch=st.integers(1, 12))
def test_any_interleaving_of_repeats_and_gaps_ends_with_each_stores_journal_once(
        pg_cluster: PostgresCluster, three_tills: list[tuple[str, list[JournalEntry], dict[int, int]]],
        deliveries: list[tuple[int, int, int]], batch: int) -> None:
    url = pg_cluster.create_database(f"interleave_{next(_databases)}")
    with psycopg.connect(url, autocommit=True) as conn:
        schema.migrate(conn)
        for store, _, _ in three_tills:
            stores.add_store(conn, store, "Store", ["T1"])
        # Partitions and retries: slices of any till's journal, in any order, repeated, with gaps...
        arrivals = [ChainEvent(three_tills[till][0], "T1", 1, entry)
                    for till, start, length in deliveries for entry in three_tills[till][1][start:start + length]]
        # ...then every till catches up from the start (what `pos sync` does from head office's head).
        arrivals += [ChainEvent(store, "T1", 1, entry) for store, entries, _ in three_tills for entry in entries]
        for start in range(0, len(arrivals), batch):
            result = ingest(conn, arrivals[start:start + batch])
            assert not result.refused
        for store, entries, on_hand in three_tills:
            held = conn.execute("SELECT seq, hash FROM hq_events WHERE store = %s ORDER BY seq", (store,)).fetchall()
            assert held == [(entry.seq, entry.hash) for entry in entries]
            assert conn.execute("SELECT seq FROM hq_heads WHERE store = %s", (store,)).fetchall() == [(len(entries),)]
            stock = dict(conn.execute("SELECT product_id, on_hand FROM hq_stock WHERE store = %s", (store,)).fetchall())
            assert stock == on_hand  # every product of the sample store received stock, so each has a row
            sold = conn.execute("SELECT sum(sales) FROM hq_sales_days WHERE store = %s", (store,)).fetchone()
            assert sold == (sum(1 for entry in entries if entry.kind == "sale.completed"),)
            moved = conn.execute("SELECT product_id, sum(quantity) FROM hq_stock_movements WHERE store = %s"
                                 " GROUP BY product_id", (store,)).fetchall()
            assert dict(moved) == stock
    with psycopg.connect(pg_cluster.url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {url.rsplit('/', 1)[1]}")
