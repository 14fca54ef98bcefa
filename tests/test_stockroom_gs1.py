"""GS1-128 and DataBar labels at the scan field: weight, price, best-before and expiry, lot. The lot and
date go with the sale line; an item past its date is refused, or needs a supervisor by configuration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pos_tui.config import InventorySettings, Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import BarcodeError, RuleViolation
from pos_tui.domain.events import BarcodeSpec, ProductDetails
from pos_tui.domain.gs1 import parse_gs1
from pos_tui.domain.permissions import PermissionRequired
from pos_tui.domain.scan import parse_scan
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.services.staff.users import add_user

from .conftest import assert_verifies, ean13, make_store

CHEESE_GTIN = "09501101530003"
CHEESE = ProductDetails("CHEESE", "Cheddar", "Dairy", "Dairy Co", "kg", 200_000, 150_000, "std", 0,
                        barcodes=(BarcodeSpec(CHEESE_GTIN[1:]),))
WEIGHED_LABEL = f"(01){CHEESE_GTIN}(3103)000750(17)301231(10)L42"  # 0.750 kg, expires 2030-12-31, lot L42
GS = "\x1d"  # the group separator a scanner sends after a variable-length field


def stocked(session: Session) -> int:
    (cheese,) = products.add_products(session, [CHEESE])
    products.receive_stock(session, [(cheese, 10_000, 150_000)])
    return cheese


def test_a_label_says_weight_price_dates_and_lot_as_a_scanner_or_a_person_sends_it() -> None:
    scanned = parse_gs1(f"]C101{CHEESE_GTIN}310300075017260700{GS}10L42{GS}3922012345", exponent=2)
    assert (scanned.gtin, scanned.weight, scanned.expiry, scanned.lot, scanned.price) == (
        CHEESE_GTIN, 750, "2026-07-31", "L42", 12345)  # day 00: the end of the month
    typed = parse_gs1(WEIGHED_LABEL, exponent=2)
    assert (typed.weight, typed.expiry, typed.lot, typed.use_by) == (750, "2030-12-31", "L42", "2030-12-31")
    best_before = parse_gs1(f"01{CHEESE_GTIN}15200110", exponent=2)
    assert (best_before.best_before, best_before.use_by, best_before.weight) == ("2020-01-10", "2020-01-10", None)
    assert parse_gs1(f"01{CHEESE_GTIN}3922123456", exponent=2).price == 123456  # 1,234.56: 3922, two decimals
    request = parse_scan(WEIGHED_LABEL)
    assert (request.kind, request.lookup_code, request.embedded_quantity, request.lot, request.use_by) == (
        "gs1", CHEESE_GTIN[1:], 750, "L42", "2030-12-31")


@pytest.mark.parametrize(("code", "words"), [
    ("0109501101530004" + "17301231", "wrong check digit"),
    (f"01{CHEESE_GTIN}17230230", "a date that does not exist"),
    (f"01{CHEESE_GTIN}17231301", "a date that does not exist"),
    (f"01{CHEESE_GTIN}3923123456", "more decimals than the till keeps"),
    ("(10)L42(17)301231", "names no product"),
])
def test_a_bad_label_is_refused_with_a_sentence(code: str, words: str) -> None:
    with pytest.raises(BarcodeError, match=words):
        parse_scan(code, exponent=0)


def test_the_lot_and_date_go_with_the_sale_line_and_the_in_store_labels_still_read(
    store: Session, store_path: Path
) -> None:
    cheese = stocked(store)
    cart = Cart().add(products.resolve_scan(store, WEIGHED_LABEL))
    cart = cart.add(products.resolve_scan(store, ean13("211234500750")))  # the rice's in-store weight label
    assert [(line.product_id, line.quantity) for line in cart.lines] == [(cheese, 750), (3, 750)]
    sold = sales.complete_sale(store, cart, [Tender("cash", 500_000)])
    batches = store.ledger.conn.execute("SELECT line_no, lot, best_before, expiry FROM sold_batches WHERE seq = ?",
                                        (sold.seq,)).fetchall()
    assert batches == [(1, "L42", "", "2030-12-31")]
    assert products.get_product(store, cheese).on_hand == 9250
    assert_verifies(store_path)


def test_an_item_past_its_date_is_refused_or_needs_a_supervisor_by_configuration(tmp_path: Path) -> None:
    expired = f"(01){CHEESE_GTIN}(3103)000500(17)200101(10)OLD"
    refusing = make_store(tmp_path / "refuse.db")
    stocked(refusing)
    with pytest.raises(RuleViolation, match=r"Cheddar is past its date \(2020-01-01\) and cannot be sold"):
        products.resolve_scan(refusing, expired)
    refusing.close()

    settings = Settings(inventory=InventorySettings(expired_sale="supervisor"))
    asking = make_store(tmp_path / "ask.db", settings)
    stocked(asking)
    add_user(asking, "cara", "1111", role="cashier")
    add_user(asking, "sana", "222222", role="supervisor")
    with pytest.raises(PermissionRequired, match="cara may not sell an item past its date"):
        products.resolve_scan(asking.as_user("cara"), expired)
    assert products.resolve_scan(asking.as_user("sana"), expired).quantity == 500
    asking.close()
    assert_verifies(tmp_path / "ask.db")


def test_pos_sale_reads_a_gs1_label_and_refuses_a_bad_one_in_a_sentence(store: Session, store_path: Path) -> None:
    stocked(store)
    command = [sys.executable, "-m", "pos_tui.cli.main", "sale", "--db", str(store_path), "--pay", "cash:5000",
               "--user", "admin"]
    sold = subprocess.run([*command, "--scan", WEIGHED_LABEL], capture_output=True, text=True)
    assert sold.returncode == 0, sold.stderr
    assert "0.75 kg x 2,000.00" in sold.stdout
    bad = subprocess.run([*command, "--scan", f"01{CHEESE_GTIN}17231301"], capture_output=True, text=True)
    assert bad.returncode == 1 and "carries a date that does not exist" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert_verifies(store_path)
