"""Who is at the till: user and PIN, keypad-friendly; repeated failures slow down."""

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

if TYPE_CHECKING:
    from pos_tui.services.users import User

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
        from pos_tui.services.demo import DEMO_USERS

        pins = {name: pin for name, pin, _ in DEMO_USERS}
    except ImportError:
        pins = {}
    shown = [f"{u.username} ({u.role})" + (f" PIN {pins[u.username]}" if u.username in pins else "") for u in users]
    return "Demo store — " + ", ".join(shown)


class LoginScreen(Screen[None]):
    AUTO_FOCUS = "#user"

    def __init__(self) -> None:
        super().__init__()
        self.failures = 0
        self.locked_until = 0.0

    def compose(self) -> ComposeResult:
        app = self.app
        store = app.session.ledger.store_info().name  # type: ignore[attr-defined]
        with Center(id="login-center"), Vertical(id="login-box") as box:
            box.border_title = f"{store} — {app.session.terminal}"  # type: ignore[attr-defined]
            yield Label("User")
            yield Input(id="user", placeholder="user name", compact=True)
            yield Label("PIN")
            yield Input(id="pin", placeholder="PIN", password=True, compact=True, restrict=r"[0-9]*")
            yield Static("", id="login-message", markup=False)
            if app.demo:  # type: ignore[attr-defined]
                from pos_tui.services.users import list_users

                yield Static(demo_users_text(list_users(app.session)), id="demo-users", markup=False)  # type: ignore[attr-defined]
        yield Footer()

    def on_screen_resume(self) -> None:
        for field in self.query(Input):
            field.value = ""
        self.query_one("#user", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "user":
            self.query_one("#pin", Input).focus()
            return
        user = self.query_one("#user", Input).value.strip()
        pin = event.value
        if not user:
            self.query_one("#user", Input).focus()
            return
        wait = self.locked_until - time.monotonic()
        if wait > 0:
            self._tell(f"Too many wrong tries; wait {wait:.0f} s before the next one.")
            return
        self.check_pin(user, pin)

    def _tell(self, text: str) -> None:
        self.query_one("#login-message", Static).update(text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="login")
    def check_pin(self, user: str, pin: str) -> None:
        # Loaded here, off the path to the first frame: the PIN module derives a decoy hash when imported.
        from pos_tui.services.users import authenticate

        try:
            found = authenticate(self.app.session, user, pin)  # type: ignore[attr-defined]
        except PosError as error:
            self.post_message(LoginFailed(str(error), self.failures + 1))
            return
        self.post_message(LoggedIn(found))

    def on_login_failed(self, message: LoginFailed) -> None:
        from pos_tui.services.credentials import read_only_seat_spent

        self.failures = message.failures
        spent = read_only_seat_spent(self.app.session, self.failures)  # type: ignore[attr-defined]
        if spent:
            self.app.exit(return_code=1, message=spent)
            return
        delay = delay_after(self.failures)
        self.locked_until = time.monotonic() + delay
        note = f" Wait {delay:.0f} s before trying again." if delay else ""
        self._tell(message.reason + note)
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()

    def on_logged_in(self, message: LoggedIn) -> None:
        self.failures = 0
        self._tell("")  # the message bubbles on to the app, which opens the bucket
