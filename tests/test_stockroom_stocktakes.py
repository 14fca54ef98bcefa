"""Stocktakes: counted by scan on several tills at once while the shop keeps selling; the variance is
reviewed by product and category, then posted once as one event to the reason's account."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import InvalidAmount, InvalidInput
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.inventory import lifecycle, stocktakes
from pos_tui.services.reports import export
from pos_tui.services.selling import sales
from pos_tui.services.session import Session

from .conftest import MILK, MILK_BARCODE, TEA, TEA_BARCODE, assert_verifies, make_store
from .test_stockroom_products import head

TEA_SIX_PACK = "1" + TEA_BARCODE[:-1] + "8"
BARCODES = {TEA: TEA_BARCODE, MILK: MILK_BARCODE}


def sell(session: Session, product_id: int, quantity: int) -> None:
    line = products.resolve_scan(session, f"{quantity}*{BARCODES[product_id]}")
    sales.complete_sale(session, Cart().add(line), [Tender("cash", 10_000_000)])


def test_a_count_while_the_shop_sells_keeps_the_sales_and_posts_the_shortage_to_shrinkage(
    store: Session, store_path: Path
) -> None:
    number = stocktakes.start(store)
    stocktakes.count(store, number, [TEA_SIX_PACK, TEA_SIX_PACK])  # 12 counted of the 100 on hand
    sell(store, TEA, 3)  # three leave the shelf while the counter works
    stocktakes.count(store, number, [TEA_BARCODE], quantity=80_000)  # ... and 80 more counted
    stocktakes.count(store, number, [MILK_BARCODE], quantity=50_000)  # milk all there
    sell(store, TEA, 2)  # sold after the tea was counted: must stay sold

    found = stocktakes.review(store, number)
    tea = next(line for line in found.lines if line.product_id == TEA)
    assert (tea.counted, tea.on_hand_start, tea.expected, tea.quantity) == (92_000, 100_000, 97_000, -5000)
    assert tea.value == -5 * 37_000
    assert found.by_category() == [("Dairy", 0, 0), ("Tea", -5000, -5 * 37_000)]

    stocktakes.post(store, number, reason="theft")
    assert products.get_product(store, TEA).on_hand == 90_000  # 92 counted, less the 2 sold since
    assert export.account_balances(store)["expenses:shrinkage:theft"] == 5 * 37_000
    before = head(store_path)
    with pytest.raises(InvalidInput, match="ST-000001 was posted already"):
        stocktakes.post(store, number)
    with pytest.raises(InvalidInput, match="ST-000001 was posted already"):
        stocktakes.count(store, number, [TEA_BARCODE])
    assert head(store_path) == before
    assert stocktakes.review(store, number).lines == found.lines  # the variance report stays in history
    assert_verifies(store_path)


def test_a_negative_count_a_product_retired_since_or_outside_the_scope_is_refused(
    store: Session, store_path: Path
) -> None:
    number = stocktakes.start(store, category="Tea")
    stocktakes.count(store, number, [TEA_BARCODE])
    before = head(store_path)
    with pytest.raises(InvalidAmount, match="cannot be negative"):
        stocktakes.count(store, number, [TEA_BARCODE], quantity=-1000)
    with pytest.raises(InvalidInput, match="is not in ST-000001 \\(category Tea\\)"):
        stocktakes.count(store, number, [MILK_BARCODE])
    assert head(store_path) == before
    lifecycle.retire_product(store, "TEA-200")
    with pytest.raises(InvalidInput, match="was retired after it was counted in ST-000001"):
        stocktakes.post(store, number)
    with pytest.raises(InvalidInput, match="is retired and cannot be counted"):
        stocktakes.count(store, number, [TEA_BARCODE])
    assert head(store_path) == before + 1  # the retirement only


def test_two_tills_counting_the_same_product_at_once_add_up(store: Session, store_path: Path) -> None:
    number = stocktakes.start(store)
    command = [sys.executable, "-m", "pos_tui.cli.main", "stocktake", "count", "ST-1", "--db", str(store_path),
               "--user", "admin"]
    tills = [subprocess.Popen([*command, *[arg for _ in range(20) for arg in ("--scan", TEA_BARCODE)]],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for till in tills:
        _, err = till.communicate()
        assert till.returncode == 0, err
    (tea,) = stocktakes.review(store, number).lines
    assert tea.counted == 40_000


def test_the_stocktake_commands_refuse_in_a_sentence(store: Session, store_path: Path) -> None:
    command = [sys.executable, "-m", "pos_tui.cli.main", "--db", str(store_path), "stocktake"]
    started = subprocess.run([*command, "start", "--vendor", "Tapal", "--user", "admin"], capture_output=True,
                             text=True)
    assert started.returncode == 0 and "ST-000001 started (vendor Tapal)" in started.stdout
    negative = subprocess.run([*command, "count", "ST-1", "--scan", TEA_BARCODE, "--qty", "-3", "--user", "admin"],
                              capture_output=True, text=True)
    assert negative.returncode == 1 and "A count cannot be negative" in negative.stderr
    counted = subprocess.run([*command, "count", "ST-1", "--scan", TEA_BARCODE, "--qty", "99", "--user", "admin"],
                             capture_output=True, text=True)
    assert counted.returncode == 0, counted.stderr
    reviewed = subprocess.run([*command, "review", "ST-1"], capture_output=True, text=True)
    assert "category Tea" in reviewed.stdout and "Rs -370.00" in reviewed.stdout
    posted = subprocess.run([*command, "post", "ST-1", "--user", "admin"], capture_output=True, text=True)
    assert "Posted ST-000001: 1 product, Rs -370.00 at cost to expenses:shrinkage." in posted.stdout
    again = subprocess.run([*command, "post", "ST-1", "--user", "admin"], capture_output=True, text=True)
    assert again.returncode == 1 and "was posted already" in again.stderr and "Traceback" not in again.stderr
    assert_verifies(store_path)


# Steps of a count while two tills sell: ("count", product, scans) or ("sell", product, quantity).
step = st.one_of(
    st.tuples(st.just("count"), st.sampled_from([TEA, MILK]), st.integers(0, 6)),
    st.tuples(st.just("sell"), st.sampled_from([TEA, MILK]), st.integers(1, 4)),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_every_variance_is_counted_less_what_was_on_hand_at_count_start_less_what_sold_since(
    steps: list[tuple[str, int, int]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        session = make_store(Path(folder) / "store.db")
        try:
            number = stocktakes.start(session)
            start: dict[int, int] = {}
            counted: dict[int, int] = {}
            sold_since: dict[int, int] = {}  # sold between a product's first and latest count
            sold_pending: dict[int, int] = {}  # sold since its latest count (not yet "since")
            for action, product_id, amount in steps:
                if action == "sell":
                    sell(session, product_id, amount)
                    if product_id in start:
                        sold_pending[product_id] = sold_pending.get(product_id, 0) + amount * 1000
                    continue
                if product_id not in start:
                    start[product_id] = products.get_product(session, product_id).on_hand
                sold_since[product_id] = sold_since.get(product_id, 0) + sold_pending.pop(product_id, 0)
                stocktakes.count(session, number, [BARCODES[product_id]], quantity=amount * 1000)
                counted[product_id] = counted.get(product_id, 0) + amount * 1000
            found = {line.product_id: line for line in stocktakes.review(session, number).lines}
            assert set(found) == set(counted)
            for product_id, line in found.items():
                assert line.quantity == counted[product_id] - (start[product_id] - sold_since.get(product_id, 0))
            if found:
                on_hand_before = {pid: products.get_product(session, pid).on_hand for pid in found}
                stocktakes.post(session, number)
                for product_id, line in found.items():
                    after = products.get_product(session, product_id).on_hand
                    assert after == on_hand_before[product_id] + line.quantity
        finally:
            session.close()
        assert_verifies(Path(folder) / "store.db")


def test_a_stocktake_left_open_across_a_z_is_named_in_the_z(store: Session) -> None:
    from pos_tui.services.cash import day_reports
    from pos_tui.services.reports.printed import day_report_document, report_text

    posted = stocktakes.start(store)
    stocktakes.count(store, posted, [TEA_BARCODE], quantity=100_000)
    stocktakes.post(store, posted)
    stocktakes.start(store, category="Dairy")
    closed = day_reports.z_report(store, force=True)
    text = report_text(day_report_document(store, closed.report))
    assert "Stocktakes still open" in text and "ST-000002" in text and "category Dairy" in text
    assert "ST-000001" not in text
