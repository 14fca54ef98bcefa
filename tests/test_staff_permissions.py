"""The permission matrix over the services: blocked, approved by someone who may, recorded with both names."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from pos_tui.config import Settings, load_settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.permissions import Action, PermissionRequired
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.services.staff import authz, users

from .conftest import MILK_BARCODE, RICE, TEA, TEA_BARCODE, assert_verifies, make_store


@pytest.fixture
def shop(store: Session) -> Session:
    users.add_user(store, "ayesha", "1111", role="cashier")
    users.add_user(store, "bilal", "222222", role="supervisor")
    users.add_user(store, "sana", "333333", role="manager")
    return store


def last_entry(session: Session) -> tuple[str, str, dict[str, object]]:
    kind, user, payload = session.ledger.conn.execute(
        "SELECT kind, user, payload FROM journal ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return kind, user, json.loads(payload)


def sell_tea(till: Session) -> str:
    cart = Cart().add(products.resolve_scan(till, TEA_BARCODE)).add(products.resolve_scan(till, MILK_BARCODE))
    return sales.complete_sale(till, cart, [Tender("cash", 100_000)]).reference


def test_cashier_is_blocked_from_a_void_until_a_supervisor_approves_and_the_void_names_both(shop: Session) -> None:
    till = shop.as_user("ayesha")
    sale = sell_tea(till)
    with pytest.raises(PermissionRequired, match="ayesha may not void a sale"):
        sales.void_sale(till, sale, reason="customer walked out")
    assert last_entry(shop)[0] == "sale.completed", "nothing was written"
    approval = authz.approve(till, "bilal", "222222", Action.VOID_SALE, "customer walked out")
    sales.void_sale(till, sale, reason="customer walked out", approval=approval)
    kind, user, payload = last_entry(shop)
    assert (kind, user, payload["is_void"]) == ("sale.returned", "ayesha", True)
    assert payload["approvals"] == [{"action": "void_sale", "approver": "bilal", "reason": "customer walked out"}]


def test_a_supervisor_voids_alone_and_the_event_carries_no_approval(shop: Session) -> None:
    sale = sell_tea(shop.as_user("ayesha"))
    sales.void_sale(shop.as_user("bilal"), sale, reason="rang up twice")
    kind, user, payload = last_entry(shop)
    assert (kind, user) == ("sale.returned", "bilal") and "approvals" not in payload


def test_returns_with_a_receipt_are_a_cashiers_job_unless_the_config_says_otherwise(tmp_path: Path) -> None:
    config = tmp_path / "pos.toml"
    config.write_text('[staff.roles.cashier]\nwithout = ["return_with_receipt"]\n', encoding="utf-8")
    store = make_store(tmp_path / "store.db", load_settings(config))
    users.add_user(store, "ayesha", "1111", role="cashier")
    users.add_user(store, "bilal", "222222", role="supervisor")
    till = store.as_user("ayesha")
    sale = sell_tea(till)
    with pytest.raises(PermissionRequired):
        sales.return_items(till, sale, [(1, 1000)], reason="dented")
    approval = authz.approve(till, "bilal", "222222", Action.RETURN_WITH_RECEIPT, "dented tin")
    sales.return_items(till, sale, [(1, 1000)], reason="dented", approval=approval)
    assert last_entry(store)[2]["approvals"] == [
        {"action": "return_with_receipt", "approver": "bilal", "reason": "dented tin"}]
    sales.return_items(Session(store.ledger, Settings(), "ayesha"), sale, [(2, 1000)], reason="sour")  # built-in
    store.close()
    assert_verifies(tmp_path / "store.db")


def test_stock_adjustment_needs_a_manager_a_supervisors_pin_is_not_enough(shop: Session) -> None:
    till = shop.as_user("bilal")
    with pytest.raises(PermissionRequired):
        products.adjust_stock(till, RICE, -500, "spilled")
    with pytest.raises(authz.ApprovalRefusedError):
        authz.approve(shop.as_user("ayesha"), "bilal", "222222", Action.STOCK_ADJUST, "spilled")
    approval = authz.approve(till, "sana", "333333", Action.STOCK_ADJUST, "spilled sack")
    products.adjust_stock(till, RICE, -500, "spilled", approval=approval)
    kind, user, payload = last_entry(shop)
    assert (kind, user, payload["approvals"][0]["approver"]) == ("stock.adjusted", "bilal", "sana")


def test_price_changes_product_edits_and_deliveries_follow_the_matrix(shop: Session) -> None:
    cashier, supervisor, manager = (shop.as_user(name) for name in ("ayesha", "bilal", "sana"))
    with pytest.raises(PermissionRequired, match="change prices"):
        products.change_price(cashier, TEA, 46_000, "promo")
    products.change_price(manager, TEA, 46_000, "promo")
    with pytest.raises(PermissionRequired, match="receive stock"):
        products.receive_stock(cashier, [(TEA, 1000, 37_000)])
    products.receive_stock(supervisor, [(TEA, 1000, 37_000)], reference="PO-2")
    tea = products.get_product(shop, TEA)
    details = products.ProductDetails(tea.sku, "Tapal Tea 200g", tea.category, tea.vendor, tea.unit, 47_000, tea.cost,
                                     tea.tax_class, 0)
    with pytest.raises(PermissionRequired, match="edit products"):
        products.change_product(supervisor, TEA, replace(details, price=tea.price))
    with pytest.raises(PermissionRequired, match="change prices"):  # an edit that reprices asks for that
        products.change_product(supervisor, TEA, details)
    approval = authz.approve(supervisor, "sana", "333333", Action.PRODUCT_EDIT, "new pack name")
    with pytest.raises(PermissionRequired, match="change prices"):
        products.change_product(supervisor, TEA, details, approval=approval)  # an edit's approval keeps the price
    products.change_product(supervisor, TEA, replace(details, price=tea.price), approval=approval)
    assert products.get_product(shop, TEA).name == "Tapal Tea 200g"
    # One approval for the price covers the edit that carries it, recorded against both events.
    before = shop.ledger.head().seq
    approval = authz.approve(supervisor, "sana", "333333", Action.PRICE_CHANGE, "new pack price")
    products.change_product(supervisor, TEA, replace(details, name="Tapal Tea 250g"), approval=approval)
    rows = shop.ledger.conn.execute("SELECT kind, payload FROM journal WHERE seq > ? ORDER BY seq", (before,))
    recorded = [(kind, [a["action"] for a in json.loads(payload)["approvals"]]) for kind, payload in rows]
    assert recorded == [("product.changed", ["product_edit"]), ("price.changed", ["price_change"])]
    assert products.get_product(shop, TEA).price == 47_000


def test_user_admin_is_the_admins_and_a_manager_is_refused(shop: Session) -> None:
    manager = shop.as_user("sana")
    with pytest.raises(PermissionRequired, match="manage users"):
        users.add_user(manager, "omar", "4444")
    with pytest.raises(PermissionRequired):
        users.set_pin(manager, "ayesha", "5555")
    approval = authz.approve(manager, "admin", "456789", Action.USER_ADMIN, "new starter")
    users.add_user(manager, "omar", "4444", approval=approval)
    kind, user, payload = last_entry(shop)
    assert (kind, user, payload["approvals"][0]["approver"]) == ("user.added", "sana", "admin")
    assert "pin" not in json.dumps(payload["approvals"])
    users.change_role(shop, "omar", "supervisor")
    assert authz.user_role(shop, "omar") == "supervisor"
