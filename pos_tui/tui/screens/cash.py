"""Cash: the drawer's shift, cash in and out of it outside sales, the blind count, X and Z reports.

Every change is one service call in a worker, through ``guarded`` so a supervisor's PIN can allow
what the role lacks. The screen never shows what the drawer should hold: the close is a blind
count, and the expected amount appears only in the shift report after the count is recorded.
Reports are shown on screen and queued on the printer when one is configured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from pos_tui.devices.report_layout import PrintedReport
from pos_tui.domain.errors import PosError
from pos_tui.services.cash import day_reports, moves, shifts
from pos_tui.services.reports.printed import day_report_document, print_report, report_text, shift_report_document
from pos_tui.services.restaurant.floor import TablesStillOpen
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.approval import guarded
from pos_tui.tui.dialogs.cash_count import CountDialog, Counts
from pos_tui.tui.dialogs.cash_move import CashMoveDialog, CashMoveRequest
from pos_tui.tui.dialogs.cash_report import ReportDialog
from pos_tui.tui.dialogs.form import Field, FormDialog
from pos_tui.tui.messages import ActionFailed
from pos_tui.tui.screens.base import ModeScreen
from pos_tui.tui.till_printer import till_printer


@dataclass
class CashRecorded(Message):
    """A cash change went into the journal; ``text`` says what, for the status line."""

    text: str


@dataclass
class ReportReady(Message):
    title: str
    document: PrintedReport
    variance: int | None = None
    printed: str = ""
    """Where the report was queued ("" when no printer is configured)."""


@dataclass
class ShiftsOpenAtZ(Message):
    text: str


def _session(app: App[object]) -> Session:
    session: Session = app.session  # type: ignore[attr-defined]
    return session


def open_shift_then(app: App[object], then: Callable[[], None]) -> None:
    """The bucket's no-shift rule: go on at once when a shift is open or the policy auto-opens one;
    under ``[cash] no_shift = "refuse"`` ask for the float, open the shift, then go on."""
    session = _session(app)
    if session.settings.cash.no_shift != "refuse" or shifts.current_shift(session) is not None:
        then()
        return

    def counted(counts: Counts | None) -> None:
        if counts is None:
            app.notify("No shift is open, so nothing can be sold. Open one with the float (F5 Cash).",
                       severity="warning")
            return
        _open_shift_worker(app, counts, then)

    app.push_screen(_float_dialog(session), counted)


def _float_dialog(session: Session) -> CountDialog:
    return CountDialog(f"Open a shift on {session.terminal}", "Count the float by notes and coins.",
                       session.settings.cash.denominations, session.currency)


def _open_shift_worker(app: App[object], counts: Counts, then: Callable[[], None] | None) -> None:
    def run() -> None:
        session = _session(app)
        try:
            shift = guarded(app, lambda approval: shifts.open_shift(session, counts=counts, approval=approval))
        except PosError as error:
            app.call_from_thread(app.notify, str(error), severity="error")
            return
        app.call_from_thread(app.notify, f"Shift {shift.shift_id} open with a float of "
                             f"{session.money(shift.float_amount)}.")
        if then is not None:
            app.call_from_thread(then)

    app.run_worker(run, thread=True, exit_on_error=False, group="open-shift")


class CashScreen(ModeScreen):
    MODE = "cash"
    DEFAULT_CSS = """
    CashScreen #shift-status { height: auto; margin: 1 0; padding: 0 1; border: round $primary; }
    CashScreen #shift-status.-none { border: round $warning; color: $warning; }
    CashScreen #cash-help { height: auto; color: $text-muted; }
    CashScreen #last-report-box { height: 1fr; background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_shift", "Open shift", id="cash.open"),
        Binding("i", "move('paid_in')", "Paid in", id="cash.paid_in"),
        Binding("u", "move('paid_out')", "Paid out", id="cash.paid_out"),
        Binding("e", "move('expense')", "Expense", id="cash.expense"),
        Binding("d", "move('drop')", "Drop", id="cash.drop"),
        Binding("n", "no_sale", "No sale", id="cash.no_sale"),
        Binding("c", "close_shift", "Close shift", id="cash.close"),
        Binding("x", "x_report", "X report", id="cash.x"),
        Binding("z", "z_report", "Z report", id="cash.z"),
    ]

    @property
    def session(self) -> Session:
        return _session(self.app)

    def compose_body(self) -> ComposeResult:
        yield Static("", id="shift-status", markup=False)
        yield Static(
            "O open shift  I paid in  U paid out  E expense (safe)  D drop\n"
            "N no sale  C close (blind count)  X report  Z close the day",
            id="cash-help", markup=False,
        )
        with VerticalScroll(id="last-report-box"):
            yield Static("", id="last-report", markup=False)

    def on_screen_resume(self) -> None:
        self.show_shift()

    def show_shift(self) -> None:
        status = self.query_one("#shift-status", Static)
        session = self.session
        shift = shifts.current_shift(session)
        if shift is None:
            status.set_classes("-none")
            policy = ("the first sale opens one with no float" if session.settings.cash.no_shift == "auto-open"
                      else "sales are refused until one is open")
            status.update(f"No shift is open on {session.terminal}: {policy}. O opens one with a counted float.")
            return
        status.set_classes("")
        how = "started by a sale" if shift.auto_opened else f"by {shift.opened_by}"
        status.update(
            f"Shift {shift.shift_id} on {shift.terminal}: open since {shift.opened_day} {how}\n"
            f"Float {session.money(shift.float_amount)}   Cashiers: {', '.join(shift.cashiers) or '-'}"
        )

    # --- asking ------------------------------------------------------------------------------------

    def action_open_shift(self) -> None:
        def counted(counts: Counts | None) -> None:
            if counts is not None:
                _open_shift_worker(self.app, counts, self.show_shift)

        self.app.push_screen(_float_dialog(self.session), counted)

    def action_move(self, kind: str) -> None:
        titles = {"paid_in": "Paid in (into the drawer)", "paid_out": "Paid out (from the drawer)",
                  "expense": "Expense paid from the safe", "drop": "Cash drop (drawer to safe)"}
        categories = [] if kind == "drop" else list(moves.categories(self.session, "paid_in" if kind == "paid_in"
                                                                         else "expense"))

        # The dialog records the move before it closes: a refusal keeps the amount and note typed.
        self.app.push_screen(CashMoveDialog(titles[kind], self.session.currency, categories,
                                            act=lambda request: self.record_move(kind, request)))

    def action_no_sale(self) -> None:
        self.app.push_screen(FormDialog("No sale: open the drawer", [Field("reason", "Why is the drawer opened?")],
                                        act=lambda answer: self.record_no_sale(answer["reason"])))

    def action_close_shift(self) -> None:
        session = self.session
        shift = shifts.current_shift(session)
        if shift is None:
            self.say(f"No shift is open on {session.terminal}.", "warning")
            return

        def counted(counts: Counts | None) -> None:
            if counts is not None:
                self.close_shift(counts)

        self.app.push_screen(CountDialog(f"Close shift {shift.shift_id}: blind count",
                                         "Count every note and coin in the drawer.",
                                         session.settings.cash.denominations, session.currency), counted)

    def action_x_report(self) -> None:
        self.day_report(force=None)

    def action_z_report(self) -> None:
        self.day_report(force=False)

    # --- doing (workers) ---------------------------------------------------------------------------

    def record_move(self, kind: str, r: CashMoveRequest) -> None:
        """In the dialog's worker: record the move (a `PosError` keeps the dialog open), then say so."""
        session = self.session
        calls = {
            "paid_in": lambda a: moves.paid_in(session, r.amount, r.category, r.note, approval=a),
            "paid_out": lambda a: moves.paid_out(session, r.amount, r.category, r.note, approval=a),
            "expense": lambda a: moves.expense(session, r.amount, r.category, r.note, approval=a),
            "drop": lambda a: moves.drop(session, r.amount, r.note, approval=a),
        }
        move = guarded(self.app, calls[kind])
        words = {"paid_in": "Paid in", "paid_out": "Paid out", "expense": "Expense paid", "drop": "Dropped"}
        self.post_message(CashRecorded(f"{words[kind]} {session.money(move.amount)}"
                                       + (f" ({move.category})" if move.category else "") + "."))

    def record_no_sale(self, reason: str) -> None:
        """In the dialog's worker: record the no-sale (a `PosError` keeps the dialog open), open the drawer."""
        session = self.session
        guarded(self.app, lambda approval: moves.no_sale(session, reason, approval=approval))
        printer = till_printer(self.app, session)
        try:
            printer.kick_drawer()
            self.post_message(CashRecorded("No sale recorded; the drawer is opening."))
        except PosError as error:
            self.post_message(CashRecorded(f"No sale recorded. The drawer did not open: {error}"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="cash")
    def close_shift(self, counts: Counts) -> None:
        session = self.session
        try:
            closed = guarded(self.app, lambda approval: shifts.close_shift(session, counts=counts, approval=approval))
        except PosError as error:
            self.post_message(ActionFailed("cash", str(error)))
            return
        report = closed.report
        document = shift_report_document(session, report)
        self.post_message(ReportReady(f"Shift {report.shift.shift_id} closed", document, report.variance,
                                      self._print(document)))
        if closed.snapshot:
            self.post_message(CashRecorded(closed.snapshot))

    @work(thread=True, exclusive=True, exit_on_error=False, group="cash")
    def day_report(self, force: bool | None) -> None:
        """``force`` None: an X; False: a Z (refused while shifts are open); True: a Z all the same."""
        session = self.session
        try:
            if force is None:
                report = day_reports.x_report(session)
            else:
                report = guarded(self.app, lambda a: day_reports.z_report(session, force=force, approval=a)).report
        except (day_reports.ShiftsStillOpen, TablesStillOpen) as still_open:  # a decision: close anyway or not
            self.post_message(ShiftsOpenAtZ(str(still_open)))
            return
        except PosError as error:
            self.post_message(ActionFailed("cash", str(error)))
            return
        document = day_report_document(session, report)
        title = "X report" if report.kind == "X" else f"Z report {report.z_number}"
        self.post_message(ReportReady(title, document, None, self._print(document)))

    def _print(self, document: PrintedReport) -> str:
        printer = till_printer(self.app, self.session)
        try:
            job = print_report(printer, document)
        except PosError as error:
            return f"not printed: {error}"
        return printer.name if job is not None else ""

    # --- showing -----------------------------------------------------------------------------------

    def on_cash_recorded(self, message: CashRecorded) -> None:
        self.say(message.text, "success")
        self.show_shift()
        self.app.data_changed()  # type: ignore[attr-defined]  # the daybook and the reports are stale

    def on_action_failed(self, message: ActionFailed) -> None:
        self.app.bell()
        self.say(message.text, "error")

    def on_report_ready(self, message: ReportReady) -> None:
        text = report_text(message.document)
        self.query_one("#last-report", Static).update(text)
        self.show_shift()
        if message.variance is not None:
            self.app.data_changed()  # type: ignore[attr-defined]
        printed = f" Sent to {message.printed}." if message.printed else ""
        self.say(f"{message.title}.{printed}", "success")
        variance = None
        if message.variance is not None:
            variance = (message.variance, self.session.money(abs(message.variance)))

        def closed(print_again: bool | None) -> None:
            if print_again:
                self.reprint(message.document)

        self.app.push_screen(ReportDialog(message.title, text, variance=variance), closed)

    @work(thread=True, exclusive=False, exit_on_error=False, group="cash-print")
    def reprint(self, document: PrintedReport) -> None:
        where = self._print(document)
        self.post_message(CashRecorded(f"Report sent to {where}." if where else "No printer is configured."))

    def on_shifts_open_at_z(self, message: ShiftsOpenAtZ) -> None:
        def answered(force: bool | None) -> None:
            if force:
                self.day_report(force=True)

        self.app.push_screen(ReportDialog("Z report: still open", message.text,
                                          note="P: close the day anyway (the Z lists them)   Esc: cancel"),
                             answered)

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Open a shift", "Count the float (O)", "screen.open_shift"),
            ("Close the shift", "Blind count of the drawer (C)", "screen.close_shift"),
            ("X report", "The day so far; changes nothing (X)", "screen.x_report"),
            ("Z report", "Close the business day (Z)", "screen.z_report"),
        ]
