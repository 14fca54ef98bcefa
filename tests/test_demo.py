"""`pos demo`: a generated store has what it promises, verifies, and is the same for the same seed."""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from pos_tui.cli.demo_cmd import demo_command
from pos_tui.config import Settings
from pos_tui.domain.barcode import gtin_check_digit
from pos_tui.domain.cart import Cart, Discount
from pos_tui.domain.events import ProductAdded
from pos_tui.domain.tender import Tender
from pos_tui.ledger.bulk import payload_of
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.verify import verify_ledger
from pos_tui.services.catalog import products as catalog
from pos_tui.services.demo.catalog import generate_catalog
from pos_tui.services.demo.store import DemoClock, DemoSummary, _Counter, _Shop, build_demo
from pos_tui.services.selling import sales
from pos_tui.services.session import Session, open_session
from pos_tui.services.staff.users import authenticate

from .conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store

LAST_DAY = date(2025, 3, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    summary = build_demo(Settings(), path, skus=500, days=3, seed=7, last_day=LAST_DAY)
    return path, summary


@pytest.fixture
def session(demo: tuple[Path, DemoSummary]) -> Iterator[Session]:
    opened = open_session(Settings(), demo[0], read_only=True)
    yield opened
    opened.close()


def test_demo_users_log_in_with_the_printed_pins(session: Session, demo: tuple[Path, DemoSummary]) -> None:
    pins = {username: pin for username, pin, _ in demo[1].users}
    assert pins == {"cashier": "1234", "supervisor": "234567", "manager": "345678", "admin": "456789"}
    for username, pin, role in demo[1].users:
        assert authenticate(session, username, pin).role == role


def test_demo_variants_and_portions_share_a_group(session: Session) -> None:
    groups = session.ledger.conn.execute(
        "SELECT grp, group_concat(variant, '/') FROM (SELECT grp, variant FROM products WHERE grp != ''"
        " ORDER BY product_id) GROUP BY grp"
    ).fetchall()
    labels = {variants for _, variants in groups}
    assert "S/M/L" in labels
    assert "Half/Full" in labels
    sizes = catalog.variants_of(session, next(grp for grp, variants in groups if variants == "S/M/L"))
    assert [p.variant for p in sizes] == ["L", "M", "S"]
    assert len({p.name for p in sizes}) == 1


def test_demo_pack_barcode_scans_as_six_or_twelve_units(session: Session) -> None:
    code, multiplier = session.ledger.conn.execute(
        "SELECT code, multiplier FROM barcodes WHERE multiplier = 6000 LIMIT 1"
    ).fetchone()
    assert len(code) == 14 and code[0] == "1"
    line = catalog.resolve_scan(session, code)
    assert line.quantity == multiplier == 6000
    assert session.ledger.conn.execute("SELECT COUNT(*) FROM barcodes WHERE multiplier = 12000").fetchone()[0]


def test_demo_weighed_item_sells_by_weight_from_a_scale_label(session: Session) -> None:
    key, product_id = session.ledger.conn.execute(
        "SELECT b.code, p.product_id FROM barcodes b JOIN products p USING (product_id)"
        " WHERE p.unit = 'kg' AND b.code LIKE '21%' LIMIT 1"
    ).fetchone()
    assert len(key) == 7
    body = f"{key}00750"  # 750 g
    line = catalog.resolve_scan(session, body + str(gtin_check_digit(body)))
    assert (line.product_id, line.unit, line.quantity) == (product_id, "kg", 750)


def test_demo_uses_all_three_tax_classes_and_sells_weighed_goods(session: Session) -> None:
    conn = session.ledger.conn
    used = {code for (code,) in conn.execute("SELECT DISTINCT tax_class FROM products")}
    assert used == {"std", "reduced", "exempt"}
    assert conn.execute("SELECT COUNT(*) FROM sale_lines WHERE unit = 'kg'").fetchone()[0] > 0
    assert conn.execute("SELECT COUNT(*) FROM sale_lines WHERE line_discount > 0").fetchone()[0] > 0


def test_demo_has_sales_returns_voids_and_split_tenders(session: Session, demo: tuple[Path, DemoSummary]) -> None:
    conn = session.ledger.conn
    summary = demo[1]
    assert summary.sales == conn.execute("SELECT COUNT(*) FROM sales").fetchone()[0] > 500
    assert summary.returns == conn.execute("SELECT COUNT(*) FROM returns WHERE NOT is_void").fetchone()[0] > 0
    assert summary.voids == conn.execute("SELECT COUNT(*) FROM returns WHERE is_void").fetchone()[0]
    methods = {m for (m,) in conn.execute("SELECT DISTINCT method FROM sale_tenders")}
    assert methods == {"cash", "card", "wallet"}
    assert conn.execute(
        "SELECT COUNT(*) FROM (SELECT sale_seq FROM sale_tenders GROUP BY sale_seq HAVING COUNT(*) = 2)"
    ).fetchone()[0]
    days = [day for (day,) in conn.execute("SELECT DISTINCT day FROM sales ORDER BY day")]
    assert days == ["2025-02-27", "2025-02-28", "2025-03-01"]


def test_demo_tills_open_and_close_a_shift_each_day_so_the_first_real_count_starts_clean(session: Session) -> None:
    from pos_tui.services.cash import shifts

    rows = session.ledger.conn.execute(
        "SELECT terminal, opened_day, closed_seq IS NOT NULL, float_amount, ABS(variance), auto_opened FROM shifts"
        " ORDER BY opened_seq"
    ).fetchall()
    days = ["2025-02-27", "2025-02-28", "2025-03-01"]
    assert sorted((terminal, day) for terminal, day, *_ in rows) == sorted(
        (terminal, day) for terminal in ("T1", "T2") for day in days)
    assert all(closed and not auto for _, _, closed, _, _, auto in rows)
    assert all(float_amount == 500_000 and variance <= 20_000 for _, _, _, float_amount, variance, _ in rows)
    closed_days = {day for (day,) in session.ledger.conn.execute(
        "SELECT j.day FROM shifts s JOIN journal j ON j.seq = s.closed_seq")}
    assert closed_days == set(days)  # each closed the evening it opened, not 30 days later
    assert shifts.open_shifts(session) == []
    # Every cash sale of a day lies inside that day's shift on its till.
    outside = session.ledger.conn.execute(
        "SELECT COUNT(*) FROM journal j WHERE j.kind = 'sale.completed' AND NOT EXISTS (SELECT 1 FROM shifts s"
        " WHERE s.terminal = j.terminal AND j.seq BETWEEN s.opened_seq AND s.closed_seq)"
    ).fetchone()[0]
    assert outside == 0


def test_demo_store_passes_pos_db_verify(demo: tuple[Path, DemoSummary]) -> None:
    ledger = open_ledger(demo[0], read_only=True)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    assert report.ok, report.problems
    assert report.entries == demo[1].journal_entries


def test_demo_search_index_is_rebuilt_and_kept_up_to_date(session: Session) -> None:
    conn = session.ledger.conn
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'products_search_%'").fetchone()[0] == 2
    for product_id in (1, 500):
        name = conn.execute("SELECT name FROM products WHERE product_id = ?", (product_id,)).fetchone()[0]
        hits = catalog.search_products(session, name, after_id=product_id - 1)
        assert hits[0].product_id == product_id
        assert catalog.search_products(session, name[:2], after_id=product_id - 1)[0].product_id == product_id


def _fingerprint(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    ledger = open_ledger(path, read_only=True)
    try:
        conn = ledger.conn
        products = conn.execute("SELECT * FROM products ORDER BY product_id").fetchall()
        products += conn.execute("SELECT * FROM barcodes ORDER BY code").fetchall()
        totals = conn.execute("SELECT terminal, number, day, total, change FROM sales ORDER BY seq").fetchall()
        totals += conn.execute("SELECT terminal, number, refund_total FROM returns ORDER BY seq").fetchall()
        return products, totals
    finally:
        ledger.close()


def test_same_seed_gives_the_same_catalogue_and_sales(tmp_path: Path) -> None:
    runs = []
    for name, seed in (("a.db", 3), ("b.db", 3), ("c.db", 4)):
        build_demo(Settings(), tmp_path / name, skus=200, days=2, seed=seed, sales_per_day=40, last_day=LAST_DAY)
        runs.append(_fingerprint(tmp_path / name))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_bulk_product_payload_is_the_event_payload() -> None:
    for product in generate_catalog(300, 5):
        event = ProductAdded(product.product_id, product.details)
        assert payload_of(event) == event.payload()


def test_pos_demo_prints_the_users_and_their_pins(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command("demo")(demo_command)
    app.command("noop")(lambda: None)
    path = tmp_path / "cli.db"
    result = CliRunner().invoke(app, ["demo", "--db", str(path), "--skus", "50", "--days", "1", "--sales-per-day", "5"])
    assert result.exit_code == 0, result.output
    for username, pin in (("cashier", "1234"), ("supervisor", "234567"), ("manager", "345678"), ("admin", "456789")):
        assert f"{username}" in result.output and f"PIN {pin}" in result.output
    again = CliRunner().invoke(app, ["demo", "--db", str(path), "--skus", "50", "--days", "1"])
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_demo_sales_record_exactly_what_complete_sale_records(tmp_path: Path) -> None:
    store = make_store(tmp_path / "store.db")
    try:
        till = store.as_user("cashier")
        cart = Cart().add(catalog.resolve_scan(till, f"3*{TEA_BARCODE}")).add(catalog.resolve_scan(till, MILK_BARCODE))
        cart = cart.with_line_discount(1, Discount("percent", 1000)).with_discount(Discount("amount", 500))
        tenders = [Tender("card", 50_000), Tender("cash", 200_000)]
        counter = _Counter(store, _Shop(5, bytearray(6), array("q", [0] * 6), {}), DemoClock(store.clock()))
        counter.tills = [till]
        with store.ledger.write():
            assert counter.sell(till, cart, tenders) == "T1-000001"
            counter.flush()
        sales.complete_sale(till, cart, tenders)
        rows = store.ledger.conn.execute(
            "SELECT seq, terminal, user, kind, payload FROM journal WHERE kind = 'sale.completed' ORDER BY seq"
        ).fetchall()
        legs = [store.ledger.conn.execute("SELECT account, amount FROM postings WHERE seq = ? ORDER BY leg",
                                          (row[0],)).fetchall() for row in rows]
        assert rows[0][1:4] == rows[1][1:4]
        assert rows[0][4].replace('"number":1,', '"number":2,') == rows[1][4]
        assert legs[0] == legs[1]
    finally:
        store.close()
    assert_verifies(tmp_path / "store.db")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ("UPDATE products SET price = price + 1 WHERE product_id = 17", "products row (17, "),
        ("DELETE FROM barcodes WHERE code = (SELECT MIN(code) FROM barcodes)", "is missing"),
        ("UPDATE returns SET sale_seq = NULL WHERE seq = (SELECT MIN(seq) FROM returns)", "returns row ("),
    ],
)
def test_a_demo_store_edited_behind_the_journal_fails_verify(
    demo: tuple[Path, DemoSummary], tmp_path: Path, edit: str, expected: str
) -> None:
    copy = tmp_path / "edited.db"
    source = sqlite3.connect(demo[0])
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.execute("PRAGMA foreign_keys = OFF")
    target.execute(edit)
    target.commit()
    target.close()
    ledger = open_ledger(copy, read_only=True)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    assert not report.ok
    assert expected in report.problems[0].message
    assert "projections differ from a replay" in report.problems[0].message
