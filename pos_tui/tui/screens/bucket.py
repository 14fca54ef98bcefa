"""The counter: scan or search, build the cart, pay. The scan field keeps the focus throughout."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input

from pos_tui.domain.cart import Cart, CartLine, Discount, PricedCart, discount_within, price_cart
from pos_tui.domain.errors import PosError
from pos_tui.domain.money import format_quantity, parse_amount
from pos_tui.domain.permissions import Action, Approval, PermissionRequired
from pos_tui.domain.scan import parse_quantity
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.giftcards import cards as gift_cards
from pos_tui.services.messaging.recipients import customer_address
from pos_tui.services.selling import sales
from pos_tui.services.selling.receipts import receipt_text
from pos_tui.services.session import Session
from pos_tui.services.staff import authz
from pos_tui.tui import access
from pos_tui.tui.dialogs.approval import approve_then, discount_guard
from pos_tui.tui.dialogs.confirm import ConfirmDialog
from pos_tui.tui.dialogs.form import Field, FormDialog
from pos_tui.tui.dialogs.receipt import ReceiptDialog
from pos_tui.tui.dialogs.tender import TenderDialog
from pos_tui.tui.messages import (
    ActionFailed,
    BarcodeScanned,
    LineAdded,
    LineChanged,
    LineVoided,
    SaleCompleted,
    ScanRejected,
)
from pos_tui.tui.screens.base import ModeScreen
from pos_tui.tui.screens.bucket_customer import CustomerAtCounter
from pos_tui.tui.screens.bucket_giftcards import GiftCardsAtTheCounter
from pos_tui.tui.screens.bucket_goods import GoodsWithoutBarcode
from pos_tui.tui.screens.bucket_hardware import CounterHardware
from pos_tui.tui.screens.bucket_search import SearchAsYouType
from pos_tui.tui.screens.bucket_shelf import ParkAndReturn
from pos_tui.tui.screens.cash import open_shift_then
from pos_tui.tui.widgets.cart_table import CartTable
from pos_tui.tui.widgets.device_line import DeviceLine
from pos_tui.tui.widgets.line_table import LineTable
from pos_tui.tui.widgets.results_table import ResultsTable
from pos_tui.tui.widgets.scan_input import ScanInput
from pos_tui.tui.widgets.totals import Totals

NEEDS_LINE = {"quantity", "void_line", "line_discount", "price"}


def parse_discount(text: str, exponent: int) -> Discount | None:
    """"10%" -> 10 percent, "12.5%" -> 12.5 percent, "50" -> an amount; "" or "0" -> no discount."""
    text = text.strip()
    if not text or text in {"0", "0%"}:
        return None
    if text.endswith("%"):
        return Discount("percent", parse_amount(text[:-1], 2))
    return Discount("amount", parse_amount(text, exponent))


def is_search(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


class BucketScreen(SearchAsYouType, CounterHardware, ParkAndReturn, GoodsWithoutBarcode, GiftCardsAtTheCounter,
                   CustomerAtCounter,
                   ModeScreen):
    MODE = "bucket"
    AUTO_FOCUS = "#scan"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f12", "pay", "Pay", priority=True, id="bucket.pay"),
        Binding("ctrl+n", "quantity", "Qty", priority=True, id="bucket.quantity"),  # F4 opens the reports
        Binding("ctrl+d", "void_line", "Void line", priority=True, id="bucket.void"),
        Binding("f5", "line_discount", "Line disc", priority=True, id="bucket.line_discount"),
        Binding("f6", "cart_discount", "Cart disc", priority=True, id="bucket.cart_discount"),
        Binding("f7", "price", "Price", priority=True, id="bucket.price"),
        Binding("f8", "park", "Park", priority=True, id="bucket.park"),
        Binding("f9", "reprint", "Reprint", priority=True, id="bucket.reprint"),
        Binding("ctrl+o", "resume", "Resume", priority=True, id="bucket.resume"),
        Binding("ctrl+r", "start_return", "Return", priority=True, id="bucket.return"),
        Binding("ctrl+k", "void_sale", "Void sale", show=False, priority=True, id="bucket.void_sale"),
        Binding("ctrl+g", "quick_keys", "Quick keys", show=False, priority=True, id="bucket.quick_keys"),
        Binding("ctrl+e", "open_item", "Open item", show=False, priority=True, id="bucket.open_item"),
        Binding("ctrl+l", "gift_card", "Gift card", show=False, priority=True, id="bucket.gift_card"),
        Binding("ctrl+u", "attach_customer", "Customer", show=False, priority=True, id="bucket.customer"),
        Binding("up", "move(-1)", "Up", show=False, priority=True, id="bucket.up"),
        Binding("down", "move(1)", "Down", show=False, priority=True, id="bucket.down"),
        Binding("escape", "clear", "Clear", show=False, priority=True, id="bucket.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cart = Cart()
        self.searching = False
        self.bindings_for_empty_cart: tuple[bool, bool] | None = None

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined, no-any-return]

    # --- layout -------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield ScanInput(id="scan", placeholder="Scan or type a code · letters search · 3* sets the quantity",
                        timing=self.session.settings.devices.wedge.to_timing())
        with Horizontal(id="bucket-main"):
            with Vertical(id="bucket-left"):
                yield CartTable(id="cart")
                yield ResultsTable(id="results")
            yield Totals(id="totals")
        yield DeviceLine(id="devices")

    def on_mount(self) -> None:
        self.refresh_cart()
        self.say("Ready. Scan an item, or type letters to search.")

    def on_screen_resume(self) -> None:
        self.query_one("#scan", Input).focus()

    # --- the cart on screen --------------------------------------------------------------------

    @property
    def priced(self) -> PricedCart:
        return price_cart(self.cart, self.session.tax_policy)

    def refresh_cart(self, select: int | None = None, *, only: int | None = None) -> None:
        """Show the cart; ``only``: just that line changed or was appended (a scan)."""
        priced = self.priced
        self.query_one(CartTable).show(priced, self.session.currency, select=select,
                                       only=None if self.cart.discount else only)
        self.query_one(Totals).show(priced, self.session.currency)
        empty = (not self.cart.lines, self.cart.is_empty)  # no goods; nothing at all (gift cards are paid too)
        if self.bindings_for_empty_cart != empty:
            # What the footer offers depends only on whether the cart is empty; redrawing it costs a frame.
            self.bindings_for_empty_cart = empty
            self.refresh_bindings()

    def selected_line(self) -> int:
        return self.query_one(CartTable).cursor_row

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        read_only = self.session.ledger.read_only
        if action in {"pay", "park", "resume", "start_return", "void_sale"} and read_only:
            return False
        if action == "void_line" and not self.cart.is_empty:
            return True  # a gift card's row is voided too
        if action in NEEDS_LINE | {"park", "cart_discount"} and not self.cart.lines:
            return None
        if action in NEEDS_LINE and self.cart.gift_cards and self.selected_line() >= len(self.cart.lines):
            return None  # a gift card's row has no quantity, price or discount to change
        if action == "pay" and self.cart.is_empty:  # a cart of gift cards alone is paid for too
            return None
        return True

    def why_not(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """What a key greyed out by ``check_action`` says when pressed (the app asks)."""
        if self.session.ledger.read_only:
            return access.READ_ONLY
        if not self.cart.lines:
            return "The cart is empty: scan an item first."
        return None

    # --- scanning ------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "scan":
            return
        text = event.value.strip()
        if is_search(text):
            self.searching = True
            self.run_search(text)
        elif self.searching:
            self.show_results(False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "scan":
            return
        text = event.value.strip()
        if not text:
            return
        hit = self.query_one(ResultsTable).highlighted() if self.searching else None
        if hit is not None:
            self.take_hit(hit)
        elif is_search(text) and not self.searching:  # the text a scan gave back: Enter searches it
            self.query_one(ScanInput).value = text
        else:
            self.post_message(BarcodeScanned(text))


    def on_barcode_scanned(self, message: BarcodeScanned) -> None:
        # A barcode lookup is a primary-key read (well under a millisecond, never blocked by a writer
        # in WAL mode): done here, in order, so fast scans never overtake each other.
        if self.customer_card_scanned(message.code):
            self.query_one("#scan", Input).value = ""
            return
        try:
            line = products.resolve_scan(self.session, message.code)
        except PermissionRequired as needed:  # a GS1 label past its date, which a supervisor may allow
            approve_then(self.app, needed.action, lambda approval: self.add_approved(message.code, approval),
                         reason="sold past its date")
            return
        except PosError as error:
            self.reject(message.code, str(error))
            return
        self.add_line(line, code=message.code)

    def add_approved(self, code: str, approval: Approval | None) -> None:
        try:
            line = products.resolve_scan(self.session, code, approval=approval)
        except PosError as error:
            self.reject(code, str(error))
            return
        if approval is not None:
            self.cart = self.cart.with_approval(approval)  # the sale event names the supervisor
        self.add_line(line, code=code)

    def add_line(self, line: CartLine, *, code: str = "") -> None:
        try:
            cart = self.cart.add(line)
        except PosError as error:
            self.reject(code or line.sku, str(error))
            return
        index = next((i for i, old in enumerate(self.cart.lines) if cart.lines[i] != old), len(cart.lines) - 1)
        self.cart = cart
        self.post_message(LineAdded(index, line))

    def on_line_added(self, message: LineAdded) -> None:
        self.refresh_cart(select=message.index, only=message.index)
        self.show_on_pole(message)
        line = self.cart.lines[message.index]
        self.say(f"Added {line.name} × {format_quantity(line.quantity)}.", "success")

    def reject(self, code: str, reason: str) -> None:
        self.app.bell()
        scan = self.query_one("#scan", Input)
        scan.add_class("-flash")
        self.set_timer(0.8, lambda: scan.remove_class("-flash"))
        self.say(f"Nothing added — {reason}", "error")
        self.post_message(ScanRejected(code, reason))

    # --- moving and clearing -------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        table: LineTable = self.query_one(ResultsTable) if self.searching else self.query_one(CartTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))

    def action_clear(self) -> None:
        self.query_one("#scan", Input).value = ""
        self.show_results(False)

    # --- changing lines ------------------------------------------------------------------------

    def _typed_or_ask(self, title: str, label: str, initial: str, then: object,
                      check: Callable[[str], object] | None = None) -> None:
        """Keypad style: a value typed into the scan field first is used at once; otherwise ask.

        ``check`` (pure: it raises `PosError` for what ``then`` would refuse) keeps the form open on a
        refusal, with what was typed."""
        scan = self.query_one("#scan", Input)
        typed = scan.value.strip()
        if typed and not is_search(typed):
            scan.value = ""
            then(typed)  # type: ignore[operator]
            return

        def answered(answer: dict[str, str] | None) -> None:
            if answer is not None:
                then(answer["value"])  # type: ignore[operator]

        act = None if check is None else (lambda answer: check(answer["value"]))
        self.app.push_screen(FormDialog(title, [Field("value", label, initial)], act=act), answered)

    def _change(self, what: str, change: object, guard: Callable[[Cart, int], Action | None] | None = None) -> None:
        """Apply ``change`` to the selected line; if ``guard`` names an action the user may not take alone
        for the changed cart, a supervisor approves first and the cart keeps the approval."""
        index = self.selected_line()
        try:
            cart: Cart = change(self.cart, index)  # type: ignore[operator]
        except PosError as error:
            self.reject("", str(error))
            return

        def apply(approval: Approval | None) -> None:
            self.cart = cart if approval is None else cart.with_approval(approval)
            self.post_message(LineChanged(index, what))

        action = guard(cart, index) if guard else None
        if action is None:
            apply(None)
        else:
            approve_then(self.app, action, apply)

    def on_line_changed(self, message: LineChanged) -> None:
        self.refresh_cart(select=message.index)
        self.say(f"Line {message.index + 1}: {message.what} changed.")

    def action_quantity(self) -> None:
        cart, index = self.cart, self.selected_line()
        line = cart.lines[index]
        self._typed_or_ask(
            "Quantity", f"{line.name} ({line.unit})", format_quantity(line.quantity),
            lambda text: self._change("quantity", lambda cart, i: cart.with_quantity(i, parse_quantity(text))),
            check=lambda text: cart.with_quantity(index, parse_quantity(text)),
        )

    def action_void_line(self) -> None:
        index = self.selected_line()
        if index >= len(self.cart.lines):  # a gift card's row, under the goods: nothing is owed for it yet
            self.cart = self.cart.without_gift_card(index - len(self.cart.lines))
            self.refresh_cart()
            self.say("Gift card taken off the sale.", "warning")
            return
        line = self.cart.lines[index]

        def void(approval: Approval | None) -> None:
            cart = self.cart.without_line(index)
            self.cart = cart if approval is None else cart.with_approval(approval)
            self.post_message(LineVoided(index, line))

        if not authz.can(self.session, Action.VOID_LINE):
            approve_then(self.app, Action.VOID_LINE, void)  # the supervisor's PIN is the second look
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                void(None)

        amount = self.session.currency.format(self.priced.lines[index].amount)
        question = f"Take {line.name} × {format_quantity(line.quantity)} ({amount}) off the sale?"
        self.app.push_screen(ConfirmDialog(f"Void line {index + 1}", question, "void it"), confirmed)

    def on_line_voided(self, message: LineVoided) -> None:
        self.refresh_cart(select=message.index)
        self.say(f"Voided {message.line.name}.", "warning")

    def action_line_discount(self) -> None:
        currency, mode = self.session.currency, self.session.tax_policy.rounding
        cart, index = self.cart, self.selected_line()
        self._typed_or_ask(
            "Line discount", "10% or an amount (0 removes it)", "",
            lambda text: self._change(
                "discount", lambda cart, i: discount_within(
                    cart.with_line_discount(i, parse_discount(text, currency.exponent)), i, currency, mode),
                lambda cart, i: discount_guard(self.session, *self._line_discount_share(cart, i)),
            ),
            check=lambda text: discount_within(cart.with_line_discount(index, parse_discount(text, currency.exponent)),
                                               index, currency, mode),
        )

    def _line_discount_share(self, cart: Cart, index: int) -> tuple[int, int]:
        line = price_cart(cart, self.session.tax_policy).lines[index]
        return line.line_discount, line.extended

    def action_cart_discount(self) -> None:
        currency, mode = self.session.currency, self.session.tax_policy.rounding

        def apply(text: str) -> None:
            try:
                cart = discount_within(self.cart.with_discount(parse_discount(text, currency.exponent)), None,
                                       currency, mode)
            except PosError as error:
                self.reject("", str(error))
                return
            lines = price_cart(cart, self.session.tax_policy).lines
            guard = discount_guard(self.session, sum(p.cart_discount for p in lines),
                                   sum(p.extended - p.line_discount for p in lines))

            def applied(approval: Approval | None) -> None:
                self.cart = cart if approval is None else cart.with_approval(approval)
                self.post_message(LineChanged(self.selected_line(), "cart discount"))

            if guard is None:
                applied(None)
            else:
                approve_then(self.app, guard, applied)

        cart = self.cart
        self._typed_or_ask(
            "Cart discount", "10% or an amount (0 removes it)", "", apply,
            check=lambda text: discount_within(cart.with_discount(parse_discount(text, currency.exponent)), None,
                                               currency, mode))

    def action_price(self) -> None:
        currency = self.session.currency
        cart, index = self.cart, self.selected_line()
        line = cart.lines[index]
        self._typed_or_ask(
            "Price override", f"New price of {line.name}", currency.format(line.unit_price, symbol=False),
            lambda text: self._change("price", lambda cart, i: cart.with_price(i, currency.parse(text)),
                                      lambda cart, i: Action.PRICE_OVERRIDE),
            check=lambda text: cart.with_price(index, currency.parse(text)),
        )

    # --- paying --------------------------------------------------------------------------------

    def action_pay(self) -> None:
        open_shift_then(self.app, self._ask_tender)  # under [cash] no_shift = "refuse", the float comes first

    def _ask_tender(self) -> None:
        priced = self.priced
        dialog = TenderDialog(priced.due, self.session.currency, self.payment_methods(),
                              card_tender=lambda number, amount: gift_cards.tender(self.session, number, amount))
        self.app.push_screen(dialog, self._tendered)

    def _tendered(self, tenders: list[Tender] | None) -> None:
        if tenders:
            self.say("Saving the sale…")
            self.complete(self.cart, tenders)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pay")
    def complete(self, cart: Cart, tenders: list[Tender]) -> None:
        try:
            sale = sales.complete_sale(self.session, cart, tenders, customer_id=self.customer_id)
        except PosError as error:
            self.post_message(ActionFailed("pay", str(error)))
            return
        printed = self.receipt_out(sale)  # committed: the printer and the pole can only add to it now
        self.post_message(SaleCompleted(sale, receipt_text(self.session, sale.reference), printed))

    def on_sale_completed(self, message: SaleCompleted) -> None:
        sale = message.sale
        customer_id = self.customer_id
        addresses = {channel: customer_address(self.session, channel, customer_id) for channel in ("email", "sms")}
        self.cart = Cart()
        self.refresh_cart()
        self.attached = None
        self.show_customer()
        currency = self.session.currency
        self.say(f"Sale {sale.reference} saved. Change {currency.format(sale.change)}.", "success")
        outbox = self.app.outbox  # type: ignore[attr-defined]
        self.app.push_screen(ReceiptDialog(message.receipt, currency.format(sale.change, symbol=False), sale.warnings,
                                           printed=message.printed, addresses=addresses,
                                           send=lambda channel, address: outbox.queue(
                                               self.session, sale.reference, channel, address, customer_id)))
        # not stopped: the message bubbles to the app, which refreshes the other modes

    def on_action_failed(self, message: ActionFailed) -> None:
        self.app.bell()
        self.say(message.text, "error")

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Pay", "Take payment for the cart (F12)", "screen.pay"),
            ("Park cart", "Put this sale on hold under a name (F8)", "screen.park"),
            ("Resume parked cart", "Bring back a parked sale (Ctrl+O)", "screen.resume"),
            ("Return against a receipt", "Take items back from an earlier sale (Ctrl+R)", "screen.start_return"),
            ("Void a sale", "Take back a whole earlier sale, refunded as paid (Ctrl+K)", "screen.void_sale"),
            ("Cart discount", "A discount on the whole cart (F6)", "screen.cart_discount"),
            ("Gift card", "Sell or reload a gift card, or check its balance (Ctrl+L)", "screen.gift_card"),
            ("Customer", "Attach a customer by phone, name, email or card, or add one (Ctrl+U)",
             "screen.attach_customer"),
        ]
