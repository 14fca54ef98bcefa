"""Customers: find them as you type (phone prefix, name, email or a card scan), see one's points, store
credit, last visits and purchases, and add, edit, merge, export or forget them.

Anyone at a till may find, add and edit a customer (as at the counter); merging, exporting and
forgetting need ``Action.CUSTOMER_ADMIN``, and whoever lacks it is told who may. The full phone number
shows only to those who may administer customers; everyone else sees it masked, as on a receipt.
Every service call runs in a worker; a refusal is a sentence on the status line, nothing changed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from pos_tui.domain.errors import InvalidInput, PosError
from pos_tui.domain.loyalty import mask_phone
from pos_tui.domain.permissions import Action, doing
from pos_tui.services.customers import accounts, balances, reports
from pos_tui.services.customers.accounts import Customer, Person
from pos_tui.services.session import Session
from pos_tui.services.staff import authz
from pos_tui.tui.access import READ_ONLY
from pos_tui.tui.dialogs.confirm import ConfirmDialog
from pos_tui.tui.dialogs.customer import CustomerDialog
from pos_tui.tui.dialogs.form import Answer, Field, FormDialog
from pos_tui.tui.messages import ActionFailed, BarcodeScanned
from pos_tui.tui.screens.base import ModeScreen

YES_NO = ("yes", "no")


@dataclass
class CustomersFound(Message):
    text: str
    customers: list[Customer]
    full_phone: bool = False  # the user may administer customers: the list shows whole numbers


@dataclass
class CustomerShown(Message):
    customer: Customer
    detail: str


@dataclass
class CustomerDone(Message):
    """A write went through: say so, and find ``find`` (the changed customer) again."""

    text: str
    find: str


class CustomersScreen(ModeScreen):
    MODE = "customers"
    TAKES_SCANS = True  # a configured scanner's read of a loyalty card finds its customer
    WRITES = frozenset({"add", "edit", "merge", "forget"})
    DEFAULT_CSS = """
    CustomersScreen #cu-panes { height: 1fr; }
    CustomersScreen #cu-list { width: 3fr; height: 100%; }
    CustomersScreen #cu-detail { width: 2fr; height: 100%; padding: 0 1; overflow-y: auto; }
    CustomersScreen.-narrow #cu-panes { layout: vertical; }
    CustomersScreen.-narrow #cu-list { width: 100%; height: 1fr; }
    CustomersScreen.-narrow #cu-detail { width: 100%; height: 2fr; padding: 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False, priority=True, id="customers.up"),
        Binding("down", "move(1)", "Down", show=False, priority=True, id="customers.down"),
        Binding("ctrl+n", "add", "New", priority=True, id="customers.add"),
        Binding("ctrl+e", "edit", "Edit", priority=True, id="customers.edit"),
        Binding("ctrl+g", "merge", "Merge a duplicate", priority=True, id="customers.merge"),
        Binding("ctrl+o", "export", "Export CSV", priority=True, id="customers.export"),
        Binding("ctrl+d", "forget", "Forget", priority=True, id="customers.forget"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.found: list[Customer] = []
        self.selected: Customer | None = None
        self.announce = ""  # what a write said: the search it runs again does not talk over it
        self.loaded_for: tuple[str, int] = ("", -1)  # (who, app.data_version) the list was found for

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined, no-any-return]

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder="Phone, name, email, or scan the card", id="cu-find", compact=True)
        with Horizontal(id="cu-panes"):
            yield DataTable(id="cu-list", cursor_type="row", zebra_stripes=True)
            yield Static("", id="cu-detail", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#cu-list", DataTable)
        for label in ("No.", "Name", "Phone", "Email", "Card"):
            table.add_column(label, key=label)
        self.query_one("#cu-find", Input).focus()
        self.say("Type part of a phone number, a name or an email, or scan the card.")

    def on_screen_resume(self) -> None:
        """Back from the bucket (a sale may have earned points) or after another login (who sees whole
        phones): find again what the field holds."""
        now = self.freshness()
        if now != self.loaded_for:
            self.loaded_for = now
            self.find(self.query_one("#cu-find", Input).value)

    def freshness(self) -> tuple[str, int]:
        user = getattr(self.app, "user", None)
        return (user.username if user else "", getattr(self.app, "data_version", 0))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in self.WRITES and self.session.ledger.read_only)

    def why_not(self, action: str, parameters: tuple[object, ...]) -> str | None:
        return READ_ONLY if self.session.ledger.read_only else None

    def may_administer(self) -> bool:
        return authz.can(self.session, Action.CUSTOMER_ADMIN)

    def phone_shown(self, phone: str, full: bool | None = None) -> str:
        """The phone as this user may see it (``full`` when already known, else asked: a read)."""
        if not phone:
            return "-"
        return phone if (self.may_administer() if full is None else full) else mask_phone(phone)

    # --- finding -------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "cu-find":
            self.find(event.value)

    def on_barcode_scanned(self, message: BarcodeScanned) -> None:
        message.stop()
        self.query_one("#cu-find", Input).value = message.code  # a card scan finds its customer

    @work(thread=True, exclusive=True, exit_on_error=False, group="customers-find")
    def find(self, text: str) -> None:
        if not text.strip():
            self.post_message(CustomersFound(text, []))
            return
        try:
            found = accounts.find_customers(self.session, text)
        except PosError as error:
            self.post_message(ActionFailed("customers", str(error)))
            return
        self.post_message(CustomersFound(text, found, self.may_administer()))

    def on_customers_found(self, message: CustomersFound) -> None:
        if message.text != self.query_one("#cu-find", Input).value:
            return  # typing moved on meanwhile
        self.found = message.customers
        table = self.query_one("#cu-list", DataTable)
        table.clear()
        for customer in self.found:
            person = customer.person or Person("")
            phone = self.phone_shown(person.phone, message.full_phone)
            table.add_row(f"#{customer.customer_id}", customer.label, phone, person.email or "-", customer.card,
                          key=str(customer.customer_id))
        announce, self.announce = self.announce, ""
        if not self.found:
            self.selected = None
            self.query_one("#cu-detail", Static).update("")
            if announce:
                self.say(announce, "success")
            elif message.text.strip():
                self.say("No customer matches. Ctrl+N adds a new one.", "warning")
            return
        self.say(announce or f"{len(self.found)} found.", "success" if announce else "info")
        table.move_cursor(row=0)
        self.show(self.found[0].customer_id)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show(int(event.row_key.value))

    def action_move(self, step: int) -> None:
        table = self.query_one("#cu-list", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="customers-show")
    def show(self, customer_id: int) -> None:
        session = self.session
        try:
            customer = accounts.get_customer(session, customer_id)
            held = balances.balance(session, customer_id)
            visits = balances.last_visits(session, customer_id, 5)
            history = reports.purchase_history(session, customer_id, limit=10)
        except PosError as error:
            self.post_message(ActionFailed("customers", str(error)))
            return
        person = customer.person
        lines = [f"#{customer.customer_id}  {customer.label}", f"Card     {customer.card}"]
        if person is not None:
            consent = ", ".join(way for way, ok in (("email", person.email_ok), ("SMS", person.sms_ok)) if ok)
            lines += [f"Phone    {self.phone_shown(person.phone)}", f"Email    {person.email or '-'}",
                      f"Receipts by {consent or 'paper only'}"]
        expired = f" ({held.expired} expired)" if held.expired else ""
        lines += ["", f"Points   {held.points}{expired}, worth {session.money(held.points_value)}",
                  f"Store credit {session.money(held.credit)}", ""]
        lines.append("Last visits: " + (", ".join(f"{session.local_time(v.at):%Y-%m-%d}" for v in visits)
                                        or "none yet"))
        lines += ["", "Purchase history (latest 10):"]
        for at, sale, total, earned, spent, credit in history.rows:
            used = f"  -{spent} pts" if spent else ""
            used += f"  credit {session.money(int(str(credit)))}" if credit else ""
            lines.append(f"  {at}  {sale}  {session.money(int(str(total)))}  +{earned} pts{used}")
        if not history.rows:
            lines.append("  (none yet)")
        self.post_message(CustomerShown(customer, "\n".join(lines)))

    def on_customer_shown(self, message: CustomerShown) -> None:
        table = self.query_one("#cu-list", DataTable)
        if not table.row_count or table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value != str(
                message.customer.customer_id):
            return  # the cursor moved on meanwhile
        self.selected = message.customer
        self.query_one("#cu-detail", Static).update(message.detail)

    def on_action_failed(self, message: ActionFailed) -> None:
        self.app.bell()
        self.say(message.text, "error")

    # --- changing ------------------------------------------------------------------------------

    def refuse_unless_admin(self) -> bool:
        """Whether the key stops here: whoever lacks the right is told who has it."""
        if self.may_administer():
            return False
        user = self.app.user  # type: ignore[attr-defined]
        self.app.bell()
        self.say(f"{user.username} ({user.role}) may not {doing(Action.CUSTOMER_ADMIN)}: a manager or an admin"
                 " can do it.", "error")
        return True

    def chosen(self) -> Customer | None:
        """The customer the keys act on; says what to do when there is none (or only a forgotten one)."""
        if self.selected is None:
            self.say("Find a customer first: type part of their phone number or name.", "warning")
        return self.selected

    def action_add(self) -> None:
        def add(answer: Answer) -> object:
            added = accounts.add_customer(self.session, person_of(answer))
            return lambda: self.done(f"Added #{added.customer_id} {added.label}, card {added.card}.",
                                     added.person.phone if added.person and added.person.phone else added.label)

        self.app.push_screen(FormDialog("New customer", [Field("name", "Name"), Field("phone", "Phone"),
                                                         Field("email", "Email (or leave empty)")], act=add))

    def action_edit(self) -> None:
        customer = self.chosen()
        if customer is None:
            return
        if customer.person is None:
            self.say(f"Customer #{customer.customer_id} was forgotten: there is nothing left to edit.", "warning")
            return
        person = customer.person

        def edit(answer: Answer) -> object:
            edited = accounts.edit_customer(self.session, customer.customer_id, person_of(answer))
            return lambda: self.done(f"Saved #{edited.customer_id} {edited.label}.", edited.label)

        fields = [Field("name", "Name", person.name), Field("phone", "Phone", person.phone),
                  Field("email", "Email", person.email),
                  Field("email_ok", "Receipts by email", "yes" if person.email_ok else "no", choices=YES_NO),
                  Field("sms_ok", "Receipts by SMS", "yes" if person.sms_ok else "no", choices=YES_NO)]
        self.app.push_screen(FormDialog(f"Edit customer #{customer.customer_id}", fields, act=edit))

    def action_merge(self) -> None:
        keep = self.chosen()
        if keep is None or self.refuse_unless_admin():
            return

        def find_duplicates(text: str) -> list[tuple[int, str]]:
            found = accounts.find_customers(self.session, text, limit=10)
            return [(c.customer_id, line_of(c))
                    for c in found if c.customer_id != keep.customer_id]

        def line_of(customer: Customer) -> str:
            phone = self.phone_shown(customer.person.phone if customer.person else "")
            return f"#{customer.customer_id}  {customer.label}  {phone}"

        def picked(duplicate: int | None) -> None:
            if duplicate is None or duplicate <= 0:
                return
            question = (f"Merge customer #{duplicate} into #{keep.customer_id} {keep.label}? Its visits, points and"
                        f" store credit move to #{keep.customer_id}, and its name, phone and email are erased.")
            def answered(yes: bool | None) -> None:
                if yes:
                    self.merge(duplicate, keep.customer_id)

            self.app.push_screen(ConfirmDialog("Merge customers", question, "merge"), answered)

        self.app.push_screen(CustomerDialog(find_duplicates), picked)
        self.say(f"Find the duplicate of #{keep.customer_id} {keep.label} and press Enter.")

    @work(thread=True, exit_on_error=False, group="customers-write")
    def merge(self, duplicate: int, keep: int) -> None:
        try:
            kept = accounts.merge_customers(self.session, duplicate, keep)
        except PosError as error:
            self.post_message(ActionFailed("customers", str(error)))
            return
        self.post_message(CustomerDone(f"Merged #{duplicate} into #{kept.customer_id} {kept.label}.", kept.label))

    def action_export(self) -> None:
        if self.refuse_unless_admin():
            return
        default = f"customers-{self.session.local_time(self.session.clock()):%Y%m%d}.csv"

        def export(answer: Answer) -> object:
            path, count = write_export(self.session, answer["path"])
            return lambda: self.say(f"{count} customers written to {path}.", "success")

        self.app.push_screen(FormDialog("Export customers", [Field("path", "CSV file to write", default)],
                                        "Name, phone and email of every customer: keep the file safe.",
                                        act=export))

    def action_forget(self) -> None:
        customer = self.chosen()
        if customer is None or self.refuse_unless_admin():
            return
        person = customer.person
        if person is None:
            self.say(f"Customer #{customer.customer_id} is already forgotten: nothing was changed.", "warning")
            return
        erased = [f"name {person.name}"] + ([f"phone {person.phone}"] if person.phone else []) + (
            [f"email {person.email}"] if person.email else [])
        question = (f"Forget customer #{customer.customer_id}? Erased for good: {', '.join(erased)}, and their"
                    " receipt consents. Their number, card, visits and balances stay in the books.")
        def answered(yes: bool | None) -> None:
            if yes:
                self.forget(customer.customer_id)

        self.app.push_screen(ConfirmDialog("Forget a customer", question, "forget"), answered)

    @work(thread=True, exit_on_error=False, group="customers-write")
    def forget(self, customer_id: int) -> None:
        try:
            wiped = accounts.forget_customer(self.session, customer_id)
        except PosError as error:
            self.post_message(ActionFailed("customers", str(error)))
            return
        later = "" if wiped else " Another till was reading: old copies of the pages go at the next quiet moment."
        self.post_message(CustomerDone(f"Customer #{customer_id} forgotten.{later}", ""))

    def on_customer_done(self, message: CustomerDone) -> None:
        self.done(message.text, message.find)

    def done(self, text: str, find: str) -> None:
        self.app.data_changed()  # type: ignore[attr-defined]
        self.loaded_for = self.freshness()  # found again below, not once more as the dialog closes
        field = self.query_one("#cu-find", Input)
        self.announce = text
        self.say(text, "success")
        if find and field.value != find:
            field.value = find  # finds it again (Input.Changed)
        else:
            self.find(field.value)
        field.focus()

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [("New customer", "Add a customer: name and phone (Ctrl+N)", "add"),
                ("Edit customer", "Change the chosen customer's details (Ctrl+E)", "edit"),
                ("Merge a duplicate", "Fold a duplicate record into the chosen customer (Ctrl+G)", "merge"),
                ("Export customers", "Every customer to a CSV file (Ctrl+O)", "export"),
                ("Forget customer", "Erase the chosen customer's name, phone and email (Ctrl+D)", "forget")]


def person_of(answer: Answer) -> Person:
    return Person(answer["name"], answer.get("phone", ""), answer.get("email", ""),
                  answer.get("email_ok", "no").strip() == "yes", answer.get("sms_ok", "no").strip() == "yes")


def write_export(session: Session, typed: str) -> tuple[Path, int]:
    """Every customer to the CSV file ``typed`` (refused if it exists or its folder does not); returns the
    absolute path written and how many customers it holds."""
    if not typed.strip():
        raise InvalidInput("The export needs a file name.", "Type a path ending in .csv.")
    path = Path(typed.strip()).expanduser().resolve()
    if not path.parent.is_dir():
        raise InvalidInput(f"There is no folder {path.parent}.", "Type a path in a folder that exists.")
    rows = list(accounts.export_customers(session))
    try:
        with path.open("x", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(accounts.EXPORT_HEADER)
            writer.writerows(rows)
    except FileExistsError:
        raise InvalidInput(f"{path} already exists.", "Type another file name, or move the old file away.") from None
    except OSError as error:
        raise InvalidInput(f"Could not write {path}: {error.strerror}.", "Type a path you may write to.") from None
    return path, len(rows)
