"""The Customers screen (Ctrl+Z): found as you type, added, edited, merged, exported and forgotten from the
till, each a sentence on the status line; a cashier may find and add but is told who may forget."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.customers import accounts, balances
from pos_tui.services.customers.accounts import Person
from pos_tui.services.selling import sales
from pos_tui.services.session import Session, open_session
from pos_tui.services.staff.users import add_user
from pos_tui.tui.access import READ_ONLY
from pos_tui.tui.dialogs.confirm import ConfirmDialog
from pos_tui.tui.dialogs.customer import CustomerDialog
from pos_tui.tui.dialogs.form import FormDialog
from pos_tui.tui.messages import BarcodeScanned
from pos_tui.tui.screens.base import StatusLine
from pos_tui.tui.screens.customers import CustomersScreen
from tests.conftest import TEA_BARCODE
from tests.tui.conftest import log_in, make_app, wait_for


def _status(app: object) -> str:
    return str(app.screen.query_one(StatusLine).content)  # type: ignore[attr-defined]


def _detail(app: object) -> str:
    return str(app.screen.query_one("#cu-detail", Static).content)  # type: ignore[attr-defined]


async def _open(pilot: object, app: object) -> None:
    await pilot.press("ctrl+z")  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: isinstance(app.screen, CustomersScreen))  # type: ignore[attr-defined]


async def _type(pilot: object, app: object, text: str) -> None:
    app.screen.query_one("#cu-find", Input).value = text  # type: ignore[attr-defined]


async def test_a_customer_is_found_as_you_type_with_points_and_purchases_and_a_new_one_added(
        shop: Session, tmp_path: Path) -> None:
    ayesha = accounts.add_customer(shop, Person("Ayesha Khan", "0300 1234567", "ayesha@example.com")).customer_id
    accounts.add_customer(shop, Person("Ahmed Raza", "0301 7654321"))
    sales.complete_sale(shop, Cart().add(products.resolve_scan(shop, TEA_BARCODE)), [Tender("cash", 45_000)],
                        customer_id=ayesha)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await log_in(pilot)
        await _open(pilot, app)
        await pilot.press("0", "3", "0")  # a phone prefix, typed
        await wait_for(pilot, lambda: "Points   450" in _detail(app)
                       and app.screen.query_one("#cu-list", DataTable).row_count == 2)
        detail = _detail(app)
        assert "Ayesha Khan" in detail and "03001234567" in detail  # an admin sees the whole phone
        assert "Purchase history" in detail and "+450 pts" in detail
        await pilot.press("down")
        await wait_for(pilot, lambda: "Ahmed Raza" in _detail(app))
        await _type(pilot, app, "ayesha@")
        await wait_for(pilot, lambda: "Ayesha Khan" in _detail(app)
                       and app.screen.query_one("#cu-list", DataTable).row_count == 1)

        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-name", Input).value = "Bilal Ahmed"
        await pilot.press("enter")
        app.screen.query_one("#f-phone", Input).value = "0321 7654321"
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CustomersScreen) and "Bilal Ahmed" in _detail(app))
        assert "Added #3 Bilal Ahmed" in _status(app)
    assert [c.label for c in accounts.find_customers(shop, "0321")] == ["Bilal Ahmed"]


async def test_edit_then_merge_a_duplicate_then_forget_erases_the_personal_fields(
        shop: Session, tmp_path: Path) -> None:
    ayesha = accounts.add_customer(shop, Person("Ayesha Khan", "0300 1234567")).customer_id
    twin = accounts.add_customer(shop, Person("A. Khan", "0333 9999999")).customer_id
    sales.complete_sale(shop, Cart().add(products.resolve_scan(shop, TEA_BARCODE)), [Tender("cash", 45_000)],
                        customer_id=twin)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await log_in(pilot)
        await _open(pilot, app)
        await _type(pilot, app, "ayesha")
        await wait_for(pilot, lambda: "Ayesha Khan" in _detail(app))

        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-email", Input).value = "ayesha@example.com"
        await pilot.press("enter", "enter", "enter", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CustomersScreen) and "ayesha@example.com" in _detail(app))
        assert accounts.get_customer(shop, ayesha).person.email == "ayesha@example.com"  # type: ignore[union-attr]

        await pilot.press("ctrl+g")  # merge: pick the duplicate
        await wait_for(pilot, lambda: isinstance(app.screen, CustomerDialog))
        await pilot.press("0", "3", "3", "3")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: f"Merged #{twin} into #{ayesha}" in _status(app))
        await wait_for(pilot, lambda: "Points   450" in _detail(app))
        assert balances.balance(shop, ayesha).points == 450
        assert accounts.get_customer(shop, twin).person is None

        await pilot.press("ctrl+d")  # forget
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "Ayesha Khan" in app.screen.question and "03001234567" in app.screen.question  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for(pilot, lambda: f"Customer #{ayesha} forgotten" in _status(app))
    assert accounts.get_customer(shop, ayesha).person is None
    assert accounts.find_customers(shop, "0300") == [] and accounts.find_customers(shop, "ayesha") == []
    assert balances.balance(shop, ayesha).points == 450  # the books keep the balance


async def test_export_writes_a_csv_and_says_where(shop: Session, tmp_path: Path) -> None:
    accounts.add_customer(shop, Person("Ayesha Khan", "0300 1234567"))
    target = tmp_path / "out.csv"
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await log_in(pilot)
        await _open(pilot, app)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-path", Input).value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: str(target) in _status(app))
    assert "Ayesha Khan" in target.read_text(encoding="utf-8")


async def test_a_cashier_finds_and_adds_but_is_told_who_may_forget(shop: Session, tmp_path: Path) -> None:
    add_user(shop, "cara", "1234", role="cashier", display_name="Cara")
    ayesha = accounts.add_customer(shop, Person("Ayesha Khan", "0300 1234567")).customer_id
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await log_in(pilot, "cara", "1234")
        await _open(pilot, app)
        await _type(pilot, app, "0300")
        await wait_for(pilot, lambda: "Ayesha Khan" in _detail(app))
        assert "0300****567" in _detail(app) and "03001234567" not in _detail(app)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: "may not" in _status(app))
        assert "cara (cashier) may not merge, export or forget customers" in _status(app)
        assert "manager" in _status(app)
        assert isinstance(app.screen, CustomersScreen)
    assert accounts.get_customer(shop, ayesha).person == Person("Ayesha Khan", "03001234567")


async def test_a_read_only_seat_finds_a_customer_by_card_but_changes_nothing(shop: Session, tmp_path: Path) -> None:
    ayesha = accounts.add_customer(shop, Person("Ayesha Khan", "0300 1234567"))
    seat = open_session(shop.settings, tmp_path / "store.db", read_only=True)
    try:
        app = make_app(seat, tmp_path)
        async with app.run_test(size=(140, 45)) as pilot:
            screen = app.screen
            screen.query_one("#user", Input).value = "admin"
            screen.query_one("#pin", Input).value = "456789"
            screen.query_one("#pin", Input).focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.current_mode == "reports")
            await _open(pilot, app)
            app.screen.post_message(BarcodeScanned(ayesha.card, "wedge"))
            await wait_for(pilot, lambda: "Ayesha Khan" in _detail(app))
            await pilot.press("ctrl+n")
            await wait_for(pilot, lambda: READ_ONLY in _status(app))
            assert isinstance(app.screen, CustomersScreen)
            await pilot.press("ctrl+d")
            assert isinstance(app.screen, CustomersScreen)
    finally:
        seat.close()
    assert accounts.find_customers(shop, "0300") == [ayesha]


async def test_the_palette_and_the_keys_screen_offer_customers(shop: Session, tmp_path: Path) -> None:
    from textual.command import CommandList, CommandPalette

    from pos_tui.tui.dialogs.help import HelpScreen

    app = make_app(shop, tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await log_in(pilot)
        await pilot.press("f11")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        groups = dict(app.screen.groups)  # type: ignore[attr-defined]
        assert "Customers" in [description for _, description in groups["Everywhere"]]
        assert ("ctrl+d", "Forget") in groups["Customers"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"go to customers")
        hits = app.screen.query_one(CommandList)  # the palette searches in a worker: wait for the hit
        await wait_for(pilot, lambda: hits.option_count > 0 and "Customers" in str(hits.get_option_at_index(0).prompt))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CustomersScreen))


async def test_a_bad_phone_keeps_the_new_customer_form_open_and_adds_nobody(shop: Session, tmp_path: Path) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await log_in(pilot)
        await _open(pilot, app)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-name", Input).value = "Bilal Ahmed"
        app.screen.query_one("#f-phone", Input).value = "12"
        app.screen.query_one("#f-email", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "is not a phone number" in str(app.screen.query_one("#form-error").content))
        assert isinstance(app.screen, FormDialog)
    assert accounts.find_customers(shop, "Bilal") == []


async def test_back_from_a_sale_the_detail_shows_the_points_it_earned(shop: Session, tmp_path: Path) -> None:
    ayesha = accounts.add_customer(shop, Person("Ayesha Khan", "0300 1234567")).customer_id
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await log_in(pilot)
        await _open(pilot, app)
        await _type(pilot, app, "0300")
        await wait_for(pilot, lambda: "Points   0," in _detail(app))
        await pilot.press("f1")
        await wait_for(pilot, lambda: app.current_mode == "bucket")
        sales.complete_sale(shop, Cart().add(products.resolve_scan(shop, TEA_BARCODE)), [Tender("cash", 45_000)],
                            customer_id=ayesha)
        app.data_changed()  # what the bucket's SaleCompleted does
        await _open(pilot, app)
        await wait_for(pilot, lambda: "Points   450," in _detail(app))
