"""Head office's new products and tax classes: a store that was offline while head office defined a tax
class and a product creates both on reconnect, sells the product by its barcode at head office's price
and rate, applies nothing twice, and keeps each sale's figures when the price or rate change later.
Real PostgreSQL, NATS and `pos sync` through a TCP proxy; the store's clock is chosen (2053)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pos_tui.domain.money import Rounding
from pos_tui.domain.tax import tax_included_in
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.journal import Actor
from pos_tui.services.catalog import products
from pos_tui.services.chain import office
from pos_tui.services.chain.wire import OfficeEvent
from pos_tui.services.doctor import run_checks
from tests.chain.conftest import HeadOffice, pos, sell
from tests.chain.helpers import acked_seq, wait_for
from tests.conftest import RICE, TEA, TEA_BARCODE, assert_verifies, ean13, make_store
from tests.support.chain_servers import BLACKHOLE, PASS, NatsServer, TcpProxy

DAY_0 = datetime(2053, 4, 6, 9, 0, tzinfo=UTC)
CHAI_BARCODE = ean13("890123456789")


def _rows(conn: object, sql: str, *params: object) -> list[tuple[object, ...]]:
    return conn.execute(sql, params).fetchall()  # type: ignore[attr-defined, no-any-return]


def _office_events(hq: HeadOffice) -> list[OfficeEvent]:
    rows = hq.query("SELECT seq, kind, target, payload, prev_hash, hash FROM hq_office_events ORDER BY seq")
    return [OfficeEvent(int(seq), kind, target, json.loads(payload), prev, digest)
            for seq, kind, target, payload, prev, digest in rows]


def test_a_store_offline_while_head_office_adds_a_tax_class_and_a_product_sells_it_on_reconnect(
        hq: HeadOffice, nats: NatsServer, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db, opened_at=DAY_0 - timedelta(hours=1))
    store.clock = lambda: DAY_0
    store_id = hq.add_store(store)
    hq.serve()
    line = TcpProxy(nats.port)
    worker = hq.start_sync(db, line.url, "--ack-timeout", "1")
    try:
        products.change_price(store.as_user("admin"), RICE, 35_000, "our own price")
        head = store.ledger.head().seq
        wait_for("the store at head office", lambda: acked_seq(db) >= head)

        line.set_mode(BLACKHOLE)  # the store goes offline
        for args in (("vat", "18", "--name", "VAT 18%"), ("luxury", "25.5")):
            done = pos("hq", "catalog", "tax", *args, env=hq.env())
            assert done.returncode == 0, done.stderr
        catalogue = tmp_path / "catalogue.csv"
        catalogue.write_text("sku,name,price,barcode,category,tax\n"
                             f"CHAI-500,Chai Masala 500g,512.00,{CHAI_BARCODE},Tea,luxury\n"
                             "TEA-200,Tapal Danedar Tea 200g,430.00,,Tea,vat\n"
                             "RICE-KG,Basmati Rice,300.00,,,vat\n")
        done = pos("hq", "catalog", "import", str(catalogue), env=hq.env())
        assert done.returncode == 0, done.stderr
        assert "3 product(s)" in done.stdout
        assert _rows(store.ledger.conn, "SELECT 1 FROM products WHERE sku = 'CHAI-500'") == []

        line.set_mode(PASS)  # back online: head office's five events arrive, in its order
        wait_for("head office's products applied",
                 lambda: len(_rows(store.ledger.conn, "SELECT 1 FROM chain_office_products")) == 3)
        chai = products.resolve_scan(store, CHAI_BARCODE)
        assert (chai.sku, chai.unit_price, chai.tax_class, chai.tax_rate_bp) == ("CHAI-500", 51_200, "luxury", 2550)
        sold = sell(store, CHAI_BARCODE, 60_000)
        head = store.ledger.head().seq
        wait_for("the sale at head office", lambda: acked_seq(db) >= head)

        # After the sale head office changes the class's rate and the product's price.
        assert pos("hq", "catalog", "tax", "luxury", "30", env=hq.env()).returncode == 0
        assert pos("hq", "catalog", "price", "CHAI-500", "600.00", env=hq.env()).returncode == 0
        wait_for("the new rate and price applied", lambda: _rows(
            store.ledger.conn, "SELECT p.price, t.rate_bp FROM products p JOIN tax_classes t ON t.code = p.tax_class"
            " WHERE p.sku = 'CHAI-500'") == [(60_000, 3000)])
        later = sell(store, CHAI_BARCODE, 60_000)
        head = store.ledger.head().seq
        wait_for("everything at head office", lambda: acked_seq(db) >= head)
    finally:
        worker.terminate()
        worker.communicate(timeout=60)
        line.close()

    conn = store.ledger.conn
    # The sale keeps the price and rate it was sold at; the later sale has the new ones.
    lines = _rows(conn, "SELECT sale_seq, unit_price, tax_class, tax_rate_bp, tax, gross FROM sale_lines"
                        " WHERE sku = 'CHAI-500' ORDER BY sale_seq")
    assert lines == [(sold.seq, 51_200, "luxury", 2550, tax_included_in(51_200, 2550, Rounding.HALF_UP), 51_200),
                     (later.seq, 60_000, "luxury", 3000, tax_included_in(60_000, 3000, Rounding.HALF_UP), 60_000)]
    assert _rows(conn, "SELECT code, name, rate_bp FROM tax_classes WHERE code IN ('vat', 'luxury') ORDER BY code") == [
        ("luxury", "Tax 30%", 3000), ("vat", "VAT 18%", 1800)]
    # A store that has the SKU takes head office's price (not its tax class: its own details stand),
    # unless it set the price itself.
    assert _rows(conn, "SELECT price, tax_class FROM products WHERE product_id IN (?, ?) ORDER BY product_id",
                 TEA, RICE) == [(43_000, "std"), (35_000, "exempt")]
    recorded = _rows(conn, "SELECT sku, created, price_applied, why_not FROM chain_office_products ORDER BY office_seq")
    assert recorded == [("CHAI-500", 1, 0, ""), ("TEA-200", 0, 1, ""), ("RICE-KG", 0, 0, "store price")]
    assert office.not_created(store.ledger) == []

    # The same events again, by `pos sync` from the start of head office's stream and one by one here:
    # none is recorded twice.
    before = store.ledger.head().seq
    again = hq.sync(db)
    assert again.returncode == 0, again.stderr
    actor = Actor(store_id, store.terminal, "admin")
    assert [office.apply(store.ledger, actor, event) for event in _office_events(hq)] == [False] * 7
    assert store.ledger.head().seq == before
    # Head office knows which store has the product it created (its own id there), and exports it whole.
    assert hq.query("SELECT product_id, name FROM hq_products WHERE store = %s AND sku = 'CHAI-500'",
                    store_id) == [(chai.product_id, "Chai Masala 500g")]
    exported = pos("hq", "catalog", "export", env=hq.env())
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.splitlines() == [
        "sku,name,price,barcodes,category,tax_class", f"CHAI-500,Chai Masala 500g,600.00,{CHAI_BARCODE},Tea,luxury",
        "RICE-KG,Basmati Rice,300.00,,,vat", "TEA-200,Tapal Danedar Tea 200g,430.00,,Tea,vat"]
    store.close()
    assert_verifies(db)


def test_replay_reproduces_head_office_products_and_a_hand_edit_is_caught(
        hq: HeadOffice, nats: NatsServer, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db, opened_at=DAY_0 - timedelta(hours=1))
    hq.add_store(store)
    store.close()
    assert pos("hq", "catalog", "tax", "vat", "18", env=hq.env()).returncode == 0
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text(f"sku,name,price,barcodes,category,tax_class\nCHAI-500,Chai,512.00,{CHAI_BARCODE},Tea,vat\n")
    assert pos("hq", "catalog", "import", str(catalogue), env=hq.env()).returncode == 0
    hq.serve()
    wait_for("head office's events published", lambda: hq.query(
        "SELECT count(*) FROM hq_office_events WHERE published") == [(2,)])
    wait_for("the store's product", lambda: hq.sync(db).returncode == 0 and _has_chai(db))
    assert_verifies(db)
    raw = open_ledger(db)
    try:
        with raw.write() as conn:
            conn.execute("UPDATE tax_classes SET rate_bp = 1700 WHERE code = 'vat'")
    finally:
        raw.close()
    verify = pos("db", "verify", "--db", str(db))
    assert verify.returncode != 0 and "tax_classes" in verify.stdout + verify.stderr
    raw = open_ledger(db)
    try:
        with raw.write() as conn:
            conn.execute("UPDATE tax_classes SET rate_bp = 1800 WHERE code = 'vat'")
            conn.execute("UPDATE products SET price = 1 WHERE sku = 'CHAI-500'")
    finally:
        raw.close()
    verify = pos("db", "verify", "--db", str(db))
    assert verify.returncode != 0 and "products" in verify.stdout + verify.stderr


def _has_chai(db: Path) -> bool:
    ledger = open_ledger(db, read_only=True)
    try:
        return bool(ledger.conn.execute("SELECT 1 FROM products WHERE sku = 'CHAI-500'").fetchone())
    finally:
        ledger.close()


def test_a_product_whose_barcode_is_another_products_here_is_recorded_not_created_and_shown(
        hq: HeadOffice, nats: NatsServer, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db, opened_at=DAY_0 - timedelta(hours=1))
    hq.add_store(store)
    store.close()
    assert pos("hq", "catalog", "tax", "vat", "18", env=hq.env()).returncode == 0
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text(f"sku,name,price,barcodes,category,tax_class\nTEA-CHAI,Chai,300.00,{TEA_BARCODE},Tea,vat\n")
    assert pos("hq", "catalog", "import", str(catalogue), env=hq.env()).returncode == 0
    hq.serve()
    wait_for("head office's events published", lambda: hq.query(
        "SELECT count(*) FROM hq_office_events WHERE published") == [(2,)])
    wait_for("the product's event recorded", lambda: hq.sync(db).returncode == 0 and _recorded(db) == 1)
    ledger = open_ledger(db, read_only=True)
    try:
        assert ledger.conn.execute("SELECT 1 FROM products WHERE sku = 'TEA-CHAI'").fetchone() is None
        assert ledger.conn.execute("SELECT product_id FROM barcodes WHERE code = ?", (TEA_BARCODE,)).fetchone() == (
            TEA,)
    finally:
        ledger.close()
    status = pos("sync", "--status", "--db", str(db))
    assert status.returncode == 0, status.stderr
    assert (f"head office's product TEA-CHAI was not created here (barcode {TEA_BARCODE} is TEA-200's here,"
            in status.stdout)
    shown = [check for check in run_checks(None, db) if check.name == "head office's products"]
    assert len(shown) == 1 and not shown[0].ok and "TEA-CHAI" in shown[0].detail
    assert_verifies(db)

    # Head office sends the line again with the product's own barcode: a new seq, and the store creates it.
    catalogue.write_text(f"sku,name,price,barcodes,category,tax_class\nTEA-CHAI,Chai,300.00,{CHAI_BARCODE},Tea,vat\n")
    assert pos("hq", "catalog", "import", str(catalogue), env=hq.env()).returncode == 0
    wait_for("the product created", lambda: hq.sync(db).returncode == 0 and _recorded(db) == 2)
    assert [check for check in run_checks(None, db) if check.name == "head office's products"] == []
    ledger = open_ledger(db, read_only=True)
    try:
        assert ledger.conn.execute("SELECT p.sku FROM barcodes b JOIN products p ON p.product_id = b.product_id"
                                   " WHERE b.code = ?", (CHAI_BARCODE,)).fetchone() == ("TEA-CHAI",)
    finally:
        ledger.close()
    assert_verifies(db)


def _recorded(db: Path) -> int:
    ledger = open_ledger(db, read_only=True)
    try:
        return int(ledger.conn.execute("SELECT count(*) FROM chain_office_products").fetchone()[0])
    finally:
        ledger.close()


def test_bad_tax_classes_and_product_lines_are_refused_with_a_sentence_and_change_nothing(
        hq: HeadOffice, tmp_path: Path) -> None:
    for args, said in ((("vat", "--", "-5"), "cannot be negative"), (("vat", "101"), "above 100%"),
                       (("vat", "abc"), "is not a tax rate"), (("vat", "5.555"), "is not a tax rate"),
                       (("Bad Code", "5"), "is not a tax class code")):
        done = pos("hq", "catalog", "tax", *args, env=hq.env())
        assert done.returncode != 0 and said in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
    assert pos("hq", "catalog", "tax", "vat", "18", env=hq.env()).returncode == 0
    other = ean13("890123456780")
    bad_lines = {
        "sku,name,price,tax_class\nCHAI-500,Chai,5.00,gst\n": "tax class 'gst' is not one head office defined",
        f"sku,name,price,barcodes\nCHAI-500,Chai,5.00,{other}\n": "has a barcode or category but no tax_class",
        "sku,name,price,barcodes,tax_class\nCHAI-500,Chai,5.00,8901234567891,vat\n":
            "Check digit of 8901234567891 should be 0",
        "sku,name,price,colour\nCHAI-500,Chai,5.00,red\n": "unknown column 'colour'",
        "sku,name,price,tax_class\nCHAI-500,Chai,five,vat\n": "is not an amount",
        (f"sku,name,price,barcodes,tax_class\nCHAI-500,Chai,5.00,{other},vat\n"
         f"CHAI-250,Chai small,3.00,{other},vat\n"): f"barcode {other} is SKU CHAI-500's",
    }
    for text, said in bad_lines.items():
        catalogue = tmp_path / "catalogue.csv"
        catalogue.write_text(text)
        done = pos("hq", "catalog", "import", str(catalogue), env=hq.env())
        assert done.returncode != 0 and said in done.stderr and "Traceback" not in done.stderr, (text, done.stderr)
    assert pos("hq", "store", "add", "S1", "--name", "One", "--terminal", "T1", env=hq.env()).returncode == 0
    catalogue.write_text("sku,name,price,tax_class\nCHAI-500,Chai,5.00,vat\n")
    done = pos("hq", "catalog", "import", str(catalogue), "--store", "S1", env=hq.env())
    assert done.returncode != 0 and "import it without --store" in done.stderr
    # Only the one good tax class was written; no product, no price.
    assert hq.query("SELECT seq, kind FROM hq_office_events") == [(1, "tax_class.set")]
    assert hq.query("SELECT count(*) FROM hq_catalog") == [(0,)]
    assert hq.query("SELECT code, name, rate_bp FROM hq_tax_classes") == [("vat", "Tax 18%", 1800)]
