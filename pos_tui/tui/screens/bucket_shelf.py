"""The bucket's side doors: park a cart under a name, resume one, take a return (with or without a receipt).

A mixin of `BucketScreen` (it uses the screen's cart, session, status line and cart table).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import work

from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import InvalidInput, PosError
from pos_tui.services.cash import daybook
from pos_tui.services.selling import parking, sales
from pos_tui.services.selling.receipts import refund_slip_text
from pos_tui.services.selling.sales import CompletedReturn
from pos_tui.tui.dialogs.approval import guarded
from pos_tui.tui.dialogs.choose import ChooseDialog
from pos_tui.tui.dialogs.form import Field, FormDialog
from pos_tui.tui.dialogs.receipt import ReceiptDialog
from pos_tui.tui.dialogs.returns import ReturnDialog, ReturnRequest
from pos_tui.tui.messages import ActionFailed, CartParked, CartResumed, ReturnCompleted


class ParkAndReturn:
    """Mixed into `BucketScreen`: uses its ``cart``, ``session``, ``say``, ``refresh_cart`` and the
    attached customer (``customer_id``, ``attached``, ``show_customer``, ``attach_customer``)."""

    # --- park and resume -----------------------------------------------------------------------

    def action_park(self) -> None:
        def named(answer: dict[str, str] | None) -> None:
            if answer is not None:
                self.park(self.cart, answer["value"], self.customer_id)

        self.app.push_screen(FormDialog("Park this cart", [Field("value", "Name (customer, table…)")]), named)

    @work(thread=True, exclusive=True, exit_on_error=False, group="park")
    def park(self, cart: Cart, name: str, customer_id: int | None = None) -> None:
        try:
            parking.park_cart(self.session, cart, name, customer_id)
        except PosError as error:
            self.post_message(ActionFailed("park", str(error)))
            return
        self.post_message(CartParked(name or "cart"))

    def on_cart_parked(self, message: CartParked) -> None:
        self.cart = Cart()
        self.refresh_cart()
        self.attached = None  # parked with the cart; it comes back on resume
        self.show_customer()
        self.say(f"Parked {message.name!r}. Ctrl+O brings it back.", "success")

    def action_resume(self) -> None:
        if self.cart.lines:
            self.say("Pay or park the cart on screen before resuming another.", "warning")
            return
        parked = parking.list_parked(self.session)
        if not parked:
            self.say("No carts are parked.", "warning")
            return
        options = [(p.cart_id, f"{p.name} — {p.line_count} lines, {p.username}, {p.local_at[11:16]}") for p in parked]
        names = {p.cart_id: p.name for p in parked}

        def chosen(cart_id: str | None) -> None:
            if cart_id is not None:
                self.resume(cart_id, names[cart_id])

        self.app.push_screen(ChooseDialog("Resume a parked cart", options), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="park")
    def resume(self, cart_id: str, name: str) -> None:
        try:
            cart, customer_id = parking.resume_cart_with_customer(self.session, cart_id)
        except PosError as error:
            self.post_message(ActionFailed("resume", str(error)))
            return
        self.post_message(CartResumed(name, cart, customer_id))

    def on_cart_resumed(self, message: CartResumed) -> None:
        self.cart = message.cart
        self.refresh_cart()
        self.say(f"Resumed {message.name!r}.", "success")
        if message.customer_id is not None:
            self.attach_customer(message.customer_id)

    # --- returns -------------------------------------------------------------------------------

    def action_start_return(self) -> None:
        found: dict[str, tuple[str, list[daybook.SoldLine]]] = {}

        def look_up(answer: dict[str, str]) -> None:  # in the form's worker: a wrong number keeps the form
            number = answer["value"].strip()
            if number:
                found["sale"] = daybook.sale_lines(self.session, number)
            elif not self.cart.lines:
                raise InvalidInput("Without a receipt, the items coming back are scanned into the cart first.",
                                   "Scan them, then press Ctrl+R and leave the sale number empty.")

        def numbered(answer: dict[str, str] | None) -> None:
            if answer is None:
                return
            # Store credit with a customer attached (Ctrl+U first); points are never a refund.
            methods = {code: m.label for code, m in self.payment_methods().items() if code != "points"}
            if "sale" in found:
                reference, lines = found["sale"]
            else:
                reference, lines = "", self.cart_as_returned()
            reasons = tuple(self.session.settings.inventory.return_reasons)
            self.app.push_screen(ReturnDialog(reference, lines, self.session.currency, methods, reasons,
                                              act=self.run_return))

        self.app.push_screen(FormDialog(
            "Return", [Field("value", "Sale number on the receipt (e.g. T1-000042)")],
            "Enter: find the sale   Empty: no receipt, the cart's items come back   Esc: cancel", act=look_up),
            numbered)

    def cart_as_returned(self) -> list[daybook.SoldLine]:
        """The cart's lines as the return dialog lists them (a return without a receipt takes them all)."""
        return [daybook.SoldLine(n, p.line.name, p.line.unit, p.line.quantity, 0, p.gross)
                for n, p in enumerate(self.priced.lines, start=1)]

    def run_return(self, request: ReturnRequest) -> Callable[[], None]:
        """In the return dialog's worker: a refusal keeps the dialog open with what was typed; once it
        has closed, the refund slip shows."""
        session, cart, customer = self.session, self.cart, self.customer_id
        if request.sale_ref:
            done = guarded(self.app, lambda approval: sales.return_items(
                session, request.sale_ref, request.items, reason=request.reason, refund_method=request.method,
                restock=request.restock, approval=approval, customer_id=customer), reason=request.reason)
        else:
            done = guarded(self.app, lambda approval: sales.return_without_receipt(
                session, cart, reason=request.reason, refund_method=request.method, restock=request.restock,
                approval=approval, customer_id=customer), reason=request.reason)
        completed = ReturnCompleted(done, self.slip_of(done), from_cart=not request.sale_ref)
        return lambda: self.post_message(completed)

    def slip_of(self, done: CompletedReturn) -> str:
        try:
            return refund_slip_text(self.session, done.seq)
        except PosError as error:  # the return is saved; the slip can only be missing
            return f"Refund {done.reference} saved; the slip could not be made: {error}"

    def action_void_sale(self) -> None:
        def void(answer: dict[str, str]) -> Callable[[], None]:  # in the form's worker: a refusal keeps the form
            done = guarded(self.app, lambda approval: sales.void_sale(
                self.session, answer["sale"], reason=answer["reason"], approval=approval), reason=answer["reason"])
            completed = ReturnCompleted(done, self.slip_of(done))
            return lambda: self.post_message(completed)

        self.app.push_screen(FormDialog("Void a sale", [Field("sale", "Sale number on the receipt (e.g. T1-000042)"),
                                                        Field("reason", "Reason")], act=void))

    def on_return_completed(self, message: ReturnCompleted) -> None:
        done = message.completed
        if message.from_cart:
            self.cart = Cart()
            self.refresh_cart()
        refund = self.session.currency.format(sum(r.amount for r in done.refunds))
        self.say(f"Return {done.reference} saved: refund {refund}.", "error")
        self.app.notify(f"Refund {refund} ({done.reference})", title="Return", severity="warning")
        if message.slip:
            self.app.push_screen(ReceiptDialog(message.slip, "", (), title=f"Refund {done.reference}",
                                               printed="Refund slip."))
