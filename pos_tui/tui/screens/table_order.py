"""A table's order: add lines by code or name (a portion and modifiers by digit keys), choose the course
and seat they go in, send them, fire the next course, void a line, present the bill, split it and pay.

Lines come from the journal, not from this screen's copy: another waiter's line shows within a quarter
of a second (the screen polls the order's last seq), and nothing this screen does saves a whole order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey

from pos_tui.domain.errors import NotFound, PosError
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.restaurant import bills, floor, kitchen, orders
from pos_tui.services.restaurant.floor import Order
from pos_tui.services.restaurant.orders import OrderLine
from pos_tui.services.session import Session
from pos_tui.tui.screens.base import ModeScreen

POLL_SECONDS = 0.25  # float-ok
COURSES = 4  # Ctrl+N cycles 1..4


@dataclass
class OrderLoaded(Message):
    order: Order | None
    lines: list[OrderLine]


class OrderScreen(ModeScreen):
    MODE = "floor"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Floor", priority=True, id="order.back"),
        Binding("ctrl+s", "send", "Send", priority=True, id="order.send"),
        Binding("ctrl+f", "fire", "Fire next", priority=True, id="order.fire"),
        Binding("ctrl+n", "course", "Course", priority=True, id="order.course"),
        Binding("ctrl+a", "seat", "Seat", priority=True, id="order.seat"),
        Binding("ctrl+d", "void", "Void line", priority=True, id="order.void"),
        Binding("ctrl+o", "prebill", "Bill", priority=True, id="order.prebill"),
        Binding("ctrl+l", "split", "Split/pay", priority=True, id="order.split"),
        Binding("f12", "pay", "Pay", priority=True, id="order.pay"),
        Binding("ctrl+x", "move", "Move", priority=True, id="order.move"),
        Binding("ctrl+e", "close_table", "Close", priority=True, id="order.close"),
    ]
    DEFAULT_CSS = """
    OrderScreen #order-head { height: 1; text-style: bold; color: $accent; }
    OrderScreen #order-lines { height: 1fr; }
    OrderScreen #order-total { height: 1; text-align: right; color: $success; text-style: bold; }
    """

    def __init__(self, table: int) -> None:
        super().__init__()
        self.table = table
        self.course = 1
        self.seat = 0
        self.order: Order | None = None
        self.lines: list[OrderLine] = []
        self.seen_seq = -1
        self.shown_rows: dict[str, tuple[str, ...]] = {}  # line key -> the cells its row shows, in row order
        self.columns: list[ColumnKey] = []

    @property
    def session(self) -> Session:
        session: Session = self.app.session  # type: ignore[attr-defined]
        return session

    def compose_body(self) -> ComposeResult:
        yield Static(f"Table {self.table}", id="order-head", markup=False)
        yield Input(placeholder="Code or name, Enter: add (digits then pick portion and modifiers)", id="order-scan",
                    compact=True)
        yield DataTable(id="order-lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="order-total", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#order-lines", DataTable)
        self.columns = table.add_columns("#", "Qty", "Item", "Amount", "State", "Crs", "Seat")
        self.query_one("#order-scan", Input).focus()
        self.load()
        self.set_interval(POLL_SECONDS, self.poll)

    # --- reading ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="order-poll")
    def poll(self) -> None:
        try:
            order = floor.order_on(self.session, self.table)
        except PosError:
            return
        if (order.last_seq if order else 0) != self.seen_seq:
            self.post_message(OrderLoaded(order, orders.order_lines(self.session, order.order_no) if order else []))

    @work(thread=True, exclusive=True, exit_on_error=False, group="order-load")
    def load(self) -> None:
        order = floor.order_on(self.session, self.table)
        self.post_message(OrderLoaded(order, orders.order_lines(self.session, order.order_no) if order else []))

    def on_order_loaded(self, message: OrderLoaded) -> None:
        self.order, self.lines = message.order, message.lines
        self.seen_seq = message.order.last_seq if message.order else 0
        self.show()

    def show(self) -> None:
        order = self.order
        head = self.query_one("#order-head", Static)
        if order is None:
            head.update(f"Table {self.table}: free (paid, moved or merged)")
        else:
            head.update(f"Table {self.table} · {order.covers} covers · {order.status} · {order.waiter} · "
                        f"new lines: course {self.course}, seat {self.seat or '-'}")
        table = self.query_one("#order-lines", DataTable)
        row = table.cursor_row
        fired = order.fired if order else 0
        rows: dict[str, tuple[str, ...]] = {}
        for line in self.lines:
            mods = "".join(f" +{m.name}" for m in line.modifiers)
            note = f" ({line.note})" if line.note else ""
            state = "paid" if line.paid else "sent" if line.sent else "held" if line.course > fired else "new"
            rows[str(line.line_no)] = (str(line.line_no), str(line.quantity // 1000), f"{line.name}{mods}{note}",
                                       self.session.money(line.amount), state, str(line.course),
                                       str(line.seat or "-"))
        shown = list(self.shown_rows)
        if list(rows)[:len(shown)] == shown:
            # The usual change (a scan, a send): the old rows are still there in their order; only the rows
            # that changed are touched and the new ones appended, not the whole order rebuilt per scan.
            for key, cells in rows.items():
                before = self.shown_rows.get(key)
                if before is None:
                    table.add_row(*cells, key=key)
                elif before != cells:
                    for column, old_cell, cell in zip(self.columns, before, cells, strict=True):
                        if old_cell != cell:
                            table.update_cell(key, column, cell)
        else:
            table.clear()
            for key, cells in rows.items():
                table.add_row(*cells, key=key)
        self.shown_rows = rows
        if self.lines:
            table.move_cursor(row=min(row, len(self.lines) - 1))
        total = sum(line.amount for line in self.lines if not line.paid)
        self.query_one("#order-total", Static).update(f"To pay {self.session.money(total)}")

    # --- adding -------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        event.input.value = ""
        if typed:
            self.find(typed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="order-find")
    def find(self, typed: str) -> None:
        try:
            found = products.find_by_code(self.session, typed)
            if found is not None:
                product = found[0]
            else:
                hits = products.search_products(self.session, typed, limit=1)
                if not hits:
                    raise NotFound(f"Nothing on the menu matches {typed!r}.", "Type a code or part of a name.")
                product = products.get_product(self.session, hits[0].product_id)
            portions = orders.portions(self.session, product)
            modifiers = orders.allowed_modifiers(self.session, product)
        except PosError as error:
            self.app.call_from_thread(self.say, str(error), "error")
            return
        if len(portions) == 1 and not modifiers:
            self.add_line(product.sku, ())  # in this worker: a plain scan is one background step, not two
            return
        self.app.call_from_thread(self.choose_portion, portions, modifiers)

    def choose_portion(self, portions: list[products.Product], modifiers: list[object]) -> None:
        from pos_tui.tui.dialogs.portion import PortionChoice, PortionDialog

        def chosen(choice: PortionChoice | None) -> None:
            if choice is not None:
                self.add(choice.product.sku, choice.modifiers)

        self.app.push_screen(PortionDialog(portions, modifiers, self.session.money), chosen)  # type: ignore[arg-type]

    @work(thread=True, exclusive=False, exit_on_error=False, group="order-write")
    def add(self, sku: str, modifiers: tuple[str, ...]) -> None:
        self.add_line(sku, modifiers)

    def add_line(self, sku: str, modifiers: tuple[str, ...]) -> None:
        """In a worker: add the line, say so, reload."""
        self.write(lambda: orders.add_line(self.session, self.table, sku, modifiers=modifiers, course=self.course,
                                           seat=self.seat), lambda line: f"Added {line.name}.")

    def write(self, call: object, said: object) -> None:
        """In a worker: run a service call; say what it did or why not; reload."""
        try:
            result = call()  # type: ignore[operator]
        except PosError as error:
            self.app.call_from_thread(self.say, str(error), "error")
            return
        self.app.call_from_thread(self.say, said(result), "success")  # type: ignore[operator]
        self.app.call_from_thread(self.load)

    @work(thread=True, exclusive=False, exit_on_error=False, group="order-write")
    def action_close_table(self) -> None:
        self.write(lambda: floor.close_table(self.session, self.table), lambda order: f"Table {self.table} is free.")

    # --- moving -------------------------------------------------------------------------------

    def action_move(self) -> None:
        """To another table: the whole order (an occupied table asks to merge), or some lines (a split)."""
        from pos_tui.tui.dialogs.form import Answer, Field, FormDialog

        def chosen(answer: Answer | None) -> None:
            if answer is not None:
                self.move(answer["to"].strip(), answer["lines"].replace(",", " ").split(),
                          answer["covers"].strip() or "0")

        self.app.push_screen(FormDialog(f"Move table {self.table}", [
            Field("to", "To table"), Field("lines", "Lines (their #, blank: the whole order)"),
            Field("covers", "Guests moving with the lines", "0")]), chosen)

    @work(thread=True, exclusive=False, exit_on_error=False, group="order-write")
    def move(self, to: str, lines: list[str], covers: str) -> None:
        from pos_tui.domain.errors import InvalidInput
        from pos_tui.services.restaurant import moves

        if not to.isdigit() or not covers.isdigit() or not all(n.isdigit() for n in lines):
            self.app.call_from_thread(self.say, str(InvalidInput(
                "Type the table's number, the lines' numbers and the guests as numbers.", "Nothing was moved.")),
                "error")
            return
        target = int(to)
        if lines:
            self.write(lambda: moves.split(self.session, self.table, [int(n) for n in lines], target,
                                           covers=int(covers)),
                       lambda order: f"{len(lines)} lines moved to table {target}.")
            return
        try:
            moves.transfer(self.session, self.table, target)
        except moves.TableOccupied as occupied:
            self.app.call_from_thread(self.ask_merge, target, str(occupied))
            return
        except PosError as error:
            self.app.call_from_thread(self.say, str(error), "error")
            return
        self.app.call_from_thread(self.moved_to, target, "moved")

    def ask_merge(self, target: int, why: str) -> None:
        from pos_tui.tui.dialogs.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.merge(target)

        self.app.push_screen(ConfirmDialog("Table occupied", why, f"merge into table {target}"), answered)

    @work(thread=True, exclusive=False, exit_on_error=False, group="order-write")
    def merge(self, target: int) -> None:
        from pos_tui.services.restaurant import moves

        try:
            moves.transfer(self.session, self.table, target, merge=True)
        except PosError as error:
            self.app.call_from_thread(self.say, str(error), "error")
            return
        self.app.call_from_thread(self.moved_to, target, "merged")

    def moved_to(self, target: int, how: str) -> None:
        """The order is on another table now: this screen follows it."""
        self.table = target
        self.say(f"Order {how} to table {target}.", "success")
        self.load()

    # --- keys ---------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_course(self) -> None:
        self.course = self.course % COURSES + 1
        self.show()

    def action_seat(self) -> None:
        covers = self.order.covers if self.order else 1
        self.seat = (self.seat + 1) % (covers + 1)
        self.show()

    @work(thread=True, exclusive=False, exit_on_error=False, group="order-write")
    def action_send(self) -> None:
        self.write(lambda: kitchen.send(self.session, self.table), self.sent_sentence)
        self.app.call_from_thread(self.dispatch)

    @work(thread=True, exclusive=False, exit_on_error=False, group="order-write")
    def action_fire(self) -> None:
        course = (self.order.fired if self.order else 1) + 1
        self.write(lambda: kitchen.fire(self.session, self.table, course),
                   lambda tickets: f"Course {course} fired. " + self.sent_sentence(tickets))
        self.app.call_from_thread(self.dispatch)

    def dispatch(self) -> None:
        dispatch = getattr(self.app, "dispatch_tickets", None)
        if callable(dispatch):
            dispatch()

    @staticmethod
    def sent_sentence(tickets: tuple[object, ...]) -> str:
        if not tickets:
            return "Nothing new to send."
        return "Sent: " + ", ".join(f"ticket {t.number} to {t.station}" for t in tickets) + "."  # type: ignore[attr-defined]

    def highlighted_line(self) -> OrderLine | None:
        table = self.query_one("#order-lines", DataTable)
        if not self.lines or table.cursor_row < 0:
            return None
        return self.lines[min(table.cursor_row, len(self.lines) - 1)]

    def action_void(self) -> None:
        line = self.highlighted_line()
        if line is None:
            self.say("No line to void: choose one with the arrows.", "warning")
            return
        self.void(line.line_no)

    @work(thread=True, exclusive=False, exit_on_error=False, group="order-write")
    def void(self, line_no: int) -> None:
        from pos_tui.tui.dialogs.approval import guarded

        self.write(lambda: guarded(self.app, lambda approval: orders.void_line(
            self.session, self.table, line_no, reason="voided at the table", approval=approval),
            reason="voided at the table"),
            lambda ticket: f"Line {line_no} voided" + (f"; VOID ticket {ticket} to its station." if ticket else "."))
        self.app.call_from_thread(self.dispatch)

    @work(thread=True, exclusive=False, exit_on_error=False, group="order-write")
    def action_prebill(self) -> None:
        self.write(lambda: bills.prebill(self.session, self.table),
                   lambda bill: f"Bill presented: {self.session.money(bill.total)}. F12 pays it, Ctrl+L splits it.")

    def action_split(self) -> None:
        from pos_tui.tui.dialogs.bill_split import SplitChoice, SplitDialog

        seats: dict[int, int] = {}
        for line in self.lines:
            if not line.paid:
                seats[line.seat] = seats.get(line.seat, 0) + line.amount
        if not seats:
            self.say("Nothing to pay on this table.", "warning")
            return

        def chosen(choice: SplitChoice | None) -> None:
            if choice is None:
                return
            if choice.how == "parts":
                self.split_parts(choice.number)
            else:
                self.pay(seat=choice.number if choice.how == "seat" else None)

        self.app.push_screen(SplitDialog(self.table, sum(seats.values()), seats, self.session.money), chosen)

    @work(thread=True, exclusive=False, exit_on_error=False, group="order-write")
    def split_parts(self, parts: int) -> None:
        self.write(lambda: bills.split_equally(self.session, self.table, parts),
                   lambda bill: f"Split into {parts}: part 1 is {self.session.money(bill.due_now)}; F12 pays it.")

    def action_pay(self) -> None:
        self.pay(seat=None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="order-pay")
    def pay(self, seat: int | None) -> None:
        try:
            bill = bills.bill(self.session, self.table)
            due = bill.due_now if seat is None else sum(
                line.amount for line in bill.lines if line.seat == seat)
        except PosError as error:
            self.app.call_from_thread(self.say, str(error), "error")
            return
        self.app.call_from_thread(self.ask_tenders, due, seat)

    def ask_tenders(self, due: int, seat: int | None) -> None:
        from pos_tui.tui.dialogs.form import Answer, Field, FormDialog
        from pos_tui.tui.dialogs.tender import TenderDialog

        def tipped(tenders: list[Tender], answer: Answer | None) -> None:
            if answer is not None:
                self.take_payment(tenders, seat, answer["tip"])

        def paid(tenders: list[Tender] | None) -> None:
            if tenders:
                method = self.session.tender_methods[tenders[0].method].label
                self.app.push_screen(FormDialog("Tip", [Field("tip", f"Tip on top, by {method} (0: none)", "0")]),
                                     lambda answer: tipped(tenders, answer))

        self.app.push_screen(TenderDialog(due, self.session.currency, self.session.tender_methods), paid)

    @work(thread=True, exclusive=True, exit_on_error=False, group="order-pay")
    def take_payment(self, tenders: list[Tender], seat: int | None, tip_text: str) -> None:
        try:
            tip = self.session.currency.parse(tip_text) if tip_text.strip() else 0
        except PosError as error:
            self.app.call_from_thread(self.say, str(error), "error")
            return
        self.write(lambda: bills.pay(self.session, self.table, tenders, seat=seat, tip=tip),
                   lambda paid: f"Sale {paid.sale_ref}: {self.session.money(paid.total)}"
                   + (f", change {self.session.money(paid.change)}" if paid.change else "")
                   + (f", tip {self.session.money(paid.tip)}" if paid.tip else "")
                   + (". The table is free." if paid.closed else "."))
