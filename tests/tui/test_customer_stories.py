"""The customer at the counter: Ctrl+U finds them by a few digits of their phone, a new one is added with a
name and a phone, a card scan attaches them; the side panel shows their points, they pay with them, and
the receipt names them with a masked phone."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.customers import accounts, balances
from pos_tui.services.customers.accounts import Person
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.customer import CustomerDialog
from pos_tui.tui.dialogs.form import FormDialog
from pos_tui.tui.dialogs.receipt import ReceiptDialog
from pos_tui.tui.dialogs.tender import TenderDialog
from tests.conftest import MILK_BARCODE, TEA_BARCODE
from tests.tui.conftest import log_in, make_app, scan, wait_for


def _panel(app: object) -> str:
    return str(app.screen.query_one("#customer-panel", Static).content)  # type: ignore[attr-defined]


async def test_ctrl_u_attaches_a_customer_by_phone_who_pays_with_points_and_is_named_on_the_receipt(
        shop: Session, tmp_path: Path) -> None:
    ayesha = accounts.add_customer(shop, Person("Ayesha Khan", "0300 1234567")).customer_id
    sales.complete_sale(shop, Cart().add(products.resolve_scan(shop, TEA_BARCODE)), [Tender("cash", 45_000)],
                        customer_id=ayesha)
    messages: list[object] = []
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await log_in(pilot)
        await scan(pilot, MILK_BARCODE)
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: isinstance(app.screen, CustomerDialog))
        await pilot.press("0", "3", "0", "0", "enter")  # four keys and Enter
        await wait_for(pilot, lambda: "Points 450" in _panel(app))
        assert "Ayesha Khan" in _panel(app) and "0300****567" in _panel(app)

        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, TenderDialog))
        assert "points" in app.screen.methods  # type: ignore[attr-defined]
        app.screen.action_method("points")  # type: ignore[attr-defined]
        app.screen.query_one("#amount", Input).value = "4.00"
        await pilot.press("enter")
        app.screen.action_method("cash")  # type: ignore[attr-defined]
        app.screen.query_one("#amount", Input).value = "276"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        receipt = str(app.screen.query_one("#receipt-text").content)
        assert "Ayesha Khan" in receipt and "0300****567" in receipt and "Points earned: 276" in receipt
        await pilot.press("enter")
        await wait_for(pilot, lambda: "-shown" not in app.screen.query_one("#customer-panel").classes)
    assert balances.balance(shop, ayesha).points == 450 - 400 + 276


async def test_a_new_customer_is_added_with_a_name_and_a_phone_and_a_card_scan_attaches_them(
        shop: Session, tmp_path: Path) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: isinstance(app.screen, CustomerDialog))
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-name", Input).value = "Bilal Ahmed"
        await pilot.press("enter")
        app.screen.query_one("#f-phone", Input).value = "0321 7654321"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Bilal Ahmed" in _panel(app))
        card = accounts.find_customers(shop, "0321")[0].card

        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: isinstance(app.screen, CustomerDialog))
        await pilot.press("ctrl+x")  # detach
        await wait_for(pilot, lambda: "-shown" not in app.screen.query_one("#customer-panel").classes)
        await scan(pilot, card)
        await wait_for(pilot, lambda: "Bilal Ahmed" in _panel(app))
        assert app.screen.cart.lines == ()  # type: ignore[attr-defined]


async def test_after_a_sale_with_a_customer_e_offers_their_consented_email_and_queues_the_receipt(
        shop: Session, tmp_path: Path) -> None:
    from pos_tui.services.messaging import outbox

    sana = accounts.add_customer(shop, Person("Sana Mir", "0301 5550001", "sana@example.org", email_ok=True))
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, sana.card)
        await wait_for(pilot, lambda: "Sana Mir" in _panel(app))
        await scan(pilot, TEA_BARCODE)
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, TenderDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        receipt = app.screen
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        assert app.screen.query_one("#f-address", Input).value == "sana@example.org"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "queued for email" in str(receipt.query_one("#receipt-note").content))
        await pilot.press("s")  # no consent to SMS: nothing is offered pre-filled
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        assert app.screen.query_one("#f-address", Input).value == ""
        await pilot.press("escape")
    [message] = outbox.messages(shop)
    assert message.address == "sana@example.org" and message.channel == "email"


async def test_a_parked_cart_keeps_its_customer_and_brings_them_back_on_resume(
        shop: Session, tmp_path: Path) -> None:
    from pos_tui.services.selling import parking
    from pos_tui.tui.dialogs.choose import ChooseDialog

    omar = accounts.add_customer(shop, Person("Omar Sheikh", "0302 5550002"))
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, omar.card)
        await wait_for(pilot, lambda: "Omar Sheikh" in _panel(app))
        await scan(pilot, TEA_BARCODE)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.press(*"Omar", "enter")
        await wait_for(pilot, lambda: not app.screen.cart.lines)  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: "-shown" not in app.screen.query_one("#customer-panel").classes)
        assert app.screen.customer_id is None  # type: ignore[attr-defined]  # the next sale starts clean
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, ChooseDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Omar Sheikh" in _panel(app))
        assert app.screen.customer_id == omar.customer_id  # type: ignore[attr-defined]
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, TenderDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        assert "Omar Sheikh" in str(app.screen.query_one("#receipt-text").content)
    assert parking.list_parked(shop) == []
    assert balances.balance(shop, omar.customer_id).points > 0
