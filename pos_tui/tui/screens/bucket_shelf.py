"""The bucket's side doors: park a cart under a name, resume one, take a return against a receipt.

A mixin of `BucketScreen` (it uses the screen's cart, session, status line and cart table).
"""

from __future__ import annotations

from textual import work

from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import InvalidAmount, PosError
from pos_tui.services.cash import daybook
from pos_tui.services.selling import parking, sales
from pos_tui.tui.dialogs.approval import guarded
from pos_tui.tui.dialogs.choose import ChooseDialog
from pos_tui.tui.dialogs.form import Field, FormDialog
from pos_tui.tui.dialogs.returns import ReturnDialog, ReturnRequest
from pos_tui.tui.messages import ActionFailed, CartParked, CartResumed, ReturnCompleted


class ParkAndReturn:
    """Mixed into `BucketScreen`: uses its ``cart``, ``session``, ``say`` and ``refresh_cart``."""

    # --- park and resume -----------------------------------------------------------------------

    def action_park(self) -> None:
        def named(answer: dict[str, str] | None) -> None:
            if answer is not None:
                self.park(self.cart, answer["value"])

        self.app.push_screen(FormDialog("Park this cart", [Field("value", "Name (customer, table…)")]), named)

    @work(thread=True, exclusive=True, exit_on_error=False, group="park")
    def park(self, cart: Cart, name: str) -> None:
        try:
            parking.park_cart(self.session, cart, name)
        except PosError as error:
            self.post_message(ActionFailed("park", str(error)))
            return
        self.post_message(CartParked(name or "cart"))

    def on_cart_parked(self, message: CartParked) -> None:
        self.cart = Cart()
        self.refresh_cart()
        self.say(f"Parked {message.name!r}. Ctrl+O brings it back.", "success")

    def action_resume(self) -> None:
        if self.cart.lines:
            self.say("Pay or park the cart on screen before resuming another.", "warning")
            return
        parked = parking.list_parked(self.session)
        if not parked:
            self.say("No carts are parked.", "warning")
            return
        options = [(p.cart_id, f"{p.name} — {p.line_count} lines, {p.username}, {p.at[11:16]}") for p in parked]
        names = {p.cart_id: p.name for p in parked}

        def chosen(cart_id: str | None) -> None:
            if cart_id is not None:
                self.resume(cart_id, names[cart_id])

        self.app.push_screen(ChooseDialog("Resume a parked cart", options), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="park")
    def resume(self, cart_id: str, name: str) -> None:
        try:
            cart = parking.resume_cart(self.session, cart_id)
        except PosError as error:
            self.post_message(ActionFailed("resume", str(error)))
            return
        self.post_message(CartResumed(name, cart))

    def on_cart_resumed(self, message: CartResumed) -> None:
        self.cart = message.cart
        self.refresh_cart()
        self.say(f"Resumed {message.name!r}.", "success")

    # --- returns -------------------------------------------------------------------------------

    def action_start_return(self) -> None:
        def numbered(answer: dict[str, str] | None) -> None:
            if not answer:
                return
            try:
                reference, lines = daybook.sale_lines(self.session, answer["value"])
            except PosError as error:
                self.say(str(error), "error")
                return
            methods = {code: m.label for code, m in self.session.tender_methods.items()}
            reasons = tuple(self.session.settings.inventory.return_reasons)
            self.app.push_screen(ReturnDialog(reference, lines, self.session.currency, methods, reasons),
                                 self._return_asked)

        self.app.push_screen(FormDialog("Return", [Field("value", "Sale number on the receipt (e.g. T1-000042)")]),
                             numbered)

    def _return_asked(self, request: ReturnRequest | None) -> None:
        if request is not None:
            self.run_return(request)

    @work(thread=True, exclusive=True, exit_on_error=False, group="return")
    def run_return(self, request: ReturnRequest) -> None:
        try:
            done = guarded(self.app, lambda approval: sales.return_items(
                self.session, request.sale_ref, request.items, reason=request.reason, refund_method=request.method,
                approval=approval), reason=request.reason)
        except (PosError, InvalidAmount) as error:
            self.post_message(ActionFailed("return", str(error)))
            return
        self.post_message(ReturnCompleted(done))

    def action_void_sale(self) -> None:
        def asked(answer: dict[str, str] | None) -> None:
            if answer:
                self.run_void(answer["sale"], answer["reason"])

        self.app.push_screen(FormDialog("Void a sale", [Field("sale", "Sale number on the receipt (e.g. T1-000042)"),
                                                        Field("reason", "Reason")]), asked)

    @work(thread=True, exclusive=True, exit_on_error=False, group="return")
    def run_void(self, sale_ref: str, reason: str) -> None:
        try:
            done = guarded(self.app, lambda approval: sales.void_sale(self.session, sale_ref, reason=reason,
                                                                      approval=approval), reason=reason)
        except PosError as error:
            self.post_message(ActionFailed("void", str(error)))
            return
        self.post_message(ReturnCompleted(done))

    def on_return_completed(self, message: ReturnCompleted) -> None:
        done = message.completed
        refund = self.session.currency.format(sum(r.amount for r in done.refunds))
        self.say(f"Return {done.reference} saved: refund {refund}.", "error")
        self.app.notify(f"Refund {refund} ({done.reference})", title="Return", severity="warning")
