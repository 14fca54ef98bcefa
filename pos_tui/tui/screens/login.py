"""Who is at the till: user and PIN, keypad-friendly; repeated failures for a user name slow down."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from pos_tui.domain.errors import PosError
from pos_tui.tui.messages import LoggedIn, LoginFailed
from pos_tui.tui.widgets.login_fields import PinInput, UserNameInput

if TYPE_CHECKING:
    from pos_tui.services.staff.users import User

FREE_TRIES = 3
MAX_DELAY_S = 30.0


def delay_after(failures: int) -> float:
    """Seconds to wait before the next try: none for the first few, then doubling up to a cap."""
    if failures < FREE_TRIES:
        return 0.0
    return min(2.0 ** (failures - FREE_TRIES + 1), MAX_DELAY_S)


def demo_users_text(users: list[User]) -> str:
    """The demo store's people, with their published demo PINs where known (demo mode only)."""
    try:
        from pos_tui.services.demo.store import DEMO_USERS

        pins = {name: pin for name, pin, _ in DEMO_USERS}
    except ImportError:
        pins = {}
    shown = [f"{u.username} ({u.role})" + (f" PIN {pins[u.username]}" if u.username in pins else "") for u in users]
    return "Demo store — " + ", ".join(shown)


class LoginScreen(Screen[None]):
    AUTO_FOCUS = "#user"

    def __init__(self) -> None:
        super().__init__()
        # Per user name typed: the next cashier with the right PIN never waits for someone else's slips.
        self.failures: dict[str, int] = {}
        self.seat_failures = 0
        self.locked_until: dict[str, float] = {}

    def compose(self) -> ComposeResult:
        app = self.app
        store = app.session.ledger.store_info().name  # type: ignore[attr-defined]
        with Center(id="login-center"), Vertical(id="login-box") as box:
            box.border_title = f"{store} — {app.session.terminal}"  # type: ignore[attr-defined]
            yield Label("User")
            yield UserNameInput(id="user", pin_id="pin", placeholder="user name", compact=True)
            yield Label("PIN")
            yield PinInput(id="pin", placeholder="PIN", password=True, compact=True, restrict=r"[0-9]*")
            yield Static("", id="login-message", markup=False)
            if app.demo:  # type: ignore[attr-defined]
                from pos_tui.services.staff.users import list_users

                yield Static(demo_users_text(list_users(app.session)), id="demo-users", markup=False)  # type: ignore[attr-defined]
        yield Footer()

    def on_screen_resume(self) -> None:
        for field in self.query(Input):
            field.value = ""
        self.query_one("#user", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Only the PIN field submits: Tab or Enter in the user field moves on to the PIN (login_fields).
        user = self.query_one("#user", Input).value.strip()
        pin = event.value
        if not user:
            self.query_one("#user", Input).focus()
            return
        wait = self.locked_until.get(user, 0.0) - time.monotonic()
        if wait > 0:
            self._tell(f"Too many wrong tries; wait {wait:.0f} s before the next one.")
            return
        self.check_pin(user, pin)

    def _tell(self, text: str) -> None:
        self.query_one("#login-message", Static).update(text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="login")
    def check_pin(self, user: str, pin: str) -> None:
        # Loaded here, off the path to the first frame: the PIN module derives a decoy hash when imported.
        from pos_tui.services.staff.users import authenticate

        try:
            found = authenticate(self.app.session, user, pin)  # type: ignore[attr-defined]
        except PosError as error:
            self.post_message(LoginFailed(str(error), user))
            return
        self.post_message(LoggedIn(found))

    def on_login_failed(self, message: LoginFailed) -> None:
        from pos_tui.services.staff.credentials import read_only_seat_spent

        self.seat_failures += 1  # in a row on this seat, whoever was typed: a read-only seat closes after a few
        spent = read_only_seat_spent(self.app.session, self.seat_failures)  # type: ignore[attr-defined]
        if spent:
            self.app.exit(return_code=1, message=spent)
            return
        failures = self.failures[message.user] = self.failures.get(message.user, 0) + 1
        delay = delay_after(failures)
        self.locked_until[message.user] = time.monotonic() + delay
        note = f" Wait {delay:.0f} s before trying again." if delay else ""
        self._tell(message.reason + note)
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()

    def on_logged_in(self, message: LoggedIn) -> None:
        self.failures.pop(message.user.username, None)
        self.seat_failures = 0
        self.locked_until.pop(message.user.username, None)
        self._tell("")  # the message bubbles on to the app, which opens the bucket
