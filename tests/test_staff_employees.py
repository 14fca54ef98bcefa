"""Employees: hours worked from clock-ins, sales per cashier and per hour, and commissions from config."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pos_tui.cli.main import app
from pos_tui.config import load_settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import RuleViolation
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.services.staff import employees, users

from .conftest import MILK_BARCODE, TEA_BARCODE, TSHIRT_S, assert_verifies, make_store

CONFIG = """
[[staff.commission]]
category = "Clothing"
percent_bp = 500

[[staff.commission]]
sku = "TEA-200"
flat_per_item = 1000
"""


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2053, 3, 3, 4, 10, tzinfo=UTC)  # 09:10 in Karachi, after the store opened

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def shop(tmp_path: Path) -> Session:
    config = tmp_path / "pos.toml"
    config.write_text(CONFIG, encoding="utf-8")
    admin = make_store(tmp_path / "store.db", load_settings(config))
    users.add_user(admin, "ayesha", "1111")
    users.add_user(admin, "bilal", "222222", role="supervisor")
    return admin


def at(session: Session, username: str, clock: Clock) -> Session:
    return Session(session.ledger, session.settings, username, clock=clock)


def sell(till: Session, *codes: str) -> None:
    cart = Cart()
    for code in codes:
        cart = cart.add(products.resolve_scan(till, code))
    sales.complete_sale(till, cart, [Tender("cash", 1_000_000)])


def test_clocking_in_and_out_gives_whole_minutes_for_payroll(shop: Session) -> None:
    clock = Clock()
    ayesha = at(shop, "ayesha", clock)
    employees.clock_in(ayesha)
    with pytest.raises(RuleViolation, match="already clocked in"):
        employees.clock_in(ayesha)
    clock.now += timedelta(hours=8, minutes=29, seconds=59)
    assert employees.clock_out(ayesha) == 509
    with pytest.raises(RuleViolation, match="not clocked in"):
        employees.clock_out(ayesha)
    employees.clock_in(at(shop, "bilal", clock))  # still in: listed, no minutes yet
    shifts = employees.worked_shifts(shop, "2053-03-03", "2053-03-03")
    assert [(s.username, s.clocked_in, s.clocked_out, s.minutes) for s in shifts] == [
        ("ayesha", "2053-03-03 09:10", "2053-03-03 17:39", 509), ("bilal", "2053-03-03 17:39", "", 0)]
    assert employees.worked_shifts(shop, "2053-03-04", "2053-03-04") == []
    shop.close()
    assert_verifies(shop.ledger.path)


def test_sales_per_cashier_and_per_local_hour(shop: Session) -> None:
    clock = Clock()
    sell(at(shop, "ayesha", clock), TEA_BARCODE, MILK_BARCODE)
    clock.now += timedelta(minutes=55)  # 10:05 local
    sell(at(shop, "ayesha", clock), TEA_BARCODE)
    sell(at(shop, "bilal", clock), MILK_BARCODE)
    by_cashier = {f.key: (f.sales, f.items, f.total)
                  for f in employees.sales_per_cashier(shop, "2053-03-03", "2053-03-03")}
    assert by_cashier == {"ayesha": (2, 3, 45_000 + 28_000 + 45_000), "bilal": (1, 1, 28_000)}
    by_hour = {f.key: f.sales for f in employees.sales_per_hour(shop, "2053-03-03", "2053-03-03")}
    assert by_hour == {"09": 1, "10": 2}
    assert {f.key: f.sales for f in employees.sales_per_hour(shop, "2053-03-03", "2053-03-03", "bilal")} == {"10": 1}
    shop.close()
    assert_verifies(shop.ledger.path)


def test_commission_is_percent_by_category_or_flat_per_item_less_returns(shop: Session) -> None:
    clock = Clock()
    ayesha = at(shop, "ayesha", clock)
    shirt = products.get_product(shop, TSHIRT_S)
    sell(ayesha, TEA_BARCODE, TEA_BARCODE, MILK_BARCODE)
    cart = Cart().add(products.line_for(shirt, 2000))
    done = sales.complete_sale(ayesha, cart, [Tender("cash", 1_000_000)])
    sales.return_items(ayesha, done.reference, [(1, 1000)], reason="too small")
    [paid] = employees.commissions(shop, "2053-03-03", "2053-03-03")
    shirt_net = done.priced.lines[0].net // 2
    assert paid.username == "ayesha"
    assert paid.commission == 2 * 1000 + round(shirt_net * 0.05)  # float-ok: a test's arithmetic check
    assert paid.items == 3000  # two teas and the shirt kept; milk has no rule
    shop.close()
    assert_verifies(shop.ledger.path)


def test_pos_staff_clock_in_out_and_hours_csv(shop: Session, tmp_path: Path) -> None:
    path = shop.ledger.path
    shop.close()
    runner = CliRunner()
    db = ["--db", str(path), "--config", str(tmp_path / "pos.toml")]
    result = runner.invoke(app, ["staff", "clock-in", "ayesha", "--pin", "1111", *db])
    assert result.exit_code == 0, result.output
    assert "ayesha clocked in" in result.output
    wrong = runner.invoke(app, ["staff", "clock-out", "ayesha", "--pin", "9999", *db])
    assert wrong.exit_code == 1 and "Wrong user name or PIN" in wrong.output
    assert runner.invoke(app, ["staff", "clock-out", "ayesha", "--pin", "1111", *db]).exit_code == 0
    today = datetime.now(UTC).date().isoformat()
    hours = runner.invoke(app, ["staff", "hours", "--from", "2020-01-01", "--to", "2100-01-01", "--csv", *db])
    rows = list(csv.DictReader(io.StringIO(hours.output)))
    assert [(r["username"], r["minutes"]) for r in rows] == [("ayesha", "0")]
    assert rows[0]["date"] in {today, (datetime.now(UTC) + timedelta(hours=5)).date().isoformat()}
    assert_verifies(path)


def test_pos_staff_sales_counts_items_as_a_count_like_the_report(shop: Session, tmp_path: Path) -> None:
    from .conftest import TEA

    till = at(shop, "ayesha", Clock())
    tea = products.get_product(shop, TEA)
    sales.complete_sale(till, Cart().add(products.line_for(tea, 1_234_000)), [Tender("cash", 100_000_000)])
    path = shop.ledger.path
    shop.close()
    days = ["--from", "2053-03-03", "--to", "2053-03-03", "--db", str(path), "--config", str(tmp_path / "pos.toml")]
    table = CliRunner().invoke(app, ["staff", "sales", *days])
    assert table.exit_code == 0, table.output
    ayesha = next(line.split() for line in table.output.splitlines() if line.startswith("ayesha"))
    assert ayesha[:3] == ["ayesha", "1", "1,234"]  # 1,234 teas, not "1.234" (thousandths twice)
    rows = list(csv.DictReader(io.StringIO(CliRunner().invoke(app, ["staff", "sales", "--csv", *days]).output)))
    assert rows[0]["items"] == "1234"
