"""The journal: one event per change, and bad input that changes nothing at all.

Every refusal here must leave the journal head exactly where it was and say, in a sentence, what
went wrong.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pos_tui.config import PricingSettings, Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import LedgerError, PosError
from pos_tui.domain.money import MAX_AMOUNT
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import SCHEMA_VERSION, open_ledger
from pos_tui.ledger.entry import canonical_json
from pos_tui.ledger.journal import entries_after, format_time, parse_time
from pos_tui.services.catalog import products
from pos_tui.services.selling import parking, sales
from pos_tui.services.session import Session

from .conftest import MILK, MILK_BARCODE, RICE, TEA, TEA_BARCODE, ean13, make_store


def _refused_without_a_trace(store: Session, action: Callable[[], object], sentence: str) -> PosError:
    """Run ``action``; it must fail with ``sentence`` and leave the journal and every table untouched."""
    head = store.ledger.head()
    on_hand = store.ledger.conn.execute("SELECT group_concat(on_hand) FROM stock").fetchone()
    with pytest.raises(PosError, match=sentence) as refused:
        action()
    assert store.ledger.head() == head
    assert store.ledger.conn.execute("SELECT group_concat(on_hand) FROM stock").fetchone() == on_hand
    assert str(refused.value).endswith((".", "!", "?", ")")) and " " in str(refused.value)
    return refused.value


def _tea_cart(store: Session, quantity: int = 1) -> Cart:
    return Cart().add(products.resolve_scan(store, f"{quantity}*{TEA_BARCODE}"))


def test_each_sale_is_exactly_one_journal_entry_with_canonical_payload(store: Session) -> None:
    head = store.ledger.head()
    sale = sales.complete_sale(store, _tea_cart(store, 2), [Tender("cash", 100_000)])
    assert store.ledger.head().seq == head.seq + 1 == sale.seq
    (entry,) = list(entries_after(store.ledger, head.seq))
    assert entry.kind == "sale.completed"
    assert entry.prev_hash == head.hash
    assert entry.hash == sale.hash == entry.expected_hash()
    assert entry.payload_json == canonical_json(entry.payload)
    assert "." not in entry.payload_json.replace(entry.payload["lines"][0]["name"], "")  # no float anywhere
    assert sum(amount for _, amount in entry.postings) == 0
    assert (entry.terminal, entry.user) == ("T1", "admin")


@pytest.mark.parametrize(
    ("scan", "sentence"),
    [
        (TEA_BARCODE[:-1] + str((int(TEA_BARCODE[-1]) + 1) % 10), "(?i)check digit .* should be"),
        (TEA_BARCODE[:-2], "digits"),
        ("40063A1333931", "digits"),
        (ean13("999999999999"), "No product has the barcode"),
        (f"0*{TEA_BARCODE}", "would add nothing"),
        (f"-2*{TEA_BARCODE}", "is negative"),
        (f"123456789*{TEA_BARCODE}", "more than"),
        (f"1.5*{TEA_BARCODE}", "sold by the piece"),
        ("", "Nothing was scanned"),
    ],
)
def test_a_bad_scan_adds_nothing_and_says_why(store: Session, scan: str, sentence: str) -> None:
    _refused_without_a_trace(store, lambda: products.resolve_scan(store, scan), sentence)


@pytest.mark.parametrize(
    ("tenders", "sentence"),
    [
        ([Tender("cash", 40_000)], "still due"),
        ([Tender("card", 45_001)], "more than the total"),
        ([Tender("card", 30_000), Tender("wallet", 20_000)], "more than the total"),
        ([Tender("cash", MAX_AMOUNT + 1)], "more than the till accepts"),
        ([Tender("cash", 0)], "must be more than zero"),
        ([Tender("bitcoin", 45_000)], "not a payment method"),
        ([], "still due"),
    ],
)
def test_a_payment_that_does_not_work_records_no_sale(store: Session, tenders: list[Tender], sentence: str) -> None:
    cart = _tea_cart(store)
    _refused_without_a_trace(store, lambda: sales.complete_sale(store, cart, tenders), sentence)
    assert store.ledger.conn.execute("SELECT COUNT(*) FROM sales").fetchone()[0] == 0


def test_an_empty_cart_or_an_absurd_price_override_records_no_sale(store: Session) -> None:
    _refused_without_a_trace(store, lambda: sales.complete_sale(store, Cart(), [Tender("cash", 1)]), "cart is empty")
    cart = _tea_cart(store)
    _refused_without_a_trace(store, lambda: cart.with_price(0, MAX_AMOUNT + 1), "more than the till accepts")


@pytest.mark.parametrize(
    ("action", "sentence"),
    [
        (lambda s: products.receive_stock(s, [(TEA, 0, 100)]), "must be positive"),
        (lambda s: products.receive_stock(s, [(TEA, 1000, -1)]), "must be positive"),
        (lambda s: products.receive_stock(s, [(TEA, 1000, MAX_AMOUNT + 1)]), "more than the till accepts"),
        (lambda s: products.receive_stock(s, [(TEA, 1000, 100), (99, 1000, 100)]), "no product 99"),
        (lambda s: products.receive_stock(s, []), "at least one line"),
        (lambda s: products.adjust_stock(s, RICE, 0, "count"), "adjustment of zero"),
        (lambda s: products.adjust_stock(s, RICE, -500, "  "), "needs a reason"),
        (lambda s: products.change_price(s, MILK, -1), "cannot be negative"),
        (lambda s: products.change_price(s, MILK, MAX_AMOUNT + 1), "more than the till accepts"),
        (lambda s: products.change_price(s, 42, 100), "no product 42"),
        (lambda s: parking.park_cart(s, Cart(), "empty"), "nothing in the cart"),
        (lambda s: parking.resume_cart(s, "no-such-cart"), "parked cart is gone"),
    ],
)
def test_bad_stock_price_and_parking_requests_change_nothing(
    store: Session, action: Callable[[Session], object], sentence: str
) -> None:
    _refused_without_a_trace(store, lambda: action(store), sentence)


def test_a_block_on_negative_stock_refuses_the_whole_sale(store_path: Path) -> None:
    settings = Settings(pricing=PricingSettings(negative_stock="block"))
    session = make_store(store_path, settings)
    try:
        cart = Cart().add(products.resolve_scan(session, MILK_BARCODE)).add(
            products.resolve_scan(session, f"51*{MILK_BARCODE}")
        )
        _refused_without_a_trace(
            session, lambda: sales.complete_sale(session, cart, [Tender("cash", 10**8)]), "selling 52 with 50 in stock"
        )
    finally:
        session.close()


# --- a file that is not a store ---------------------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_plain_sqlite_file_is_refused_and_left_byte_for_byte_as_it_was(tmp_path: Path) -> None:
    other = tmp_path / "accounts.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (n INTEGER)")
    conn.commit()
    conn.close()
    before = _digest(other)
    with pytest.raises(LedgerError, match="is an SQLite database, but not a pos_tui store"):
        open_ledger(other)
    assert _digest(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.db"]


def test_a_text_file_is_refused_with_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("milk, eggs, tea\n" * 200)
    before = _digest(notes)
    with pytest.raises(LedgerError, match="is not a database file"):
        open_ledger(notes)
    assert _digest(notes) == before


def test_a_missing_file_is_not_created_by_opening_it(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="There is no store database"):
        open_ledger(tmp_path / "nope.db")
    assert not (tmp_path / "nope.db").exists()


def test_a_store_from_a_newer_pos_tui_is_refused_and_not_touched(store_path: Path) -> None:
    make_store(store_path).close()
    conn = sqlite3.connect(store_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = _digest(store_path)
    for read_only in (False, True):
        with pytest.raises(LedgerError, match=f"has schema version {SCHEMA_VERSION + 1}; this pos_tui knows up to"):
            open_ledger(store_path, read_only=read_only)
    assert _digest(store_path) == before


def test_a_read_only_seat_cannot_sell(store_path: Path) -> None:
    make_store(store_path).close()
    ledger = open_ledger(store_path, read_only=True)
    try:
        session = Session(ledger, Settings())
        cart = Cart().add(products.resolve_scan(session, TEA_BARCODE))
        _refused_without_a_trace(
            session, lambda: sales.complete_sale(session, cart, [Tender("cash", 45_000)]), "read-only"
        )
    finally:
        ledger.close()


def test_entry_times_are_written_as_strftime_writes_them() -> None:
    """format_time's fast path (isoformat) gives the text the journal always held."""
    ist = timezone(timedelta(hours=5, minutes=30))
    for moment in (datetime(2026, 12, 8, 0, 0, tzinfo=UTC), datetime(2053, 1, 31, 23, 59, 59, 999999, tzinfo=UTC),
                   datetime(2026, 3, 1, 4, 5, 6, 7, tzinfo=ist), datetime(999, 1, 1, tzinfo=UTC),
                   datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)):
        text = format_time(moment)
        assert text == moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if moment.year >= 1000:
            assert parse_time(text) == moment


def test_a_write_inside_a_write_is_a_savepoint_and_a_failure_rolls_back_only_its_own_part(store: Session) -> None:
    ledger = store.ledger
    conn = ledger.conn
    conn.execute("CREATE TEMP TABLE notes (n INTEGER)")
    with ledger.write():
        conn.execute("INSERT INTO notes VALUES (1)")
        with pytest.raises(PosError), ledger.write():
            conn.execute("INSERT INTO notes VALUES (2)")
            raise PosError("refused", "nothing")
        assert conn.in_transaction
        with ledger.write():
            conn.execute("INSERT INTO notes VALUES (3)")
    assert not conn.in_transaction
    assert conn.execute("SELECT n FROM notes ORDER BY n").fetchall() == [(1,), (3,)]
    with pytest.raises(PosError), ledger.write():
        conn.execute("INSERT INTO notes VALUES (4)")
        raise PosError("refused", "nothing")
    assert not conn.in_transaction
    assert conn.execute("SELECT n FROM notes ORDER BY n").fetchall() == [(1,), (3,)]
