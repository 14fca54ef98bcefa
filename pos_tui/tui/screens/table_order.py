"""A table's order, a panel of the floor's screen: add lines by code or name (a portion and modifiers by
digit keys), choose the course and seat they go in, send them, fire the next course, void a line,
present the bill, split it and pay.

Lines come from the journal, not from this panel's copy: another waiter's line shows within a quarter
of a second (the panel polls the order's last seq), and nothing this panel does saves a whole order.

At the till's pace: the floor holds one of these panels and shows each table on it in place of the
grid of tables, with no screen switch (a screen shown again is restyled whole, its footer rebuilt: that
was most of an opening's 150 ms of CPU); its widgets are built once, not per table, and leave no garbage
for a full collection to walk in the middle of a scan. Its reads, its poll and a scan's write run on one
long-lived thread of its own (one SQLite connection kept warm, not a new thread and connection per
step), and a scan's write and the read of the order it changed come back as one message.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
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
from pos_tui.tui.widgets.field import Field

POLL_SECONDS = 0.25  # float-ok
NO_TABLE = "No table open: type its number in the floor's field, then Enter."
COURSES = 4  # Ctrl+N cycles 1..4


@dataclass
class OrderLoaded(Message):
    table: int  # the table it was read for: this screen shows one table after another
    order: Order | None
    lines: list[OrderLine]
    said: tuple[str, str] | None = None  # (sentence, level) of the write that caused the read


@dataclass
class Said(Message):
    text: str
    level: str


def collect_garbage() -> None:
    """A full garbage collection, run when a waiter leaves a table (Escape), after the floor's frame.

    Each table opened leaves Textual's garbage (restyled widgets, the footer's keys rebuilt) that only a
    full collection frees; left to itself, Python runs one every two or three actions, and it landed on
    scans and openings (30 to 150 ms of CPU each on the 200-table floor). Run here, between tables, it
    resets the collector's count, so the automatic one rarely comes due while a table is open.
    """
    gc.collect()


def read_order(session: Session, table: int, said: tuple[str, str] | None = None) -> OrderLoaded:
    """In a thread: the order on ``table`` and its lines, as the message that shows them."""
    order = floor.order_on(session, table)
    return OrderLoaded(table, order, orders.order_lines(session, order.order_no) if order else [], said)


class OrderPanel(Vertical):
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
    OrderPanel { height: 1fr; }
    OrderPanel #order-head { height: 1; text-style: bold; color: $accent; }
    OrderPanel #order-lines { height: 1fr; }
    OrderPanel #order-total { height: 1; text-align: right; color: $success; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.table = 0
        self.course = 1
        self.seat = 0
        self.order: Order | None = None
        self.lines: list[OrderLine] = []
        self.seen_seq = -1
        self.shown_rows: dict[str, tuple[str, ...]] = {}  # line key -> the cells its row shows, in row order
        self.columns: list[ColumnKey] = []
        # One thread for the hot path (load, poll, scan): its SQLite connection stays open between steps
        # and the steps run in order, so a poll never overtakes the write of a scan.
        self.background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="table-order")
        self.polling = False  # a poll is queued or running: the timer does not stack another

    def show_table(self, table: int, opening: Callable[[], object] | None = None) -> None:
        """Show ``table`` (nothing of the last table stays) and read its order; ``opening`` runs first, on
        this panel's thread (the table's opening written), and a refusal from it is said."""
        self.table, self.course, self.seat = table, 1, 0
        self.order, self.lines, self.seen_seq, self.shown_rows = None, [], -1, {}
        self.query_one("#order-lines", DataTable).clear()
        self.query_one("#order-head", Static).update(f"Table {table}", layout=False)
        self.query_one("#order-total", Static).update("", layout=False)
        scan = self.query_one("#order-scan", Input)
        scan.value = ""
        scan.focus()
        session = self.session

        def job() -> None:
            if opening is not None:
                try:
                    opening()
                except PosError as error:  # e.g. covers out of range: back to the grid, saying why
                    self.app.call_from_thread(self.refused, table, str(error))
                    return
                except (sqlite3.Error, OSError) as error:  # the disk or a lock: the table was not opened
                    self.app.call_from_thread(self.refused, table, f"Table {table} was not opened ({error});"
                                              " nothing was written: try again, and call the manager if it persists.")
                    return
            self.post_message(read_order(session, table))

        self.in_background(job)

    def refused(self, table: int, sentence: str) -> None:
        if self.table == table:  # the waiter may have gone on to another table meanwhile
            self.screen.close_order()  # type: ignore[attr-defined]
        self.say(sentence, "error")

    @property
    def session(self) -> Session:
        session: Session = self.app.session  # type: ignore[attr-defined]
        return session

    def show_no_table(self) -> None:
        self.table, self.order, self.lines, self.seen_seq, self.shown_rows = 0, None, [], -1, {}
        self.query_one("#order-lines", DataTable).clear()
        self.query_one("#order-head", Static).update(NO_TABLE, layout=False)
        self.query_one("#order-total", Static).update("", layout=False)
        self.query_one("#order-scan", Input).value = ""

    @property
    def is_current(self) -> bool:
        """A table shown, on the screen shown (no dialog on top): the panel polls only then."""
        return self.table != 0 and self.screen.is_current

    def say(self, text: str, level: str = "info") -> None:
        self.screen.say(text, level)  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Static(NO_TABLE, id="order-head", markup=False)
        yield Field(placeholder="Code or name, Enter: add (digits then pick portion and modifiers)", id="order-scan",
                    compact=True)
        yield DataTable(id="order-lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="order-total", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#order-lines", DataTable)
        self.columns = table.add_columns("#", "Qty", "Item", "Amount", "State", "Crs", "Seat")
        self.set_interval(POLL_SECONDS, self.poll)

    def resumed(self) -> None:
        """Uncovered by a dialog: read the order now (the panel did not poll under it)."""
        self.query_one("#order-scan", Input).focus()
        self.load()

    def on_unmount(self) -> None:
        self.background.shutdown(wait=False, cancel_futures=True)

    # --- reading ------------------------------------------------------------------------------

    def in_background(self, job: Callable[[], None]) -> None:
        """Run ``job`` on this screen's thread; a refusal (a PosError) is said, never raised."""

        def guarded() -> None:
            try:
                job()
            except PosError as error:
                self.post_message(Said(str(error), "error"))

        with contextlib.suppress(RuntimeError):  # shut down: the app is closing
            self.background.submit(contextvars.copy_context().run, guarded)

    def poll(self) -> None:
        # Hidden (the floor is back, or a dialog is on top) the panel does not poll: it reads when shown.
        if self.polling or not self.is_current:
            return
        self.polling = True
        session, table, seen = self.session, self.table, self.seen_seq

        def job() -> None:
            try:
                order = floor.order_on(session, table)
                if (order.last_seq if order else 0) != seen:  # one indexed read when nothing changed
                    self.post_message(read_order(session, table))
            finally:
                self.polling = False

        self.in_background(job)

    def load(self) -> None:
        session, table = self.session, self.table
        self.in_background(lambda: self.post_message(read_order(session, table)))

    def on_order_loaded(self, message: OrderLoaded) -> None:
        if message.said is not None:
            self.say(*message.said)
        if message.table != self.table:
            return  # read for the table this panel showed before
        order = message.order
        if order is not None and self.order is not None and order.order_no == self.order.order_no \
                and order.last_seq < self.seen_seq:
            return  # an older read overtaken by a newer one (a write's worker and a poll)
        self.order, self.lines = order, message.lines
        self.seen_seq = order.last_seq if order else 0
        self.show()

    def on_said(self, message: Said) -> None:
        self.say(message.text, message.level)

    def show(self) -> None:
        order = self.order
        head = self.query_one("#order-head", Static)
        # The head and the total are one row each: changing their text needs no new layout of the screen.
        if order is None:
            head.update(f"Table {self.table}: free (paid, moved or merged)", layout=False)
        else:
            head.update(f"Table {self.table} · {order.covers} covers · {order.status} · {order.waiter} · "
                        f"adding to course {self.course}, seat {self.seat or '-'}", layout=False)
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
        self.query_one("#order-total", Static).update(f"To pay {self.session.money(total)}", layout=False)

    # --- adding -------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        event.input.value = ""
        if typed and self.table == 0:
            self.say("No table is open: type its number in the floor's field first, then scan.", "warning")
        elif typed:
            self.find(typed)

    def find(self, typed: str) -> None:
        session = self.session
        add = self.line_adder(())

        def job() -> None:
            found = products.find_by_code(session, typed)
            if found is not None:
                product = found[0]
            else:
                hits = products.search_products(session, typed, limit=1)
                if not hits:
                    raise NotFound(f"Nothing on the menu matches {typed!r}.", "Type a code or part of a name.")
                product = products.get_product(session, hits[0].product_id)
            portions = orders.portions(session, product)
            modifiers = orders.allowed_modifiers(session, product)
            if len(portions) == 1 and not modifiers:
                add(product.sku)  # a plain scan: found, written and read back in this one step, one message
                return
            self.app.call_from_thread(self.choose_portion, portions, modifiers)

        self.in_background(job)

    def line_adder(self, modifiers: tuple[str, ...]) -> Callable[[str], None]:
        """What adds a line in the background, with the table, course and seat shown when it was asked."""
        session, table, course, seat = self.session, self.table, self.course, self.seat

        def add(sku: str) -> None:
            line = orders.add_line(session, table, sku, modifiers=modifiers, course=course, seat=seat)
            self.post_message(read_order(session, table, (f"Added {line.name}.", "success")))

        return add

    def choose_portion(self, portions: list[products.Product], modifiers: list[object]) -> None:
        from pos_tui.tui.dialogs.portion import PortionChoice, PortionDialog

        def chosen(choice: PortionChoice | None) -> None:
            if choice is not None:
                add = self.line_adder(tuple(choice.modifiers))
                self.in_background(lambda: add(choice.product.sku))

        self.app.push_screen(PortionDialog(portions, modifiers, self.session.money), chosen)  # type: ignore[arg-type]

    def write(self, call: object, said: object) -> None:
        """In a worker: run a service call; say what it did or why not, with the order read again."""
        table = self.table
        try:
            result = call()  # type: ignore[operator]
        except PosError as error:
            self.post_message(Said(str(error), "error"))
            return
        self.post_message(read_order(self.session, table, (said(result), "success")))  # type: ignore[operator]

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
        """The order is on another table now: this panel follows it."""
        self.table = target
        self.say(f"Order {how} to table {target}.", "success")
        self.load()

    # --- keys ---------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.screen.close_order()  # type: ignore[attr-defined]
        self.app.call_after_refresh(collect_garbage)  # the table's garbage, between tables: not mid-scan

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
