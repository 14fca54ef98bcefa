"""The customer at the counter: Ctrl+U finds one by phone, name or email (or adds one with a name and a
phone), scanning their card attaches them, and the side panel shows their points, store credit and last
visits. The sale then earns their points, and may be paid with them.

A mixin of `BucketScreen` (it uses the screen's session, ``say`` and ``reject``).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.widgets import Static

from pos_tui.domain.errors import PosError
from pos_tui.domain.loyalty import card_customer_id, mask_phone
from pos_tui.domain.tender import TenderMethod
from pos_tui.services.customers import accounts, balances
from pos_tui.services.customers.loyalty import CUSTOMER_METHODS
from pos_tui.tui.dialogs.customer import DETACH, NEW_CUSTOMER, CustomerDialog
from pos_tui.tui.dialogs.form import Field, FormDialog


@dataclass(frozen=True)
class AttachedCustomer:
    customer_id: int
    label: str


class CustomerAtCounter:
    """Mixed into `BucketScreen`: uses its ``session``, ``say`` and ``reject``."""

    attached: AttachedCustomer | None = None

    @property
    def customer_id(self) -> int | None:
        return None if self.attached is None else self.attached.customer_id

    def payment_methods(self) -> dict[str, TenderMethod]:
        """The tender methods the dialog offers: points and store credit only with a customer attached."""
        methods = self.session.tender_methods
        if self.attached is not None:
            return methods
        return {code: m for code, m in methods.items() if code not in CUSTOMER_METHODS}

    def action_attach_customer(self) -> None:
        label = self.attached.label if self.attached else ""
        self.app.push_screen(CustomerDialog(self._find_customers, label), self._customer_chosen)

    def _find_customers(self, text: str) -> list[tuple[int, str]]:
        found = accounts.find_customers(self.session, text, limit=10)
        return [(c.customer_id, f"#{c.customer_id}  {c.label}"
                 + (f"  {mask_phone(c.person.phone)}" if c.person and c.person.phone else "")
                 + (f"  {c.person.email}" if c.person and c.person.email else "")) for c in found]

    def _customer_chosen(self, choice: int | None) -> None:
        if choice is None:
            return
        if choice == DETACH:
            self.attach_customer(None)
        elif choice == NEW_CUSTOMER:
            def add(answer: dict[str, str]) -> object:
                added = accounts.add_customer(self.session, accounts.Person(answer["name"], answer["phone"]))
                return lambda: self.attach_customer(added.customer_id)

            self.app.push_screen(FormDialog("New customer", [Field("name", "Name"), Field("phone", "Phone")],
                                            act=add))
        else:
            self.attach_customer(choice)

    def customer_card_scanned(self, code: str) -> bool:
        """Whether ``code`` was a customer card (attached, or refused with why); else it is goods."""
        try:
            customer_id = card_customer_id(self.session.settings.loyalty.card_prefix, code)
        except PosError as error:
            self.reject(code, str(error))
            return True
        if customer_id is None:
            return False
        self.attach_customer(customer_id)
        return True

    def attach_customer(self, customer_id: int | None) -> None:
        if customer_id is None:
            self.attached = None
            self.show_customer()
            self.say("No customer on this sale.")
            return
        try:
            customer = accounts.active_customer(self.session, customer_id)
        except PosError as error:
            self.reject(str(customer_id), str(error))
            return
        self.attached = AttachedCustomer(customer.customer_id, customer.label)
        self.show_customer()
        self.say(f"Customer {customer.label} on this sale.", "success")

    def show_customer(self) -> None:
        panel = self.query_one("#customer-panel", Static)
        if self.attached is None:
            panel.set_class(False, "-shown")
            panel.update("")
            return
        session = self.session
        customer = accounts.get_customer(session, self.attached.customer_id)
        held = balances.balance(session, customer.customer_id)
        lines = [customer.label]
        if customer.person and customer.person.phone:
            lines.append(mask_phone(customer.person.phone))
        expired = f" ({held.expired} expired)" if held.expired else ""
        lines += [f"Points {held.points}{expired}", f"  worth {session.money(held.points_value)}",
                  f"Store credit {session.money(held.credit)}", "Last visits:"]
        visits = balances.last_visits(session, customer.customer_id, 3)
        lines += [f"  {session.local_time(v.at):%d %b} {session.money(v.total)}" for v in visits] or ["  (first)"]
        panel.update("\n".join(lines))
        panel.set_class(True, "-shown")
