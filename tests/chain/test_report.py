"""Head office's consolidated sales by store and day agree to the paisa with each store's own report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from pos_tui.services.reports import registry
from pos_tui.services.reports.model import ReportQuery
from pos_tui.services.selling import sales
from tests.chain.conftest import HeadOffice, pos, sell
from tests.conftest import MILK_BARCODE, TEA_BARCODE, make_store

MEASURES = ("sales", "takings", "returns", "net", "tax", "cost", "margin")


def test_head_office_sales_by_day_agree_to_the_paisa_with_each_stores_own_report(hq: HeadOffice,
                                                                                   tmp_path: Path) -> None:
    stores = {name: make_store(tmp_path / f"{name}.db") for name in ("north", "south")}
    sale = sell(stores["north"], f"3*{TEA_BARCODE}", 150_000)
    sell(stores["north"], MILK_BARCODE, 30_000)
    sales.void_sale(stores["north"], sale.reference, reason="customer walked out")
    sell(stores["south"], f"7*{MILK_BARCODE}", 200_000)
    sell(stores["south"], TEA_BARCODE, 50_000)
    ids = {name: hq.add_store(session) for name, session in stores.items()}
    hq.serve()
    for name in stores:
        assert hq.sync(tmp_path / f"{name}.db").returncode == 0
    done = pos("hq", "report", "sales-by-day", "--format", "json", env=hq.env())
    assert done.returncode == 0, done.stderr
    at_head_office = json.loads(done.stdout)
    assert {row["store"] for row in at_head_office} == set(ids.values())
    for name, session in stores.items():
        days = [row for row in at_head_office if row["store"] == ids[name]]
        first, last = days[0]["day"], days[-1]["day"]
        own = registry.run_report(session, "sales-by-day", ReportQuery(first, last))
        keys = [column.key for column in own.columns]
        own_rows = {row[0]: dict(zip(keys, row, strict=True)) for row in own.rows if row[2] or row[4]}
        assert {row["day"] for row in days} == set(own_rows)
        for row in days:
            assert {m: row[m] for m in MEASURES} == {m: own_rows[row["day"]][m] for m in MEASURES}
    north_only = pos("hq", "report", "sales-by-day", "--store", ids["north"], "--format", "csv", env=hq.env())
    rows = list(csv.DictReader(io.StringIO(north_only.stdout)))
    assert {row["store"] for row in rows} == {ids["north"]}
    assert sum(int(row["returns"]) for row in rows) == 135_000  # the void refunds the 3 teas
    table = pos("hq", "report", "sales-by-day", env=hq.env())
    assert table.returncode == 0 and "store-day(s)." in table.stdout and "1,350.00" in table.stdout


def test_an_unknown_report_or_format_is_refused_with_a_sentence(hq: HeadOffice) -> None:
    done = pos("hq", "report", "stock-by-moon", env=hq.env())
    assert done.returncode == 1 and "has no report 'stock-by-moon'" in done.stderr and "Traceback" not in done.stderr
    done = pos("hq", "report", "sales-by-day", "--format", "xml", env=hq.env())
    assert done.returncode == 1 and "--format 'xml'" in done.stderr
