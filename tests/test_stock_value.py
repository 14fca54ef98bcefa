"""One figure for stock at cost: the warehouse's tile, the stock valuation report and each product's detail
(quantity on hand × cost) agree to the minor unit, on a generated shop with weighed goods, averaged costs
and a product sold below zero."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from rich.console import Console

from pos_tui.config import Settings
from pos_tui.domain.money import extend
from pos_tui.services.catalog import products, warehouse
from pos_tui.services.demo.store import build_demo
from pos_tui.services.reports import stock
from pos_tui.services.reports.model import ReportQuery
from pos_tui.services.session import open_session
from pos_tui.tui.screens.product_detail import fields_table

from .conftest import assert_verifies


def test_the_tile_the_valuation_report_and_every_products_detail_agree_to_the_paisa(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    build_demo(Settings(), path, skus=120, days=3, seed=5, sales_per_day=40, last_day=date(2025, 3, 1))
    session = open_session(Settings(), path, username="admin")
    try:
        listed = warehouse.list_products(session, limit=500)
        # Stock owed (sold before it was received) counts as none: take one product below zero.
        first = listed[0]
        products.adjust_stock(session, first.product_id, -(first.on_hand + 2500), "count")
        listed = warehouse.list_products(session, limit=500)
        assert len(listed) == 120 and any(p.on_hand < 0 for p in listed)
        assert any(p.on_hand % 1000 for p in listed) and any(p.cost % 100 for p in listed)  # kg and averaged costs

        by_hand = sum(extend(max(p.on_hand, 0), p.cost) for p in listed)  # quantity × cost, product by product
        tile = warehouse.stock_tiles(session).cost_value
        day = date(2025, 3, 1).isoformat()
        report = stock.valuation(session, ReportQuery(first=day, last=day))
        details = [warehouse.product_stock_value(session, p.product_id).at_cost for p in listed]

        assert tile == report.totals[4] == sum(details) == by_hand
        assert (report.highlights[0].label, report.highlights[0].value) == ("At cost", tile)
        # The product's detail shows its share of that figure.
        tea = listed[1]
        value = warehouse.product_stock_value(session, tea.product_id)
        console = Console(width=160, record=True, file=io.StringIO())
        console.print(fields_table(products.get_product(session, tea.product_id), [], session.currency,
                                   session.tax_policy, value))
        assert f"Stock at cost  {session.currency.format(extend(max(tea.on_hand, 0), tea.cost))}" in (
            console.export_text())
    finally:
        session.close()
    assert_verifies(path)
