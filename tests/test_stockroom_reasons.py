"""Reasons from a list: adjustments and returns take a reason of pos.toml, and its value goes to the
reason's account."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pos_tui.config import InventorySettings, Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.inventory import reasons
from pos_tui.services.reports import export
from pos_tui.services.selling import sales
from pos_tui.services.session import Session

from .conftest import TEA, TEA_BARCODE, assert_verifies
from .test_stockroom_products import head


def pos(store_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pos_tui.cli.main", *args, "--db", str(store_path)],
                          capture_output=True, text=True)


def test_an_adjustment_for_a_listed_reason_posts_to_its_account(store: Session) -> None:
    products.adjust_stock(store, TEA, -2000, "theft")
    products.adjust_stock(store, TEA, -1000, "spilled")  # free text from older callers: the old account
    balances = export.account_balances(store)
    assert balances["expenses:shrinkage:theft"] == 2 * 37_000
    assert balances["expenses:stock-adjustments"] == 37_000


def test_a_return_written_off_stays_in_the_cost_of_sales_as_the_reports_count_it(store: Session) -> None:
    sold = sales.complete_sale(store, Cart().add(products.resolve_scan(store, TEA_BARCODE)), [Tender("cash", 45_000)])
    sales.return_items(store, sold.reference, [(1, 1000)], reason="damaged", restock=False)
    assert export.account_balances(store)["expenses:cogs"] == 37_000


def test_reasons_outside_the_list_are_refused_on_the_command_line(store: Session, store_path: Path) -> None:
    before = head(store_path)
    adjusted = pos(store_path, "stock", "adjust", "TEA-200", "--qty", "-1", "--reason", "spilled", "--user", "admin")
    assert adjusted.returncode == 1 and "'spilled' is not one of the adjustment reasons: count" in adjusted.stderr
    returned = pos(store_path, "return", "--scan", TEA_BARCODE, "--reason", "meh", "--user", "admin")
    assert returned.returncode == 1 and "'meh' is not one of the return reasons: damaged" in returned.stderr
    assert head(store_path) == before
    ok = pos(store_path, "stock", "adjust", "TEA-200", "--qty", "-1", "--reason", "expired", "--user", "admin")
    assert ok.returncode == 0, ok.stderr
    assert "to expenses:shrinkage:expired" in ok.stdout
    assert_verifies(store_path)


def test_the_lists_and_their_accounts_come_from_pos_toml() -> None:
    settings = Settings(inventory=InventorySettings(adjustment_reasons={"mice": "expenses:pests"},
                                                    return_reasons=["stale"]))
    assert reasons.account_for(settings, "adjustment", "mice") == "expenses:pests"
    with pytest.raises(InvalidInput, match="'theft' is not one of the adjustment reasons: mice"):
        reasons.account_for(settings, "adjustment", "theft")
    with pytest.raises(InvalidInput, match="'damaged' is not one of the return reasons: stale"):
        reasons.account_for(settings, "return", "damaged")
