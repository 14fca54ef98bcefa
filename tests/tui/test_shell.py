"""Login, locking, themes remembered per terminal, remapped keys, help and the read services."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from pos_tui.services.cash import daybook
from pos_tui.services.catalog import warehouse
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.help import HelpScreen
from pos_tui.tui.keys import key_groups
from pos_tui.tui.screens.login import delay_after
from pos_tui.tui.theme import ThemeMemory
from tests.conftest import TEA_BARCODE
from tests.tui.conftest import log_in, make_app, names, scan, wait_for


async def test_a_wrong_pin_says_so_without_saying_which_part_and_modes_stay_shut(
    shop: Session, tmp_path: Path
) -> None:
    messages: list[object] = []
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        assert not app.screen.query("#demo-users")  # users are listed in demo mode only
        app.screen.query_one("#user", Input).value = "admin"
        app.screen.query_one("#pin", Input).value = "0000"
        app.screen.query_one("#pin", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "LoginFailed" in names(messages))
        text = str(app.screen.query_one("#login-message", Static).content)
        assert text.startswith("Wrong user name or PIN.")
        await pilot.press("f2")
        assert app.current_mode == "login"


def test_repeated_failures_slow_down() -> None:
    assert [delay_after(n) for n in range(1, 8)] == [0, 0, 2, 4, 8, 16, 30]


async def test_demo_mode_lists_the_users_and_lock_returns_to_login(shop: Session, tmp_path: Path) -> None:
    app = make_app(shop, tmp_path, demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        assert "admin (admin)" in str(app.screen.query_one("#demo-users", Static).content)
        await log_in(pilot)
        await pilot.press("f10")
        assert app.current_mode == "login" and app.user is None


async def test_theme_choice_is_remembered_per_terminal(shop: Session, tmp_path: Path) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "midnight"
        await pilot.press("ctrl+t")
        assert app.theme == "daylight"
    assert ThemeMemory(tmp_path / "state", key="test").load() == "daylight"
    assert ThemeMemory(tmp_path / "state", key="other-tty").load() is None
    again = make_app(shop, tmp_path)
    async with again.run_test(size=(80, 24)):
        assert again.theme == "daylight"


async def test_a_site_key_map_moves_pay_to_another_key(shop: Session, tmp_path: Path) -> None:
    app = make_app(shop, tmp_path, keymap={"bucket.pay": "ctrl+s", "mode.warehouse": "f6"})
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, TEA_BARCODE)
        await pilot.press("ctrl+s")
        assert type(app.screen).__name__ == "TenderDialog"
        await pilot.press("escape", "f11")
        assert isinstance(app.screen, HelpScreen)
        bucket_keys = dict(next(rows for title, rows in key_groups(app) if title == "Bucket"))
        assert bucket_keys["ctrl+s"] == "Pay"
        await pilot.press("escape")
        assert "F6 Warehouse" in [str(e.content) for e in app.screen.query("DockEntry")]


def test_warehouse_pages_by_keyset_and_filters(shop: Session) -> None:
    first = warehouse.list_products(shop, limit=2)
    second = warehouse.list_products(shop, after_id=first[-1].product_id, limit=2)
    assert [p.sku for p in first + second] == ["TEA-200", "MILK-1L", "RICE-KG", "TS-S"]
    shirts = warehouse.list_products(shop, warehouse.ProductFilter(text="shirt", vendor="Local"))
    assert [p.variant for p in shirts] == ["S", "M"]
    assert warehouse.categories(shop) == ["Clothing", "Dairy", "Rice", "Tea"]
    tiles = warehouse.stock_tiles(shop)
    assert tiles.products == 5 and tiles.below_reorder == 0 and tiles.sale_value > tiles.cost_value


def test_daybook_lists_money_movements_of_today(shop: Session) -> None:
    from pos_tui.domain.cart import Cart
    from pos_tui.domain.tender import Tender
    from pos_tui.services.catalog import products as catalog
    from pos_tui.services.selling import sales

    cart = Cart().add(catalog.resolve_scan(shop, f"3*{TEA_BARCODE}"))
    sale = sales.complete_sale(shop, cart, [Tender("card", 50_000), Tender("cash", 100_000)])
    sales.return_items(shop, sale.reference, [(1, 1000)], reason="damaged")
    days = daybook.DayRange.named("today", daybook.today(shop))
    rows = daybook.movements(shop, days)
    assert [(m.kind, m.method, m.money_in, m.money_out) for m in rows] == [
        ("sale", "card", 50_000, 0), ("sale", "cash", 85_000, 0), ("return", "cash", 0, 45_000)]
    assert daybook.movements(shop, days, after=rows[0].key, limit=1) == [rows[1]]
    assert [m.reference for m in daybook.movements(shop, days, daybook.MovementFilter(method="card"))] == ["T1-000001"]
    totals = daybook.totals(shop, days)
    assert (totals.sales, totals.returns, totals.net_cash) == (135_000, 45_000, 40_000)


async def test_the_keys_screen_lists_only_the_screens_the_user_may_open(shop: Session, tmp_path: Path) -> None:
    from pos_tui.services.staff.users import add_user

    add_user(shop, "cara", "1234", role="cashier")
    add_user(shop, "mona", "345678", role="manager")
    seen: dict[str, tuple[list[str], list[str]]] = {}
    for user, pin in (("cara", "1234"), ("mona", "345678")):
        app = make_app(shop, tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in(pilot, user, pin)
            await pilot.press("f11")
            assert isinstance(app.screen, HelpScreen)
            groups = app.screen.groups
            everywhere = [description for key, description in dict(groups)["Everywhere"]]
            seen[user] = ([title for title, _ in groups], everywhere)

    cashier_groups, cashier_keys = seen["cara"]
    manager_groups, manager_keys = seen["mona"]
    assert "Reports" not in cashier_groups and "Audit" not in cashier_groups
    assert "Reports" not in cashier_keys and "Audit" not in cashier_keys
    assert {"Bucket", "Payment", "Warehouse", "Daybook"} <= set(cashier_groups)
    assert {"Bucket", "Payment", "Warehouse", "Daybook", "Reports", "Audit"} <= set(manager_groups)
    assert "Reports" in manager_keys and "Audit" in manager_keys and "Keys" in cashier_keys
