"""A store sells, `pos sync` sends its journal, `pos hq serve` verifies and stores it in PostgreSQL,
and the till records head office's verified head as its acknowledgement."""

from __future__ import annotations

from pathlib import Path

from pos_tui.services.chain import outbox
from tests.chain.conftest import HeadOffice, pos, sell
from tests.conftest import MILK_BARCODE, TEA, TEA_BARCODE, assert_verifies, make_store


def test_a_store_syncs_its_sales_and_head_office_holds_its_chain_and_its_figures(hq: HeadOffice,
                                                                                   tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    sell(store, f"3*{TEA_BARCODE}", 150_000)
    sell(store, MILK_BARCODE, 30_000)
    store_id = hq.add_store(store)
    hq.serve()
    done = hq.sync(db)
    assert done.returncode == 0, done.stderr
    head = store.ledger.head()
    assert f"head office holds seq {head.seq}" in done.stdout
    assert hq.query("SELECT seq, hash FROM hq_heads WHERE store = %s", store_id) == [(head.seq, head.hash)]
    assert hq.query("SELECT count(*) FROM hq_events WHERE store = %s", store_id) == [(head.seq,)]
    state = outbox.sync_state(store.ledger)
    assert state is not None and (state.acked_seq, state.acked_hash) == (head.seq, head.hash)
    assert outbox.sync_line(store.ledger).endswith("· 0 waiting")
    # Head office's projections: 100 teas received, 3 sold; the day's takings are the two sales.
    assert hq.query("SELECT on_hand FROM hq_stock WHERE store = %s AND product_id = %s", store_id, TEA) == [(97_000,)]
    assert hq.query("SELECT sales, takings FROM hq_sales_days WHERE store = %s", store_id) == [(2, 135_000 + 28_000)]
    status = pos("sync", "--db", str(db), "--status")
    assert status.returncode == 0 and "synced" in status.stdout
    assert_verifies(db)


def test_head_office_registers_a_store_once_and_prints_each_terminals_key_keeping_only_its_public_half(
        hq: HeadOffice, tmp_path: Path) -> None:
    import nkeys

    again = pos("hq", "init", env=hq.env())
    assert again.returncode == 0 and "nothing to apply" in again.stdout
    done = pos("hq", "store", "add", "lhr-1", "--name", "Lahore Mall", "--terminal", "T1", "--terminal", "T2",
               env=hq.env())
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stdout.splitlines()]
    assert [line[:2] for line in lines] == [["lhr-1", "T1"], ["lhr-1", "T2"]]
    seed = lines[0][2]
    public = nkeys.from_seed(bytearray(seed.encode())).public_key.decode()
    kept = hq.query("SELECT * FROM hq_terminals WHERE terminal = 'T1'")
    assert seed not in str(kept) and public in str(kept)  # only the public half is kept
    twice = pos("hq", "store", "add", "lhr-1", "--name", "Lahore Mall", "--terminal", "T3", "--terminal", "T1",
                env=hq.env())
    assert twice.returncode == 1 and "registered already; nothing was added" in twice.stderr
    assert hq.query("SELECT terminal FROM hq_terminals ORDER BY terminal") == [("T1",), ("T2",)]
    # A new key for T2: the old one is no longer what head office's config admits.
    rekeyed = pos("hq", "store", "rekey", "lhr-1", "T2", "--credentials-dir", str(tmp_path), env=hq.env())
    assert rekeyed.returncode == 0, rekeyed.stderr
    assert rekeyed.stdout.split() == ["lhr-1", "T2", str(tmp_path / "lhr-1.T2.nk")]
    config = tmp_path / "authorization.conf"
    written = pos("hq", "nats-config", str(config), "--office-credentials", str(tmp_path / "office.nk"), env=hq.env())
    assert written.returncode == 0, written.stderr
    text = config.read_text()
    new_public = nkeys.from_seed(bytearray((tmp_path / "lhr-1.T2.nk").read_bytes().strip())).public_key.decode()
    old_public = nkeys.from_seed(bytearray(lines[1][2].encode())).public_key.decode()
    assert public in text and new_public in text and old_public not in text
    assert f'"{hq.namespace}.ev.lhr-1.T1"' in text and f'"{hq.namespace}.ev.lhr-1.T2"' in text
    missing = pos("hq", "store", "rekey", "lhr-1", "T9", env=hq.env())
    assert missing.returncode == 1 and "is not registered" in missing.stderr
