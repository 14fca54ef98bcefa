"""Eight tills, one file: every sale lands, numbers stay gapless, stock and books stay exact."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pos_tui.config import PricingSettings, Settings
from pos_tui.ledger.database import open_ledger
from pos_tui.services.catalog import products
from pos_tui.services.session import Session

from .conftest import MILK, MILK_BARCODE, TEA, TEA_BARCODE, assert_verifies, make_store
from .support.tills import run_tills

TERMINALS = [f"T{n}" for n in range(1, 9)]


def _count(path: Path, sql: str) -> int:
    ledger = open_ledger(path, read_only=True)
    try:
        value: int = ledger.conn.execute(sql).fetchone()[0]
        return value
    finally:
        ledger.close()


def _on_hand(path: Path, product_id: int) -> int:
    return _count(path, f"SELECT on_hand FROM stock WHERE product_id = {product_id}")


@pytest.mark.slow
@pytest.mark.xdist_group("processes")
def test_eight_tills_selling_200_each_lose_nothing_and_number_gaplessly(store_path: Path) -> None:
    make_store(store_path).close()
    tea_before, milk_before = _on_hand(store_path, TEA), _on_hand(store_path, MILK)
    started = time.monotonic()
    results = run_tills(store_path, TERMINALS, 200, "--barcode", TEA_BARCODE, "--barcode", MILK_BARCODE)
    elapsed = time.monotonic() - started

    for till in results:
        assert till.errors == [] and till.refused == [], (till.terminal, till.errors[:3], till.stderr[-500:])
        assert till.sold == list(range(1, 201)), f"{till.terminal} numbers are not gapless"
    # Each till sold tea on every sale and milk on every second one (see seller.py).
    assert _on_hand(store_path, TEA) == tea_before - 8 * 200 * 1000
    assert _on_hand(store_path, MILK) == milk_before - 8 * 100 * 1000
    assert _count(store_path, "SELECT COUNT(*) FROM sales") == 1600
    assert _count(store_path, "SELECT COUNT(*) FROM journal WHERE kind = 'sale.completed'") == 1600
    assert _count(store_path, "SELECT COUNT(DISTINCT terminal || '-' || number) FROM sales") == 1600
    assert_verifies(store_path)
    assert elapsed < 120


@pytest.mark.slow
@pytest.mark.xdist_group("processes")
def test_eight_tills_racing_for_the_last_50_teas_sell_exactly_50(store_path: Path) -> None:
    session: Session = make_store(store_path, Settings(pricing=PricingSettings(negative_stock="block")))
    products.adjust_stock(session, TEA, -50_000, "count")
    session.close()
    assert _on_hand(store_path, TEA) == 50_000

    results = run_tills(store_path, TERMINALS, 20, "--barcode", TEA_BARCODE, "--policy", "block")

    sold = sum(len(till.sold) for till in results)
    refused = [sentence for till in results for sentence in till.refused]
    assert [e for till in results for e in till.errors] == []
    assert sold == 50
    assert len(refused) == 8 * 20 - 50
    assert all(s.startswith("Tapal Danedar Tea 200g: selling 1 with 0 in stock.") for s in refused), refused[:3]
    assert all("Nothing was sold" in s for s in refused)
    assert _on_hand(store_path, TEA) == 0
    for till in results:
        assert till.sold == list(range(1, len(till.sold) + 1))  # a refusal burns no sale number
    assert _count(store_path, "SELECT COUNT(*) FROM journal WHERE kind = 'sale.completed'") == 50
    assert_verifies(store_path)
