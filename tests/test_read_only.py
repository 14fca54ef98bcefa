"""A read-only seat (a manager over SSH) changes nothing: the database itself refuses, with a sentence."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from pos_tui.config import Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import LedgerError
from pos_tui.domain.events import ProductDetails
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import open_ledger
from pos_tui.services.catalog import products
from pos_tui.services.selling import parking, sales
from pos_tui.services.session import Session
from pos_tui.services.staff import employees, users

from .conftest import RICE, TEA, TEA_BARCODE, assert_verifies, make_store

NEW_PRODUCT = ProductDetails("SALT-1", "Salt 1kg", "Grocery", "Shan", "each", 9000, 7000, "std", 0)

WRITES: dict[str, Callable[[Session], object]] = {
    "sale": lambda s: sales.complete_sale(s, Cart().add(products.resolve_scan(s, TEA_BARCODE)),
                                          [Tender("cash", 50_000)]),
    "return": lambda s: sales.return_items(s, "T1-000001", [(1, 1000)], reason="dented"),
    "void": lambda s: sales.void_sale(s, "T1-000001", reason="twice"),
    "park": lambda s: parking.park_cart(s, Cart().add(products.resolve_scan(s, TEA_BARCODE)), "blue bag"),
    "resume": lambda s: parking.resume_cart(s, parking.list_parked(s)[0].cart_id),
    "add product": lambda s: products.add_products(s, [NEW_PRODUCT]),
    "edit product": lambda s: products.change_product(s, RICE, NEW_PRODUCT),
    "price": lambda s: products.change_price(s, TEA, 1),
    "receive": lambda s: products.receive_stock(s, [(TEA, 1000, 100)]),
    "adjust": lambda s: products.adjust_stock(s, TEA, -1000, "count"),
    "add user": lambda s: users.add_user(s, "omar", "1234"),
    "set pin": lambda s: users.set_pin(s, "admin", "999999"),
    "role": lambda s: users.change_role(s, "ayesha", "manager"),
    "unlock": lambda s: users.unlock_user(s, "ayesha"),
    "clock in": lambda s: employees.clock_in(s),
    "clock out": lambda s: employees.clock_out(s),
}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with one sale, one parked cart, a cashier with a wrong PIN counted, and the admin clocked in."""
    path = tmp_path_factory.mktemp("read-only") / "store.db"
    admin = make_store(path)
    WRITES["sale"](admin)
    WRITES["park"](admin)
    users.add_user(admin, "ayesha", "1111")
    with pytest.raises(Exception, match="Wrong"):
        users.login(admin, "ayesha", "0000")
    employees.clock_in(admin)
    admin.close()
    return path


def head(path: Path) -> tuple[int, ...]:
    with sqlite3.connect(path) as conn:
        return tuple(conn.execute("SELECT MAX(seq), (SELECT COUNT(*) FROM sales) FROM journal").fetchone())


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_refuses_on_a_read_only_seat(shop: Path, write: str) -> None:
    before = head(shop)
    seat = Session(open_ledger(shop, read_only=True), Settings(), "admin")
    try:
        with pytest.raises(LedgerError, match="read-only"):
            WRITES[write](seat)
    finally:
        seat.close()
    assert head(shop) == before
    assert_verifies(shop)


@pytest.mark.parametrize("write", list(WRITES))
def test_the_database_refuses_even_when_the_python_guard_is_bypassed(shop: Path, write: str) -> None:
    before = head(shop)
    seat = Session(open_ledger(shop, read_only=True), Settings(), "admin")
    seat.ledger.read_only = False  # only query_only, set on the SQLite connection, is left to refuse
    try:
        with pytest.raises(LedgerError, match="read-only"):
            WRITES[write](seat)
    finally:
        seat.close()
    assert head(shop) == before


def test_raw_sql_on_a_read_only_connection_is_refused_by_sqlite(shop: Path) -> None:
    ledger = open_ledger(shop, read_only=True)
    try:
        with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only|query_only"):
            ledger.conn.execute("UPDATE stock SET on_hand = 0")
    finally:
        ledger.close()
