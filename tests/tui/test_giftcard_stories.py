"""Gift cards at the counter: sell one with the goods (Ctrl+L), pay with it from the tender dialog's
method key, and check its balance from the bucket, through the real app on a real store."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.services.giftcards import cards
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.form import FormDialog
from pos_tui.tui.dialogs.receipt import ReceiptDialog
from pos_tui.tui.dialogs.tender import TenderDialog
from pos_tui.tui.widgets.cart_table import CartTable
from tests.conftest import TEA_BARCODE
from tests.tui.conftest import log_in, make_app, scan, wait_for


async def _fill(pilot: object, **values: str) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
    dialog = app.screen
    for name, value in values.items():
        dialog.query_one(f"#f-{name}", Input).value = value
    dialog.query_one(f"#f-{list(values)[-1]}", Input).focus()
    await pilot.press("enter")  # type: ignore[attr-defined]


async def test_a_card_sold_with_tea_then_pays_for_tea_and_its_balance_shows_in_the_bucket(
    shop: Session, tmp_path: Path
) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, TEA_BARCODE)
        await pilot.press("ctrl+l")
        await _fill(pilot, what="sell", number="", amount="500")
        await wait_for(pilot, lambda: bool(app.screen.cart.gift_cards))  # type: ignore[attr-defined]
        number = app.screen.cart.gift_cards[0].number  # type: ignore[attr-defined]
        assert app.screen.query_one(CartTable).row_count == 2
        await pilot.press("f12")
        assert isinstance(app.screen, TenderDialog) and app.screen.total == 45_000 + 50_000
        app.screen.query_one("#amount", Input).value = "1000"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        assert f"|| {number} ||" in str(app.screen.query_one("#receipt-text").content)
        await pilot.press("enter")
        assert cards.balance(shop, number).balance == 50_000

        await scan(pilot, TEA_BARCODE)
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, TenderDialog))
        await pilot.press("f8")  # the gift-card method key
        await pilot.press("enter")  # the exact amount, then the card is asked for
        await _fill(pilot, card=number)
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        await pilot.press("enter")
        assert cards.balance(shop, number).balance == 5_000

        await pilot.press("ctrl+l")
        await _fill(pilot, what="balance", number=number, amount="")
        await wait_for(pilot, lambda: "holds Rs 50.00" in str(app.screen.query_one("#status", Static).content))


async def test_a_card_short_of_the_payment_is_refused_in_the_dialog_with_its_balance(
    shop: Session, tmp_path: Path
) -> None:
    cart = cards.add_to_cart(shop, Cart(), None, 10_000)
    sales.complete_sale(shop, cart, [Tender("cash", 10_000)])
    number = cart.gift_cards[0].number
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, TEA_BARCODE)
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, TenderDialog))
        await pilot.press("f8", "enter")
        await _fill(pilot, card=number)
        dialog = app.screen
        await wait_for(pilot, lambda: "holds Rs 100.00" in str(dialog.query_one("#form-error", Static).content))
    assert cards.balance(shop, number).balance == 10_000


async def test_the_cashier_emails_the_receipt_the_till_sends_it_and_the_device_line_counts_what_waits(
    tmp_path: Path,
) -> None:
    from pos_tui.config import Settings
    from pos_tui.services.messaging.settings import EmailSettings, OutboxSettings
    from pos_tui.tui.widgets.device_line import DeviceLine
    from tests.conftest import make_store
    from tests.support.message_servers import free_port, smtp_server

    port = free_port()
    settings = Settings(email=EmailSettings(host="127.0.0.1", port=port, from_address="shop@example.org",
                                            starttls=False, timeout_s=5),
                        outbox=OutboxSettings(retry_s=[0], poll_s=0.2))
    shop = make_store(tmp_path / "store.db", settings)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, TEA_BARCODE)
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, TenderDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        receipt = app.screen
        await pilot.press("e")  # the mail server is down: the receipt waits, the till says so
        await _fill(pilot, address="ayesha@example.org")
        await wait_for(pilot, lambda: "queued for email" in str(receipt.query_one("#receipt-note").content))
        await pilot.press("enter")
        line = app.screen.query_one(DeviceLine)
        await wait_for(pilot, lambda: "1 receipt waiting" in str(line.content))
        with smtp_server(port) as (_, mailbox):  # the network is back: the till's own sender delivers it
            await wait_for(pilot, lambda: len(mailbox.messages) == 1)
            await wait_for(pilot, lambda: "waiting" not in str(line.content))
        assert "T1-000001" in mailbox.messages[0]["Subject"]
    shop.close()
