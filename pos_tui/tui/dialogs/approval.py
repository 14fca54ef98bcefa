"""A supervisor's approval: name, PIN and reason for one action the user at the till may not take alone.

``guarded`` is the one way a screen runs a service call a role may lack: try it; if the service says
``PermissionRequired``, ask a supervisor here, and on approval try again with ``approval=``. The
approval then travels inside the event the call records, so the journal names both people.
``approve_then`` does the same for changes made only in the cart (a void line, a price override),
whose approvals the cart keeps until the sale is recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from pos_tui.domain.errors import PosError
from pos_tui.domain.permissions import Action, Approval, PermissionRequired
from pos_tui.services.session import Session
from pos_tui.services.staff import authz

T = TypeVar("T")


ACTION_WORDS: dict[str, str] = {
    Action.VOID_LINE: "void a line",
    Action.VOID_SALE: "void a sale",
    Action.PRICE_OVERRIDE: "override a price",
    Action.DISCOUNT_ABOVE_LIMIT: "give a discount above their limit",
    Action.RETURN_WITH_RECEIPT: "take a return",
    Action.RETURN_WITHOUT_RECEIPT: "take a return without a receipt",
    Action.NO_SALE: "open the drawer without a sale",
    Action.PAID_OUT: "pay cash out of the drawer",
    Action.STOCK_RECEIVE: "receive stock",
    Action.STOCK_ADJUST: "adjust stock",
    Action.PRICE_CHANGE: "change a price",
    Action.PRODUCT_EDIT: "edit a product",
}


def action_words(action: Action | str) -> str:
    """What an action is, in the words of a sentence ("void a line")."""
    return ACTION_WORDS.get(str(action), str(action).replace("_", " "))


MISSING = {
    "approver": "Type the supervisor's user name.",
    "approver-pin": "Type the supervisor's PIN.",
    "approval-reason": "Say why: the reason goes into the journal with both names.",
}


@dataclass
class ApprovalRefused(Message):
    text: str


@dataclass
class ApprovalGiven(Message):
    approval: Approval


class ApprovalDialog(ModalScreen[Approval | None]):
    """Supervisor name, PIN (digits only) and reason; Enter moves on, Enter on the last field asks."""

    DEFAULT_CSS = """
    ApprovalDialog { align: center middle; }
    ApprovalDialog > Vertical { width: 60; max-width: 95%; height: auto; padding: 0 2; background: $panel;
        border: round $warning; }
    ApprovalDialog #approval-why { color: $warning; text-style: bold; margin-top: 1; }
    ApprovalDialog Label { margin-top: 1; }
    ApprovalDialog #approval-error { color: $error; margin-top: 1; }
    ApprovalDialog .caption { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, session: Session, action: Action, username: str, *, reason: str = "") -> None:
        super().__init__()
        self.session = session
        self.action = action
        self.username = username
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Supervisor approval"
            yield Static(f"{self.username} may not {action_words(self.action)} alone.", id="approval-why",
                         markup=False)
            yield Label("Supervisor")
            yield Input(id="approver", placeholder="user name", compact=True)
            yield Label("PIN")
            yield Input(id="approver-pin", placeholder="PIN", password=True, compact=True, restrict=r"[0-9]*",
                        max_length=8)
            yield Label("Reason")
            yield Input(self.reason, id="approval-reason", placeholder="why (customer changed mind…)",
                        compact=True)
            yield Static("", id="approval-error", markup=False)
            yield Static("Enter: next / approve   Esc: cancel", classes="caption")

    def on_mount(self) -> None:
        self.query_one("#approver", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        fields = list(self.query(Input))
        index = fields.index(event.input)
        if index + 1 < len(fields):
            fields[index + 1].focus()
            return
        missing = next((field for field in fields if not field.value.strip()), None)
        if missing is not None:
            self._tell(MISSING[missing.id or ""])
            missing.focus()
            return
        approver, pin, reason = (field.value.strip() for field in fields)
        self._tell("Checking…")
        self.check(approver, pin, reason)

    def _tell(self, text: str) -> None:
        self.query_one("#approval-error", Static).update(text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="approval")
    def check(self, approver: str, pin: str, reason: str) -> None:
        try:
            approval = authz.approve(self.session, approver, pin, self.action, reason)
        except PosError as error:
            self.post_message(ApprovalRefused(str(error)))
            return
        self.post_message(ApprovalGiven(approval))

    def on_approval_refused(self, message: ApprovalRefused) -> None:
        self.app.bell()
        self._tell(message.text)
        pin = self.query_one("#approver-pin", Input)
        pin.value = ""
        pin.focus()

    def on_approval_given(self, message: ApprovalGiven) -> None:
        self.dismiss(message.approval)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _session_of(app: App[object]) -> Session:
    session: Session = app.session  # type: ignore[attr-defined]
    return session


async def ask_approval(app: App[object], action: Action, username: str, *, reason: str = "") -> Approval | None:
    """Push the dialog and wait for its answer (on the UI thread's loop; works outside workers too)."""
    answer: asyncio.Future[Approval | None] = asyncio.get_running_loop().create_future()

    def answered(approval: Approval | None) -> None:
        if not answer.done():
            answer.set_result(approval)

    await app.push_screen(ApprovalDialog(_session_of(app), action, username, reason=reason), answered)
    return await answer


class NotApproved(PosError):
    """The supervisor's dialog was cancelled: the guarded change was not made."""


def guarded(app: App[object], call: Callable[[Approval | None], T], *, reason: str = "") -> T:
    """Run a guarded service call from a thread worker: ``call(None)``; if the user's role lacks the
    action, ask a supervisor (this worker waits for the dialog) and run ``call(approval)``.

    Raises ``NotApproved`` when the dialog is cancelled; that and any other refusal (a ``PosError``)
    reach the worker's ``except PosError``, which shows the sentence as it does for every refusal.
    """
    try:
        return call(None)
    except PermissionRequired as needed:
        session = _session_of(app)
        if session.ledger.read_only:  # no approval makes a read-only seat write: say that, in the ledger's words
            with session.ledger.write():
                pass
        approval: Approval | None = app.call_from_thread(
            ask_approval, app, needed.action, needed.username, reason=reason  # type: ignore[arg-type]
        )
        if approval is None:
            raise NotApproved(f"Not done: {needed.username} may not {action_words(needed.action)} alone "
                              "and no supervisor approved.", "Ask a supervisor, then try again.") from None
        return call(approval)


def approve_then(app: App[object], action: Action, then: Callable[[Approval | None], None], *,
                 reason: str = "") -> None:
    """On the UI thread: ``then(None)`` at once when the user may ``action``; otherwise ask a supervisor
    and ``then(approval)`` if one approves (nothing happens if the dialog is cancelled)."""
    session = _session_of(app)
    if authz.can(session, action):
        then(None)
        return

    def answered(approval: Approval | None) -> None:
        if approval is not None:
            then(approval)

    app.push_screen(ApprovalDialog(session, action, session.username, reason=reason), answered)


def discount_guard(session: Session, discount: int, base: int) -> Action | None:
    """``Action.DISCOUNT_ABOVE_LIMIT`` when ``discount`` is a larger part of ``base`` than the user's role
    gives alone (``authz.discount_limit_bp``); None when it is within the limit. Integers only."""
    if discount * authz.FULL_DISCOUNT_BP > base * authz.discount_limit_bp(session):
        return Action.DISCOUNT_ABOVE_LIMIT
    return None
