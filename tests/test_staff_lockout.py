"""Logging in: wrong PINs are journalled, five in a row lock the user for five minutes, an admin unlocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pos_tui.config import Settings, StaffSettings
from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.permissions import PermissionRequired
from pos_tui.ledger.database import open_ledger
from pos_tui.services.session import Session
from pos_tui.services.staff import users
from pos_tui.services.staff.credentials import AccessDenied, lock_state

from .conftest import assert_verifies, make_store


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2053, 3, 1, 9, 0, tzinfo=UTC)  # after the store opened: the journal's time moves forward

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def till(store_path: Path) -> Session:
    admin = make_store(store_path)
    users.add_user(admin, "ayesha", "1111", role="cashier")
    return Session(admin.ledger, admin.settings, "system", clock=Clock())


def journal(session: Session, kind: str) -> list[tuple[str, str]]:
    return session.ledger.conn.execute(
        "SELECT user, payload FROM journal WHERE kind = ? ORDER BY seq", (kind,)
    ).fetchall()


def test_a_good_login_is_journalled_and_a_bad_one_does_not_say_which_part_was_wrong(till: Session) -> None:
    assert users.login(till, "ayesha", "1111").role == "cashier"
    assert len(journal(till, "user.logged_in")) == 1
    for name, pin in (("ayesha", "9999"), ("nobody", "1111")):
        with pytest.raises(AccessDenied) as caught:
            users.login(till, name, pin)
        assert str(caught.value) == "Wrong user name or PIN. Try again."
    # Each failure belongs to the name typed, whoever last used the seat (here "system").
    assert [user for user, _ in journal(till, "user.login_failed")] == ["ayesha", "nobody"]
    assert [user for user, _ in journal(till, "user.logged_in")] == ["ayesha"]
    assert lock_state(till, "ayesha").failures == 1
    till.ledger.close()
    assert_verifies(till.ledger.path)


def test_five_wrong_pins_lock_the_user_for_five_minutes_even_with_the_right_pin(till: Session) -> None:
    clock = till.clock
    assert isinstance(clock, Clock)
    for _ in range(4):
        with pytest.raises(AccessDenied, match="Wrong user name or PIN"):
            users.login(till, "ayesha", "0000")
    with pytest.raises(AccessDenied, match="locked after too many wrong PINs, until 14:05"):
        users.login(till, "ayesha", "0000")  # the fifth (Karachi is UTC+5)
    with pytest.raises(AccessDenied, match="locked"):
        users.login(till, "ayesha", "1111")
    assert len(journal(till, "user.login_failed")) == 5, "a locked user's tries are not even checked"
    clock.now += timedelta(minutes=5, seconds=1)
    assert users.login(till, "ayesha", "1111").username == "ayesha"
    assert lock_state(till, "ayesha").failures == 0
    till.ledger.close()
    assert_verifies(till.ledger.path)


def test_the_lockout_survives_a_restart_and_an_admin_unlocks_it(till: Session) -> None:
    settings = Settings(staff=StaffSettings(pin_attempts=2, lockout_minutes=30))
    till = Session(till.ledger, settings, "system", clock=till.clock)
    for _ in range(2):
        with pytest.raises(AccessDenied):
            users.login(till, "ayesha", "0000")
    path = till.ledger.path
    till.ledger.close()
    reopened = Session(open_ledger(path), settings, "system", clock=till.clock)
    with pytest.raises(AccessDenied, match="locked"):
        users.login(reopened, "ayesha", "1111")
    with pytest.raises(PermissionRequired):
        users.unlock_user(reopened.as_user("ayesha"), "ayesha")
    users.unlock_user(reopened.as_user("admin"), "ayesha")
    assert users.login(reopened, "ayesha", "1111").username == "ayesha"
    with pytest.raises(InvalidInput, match="not locked"):
        users.unlock_user(reopened.as_user("admin"), "ayesha")
    reopened.close()
    assert_verifies(path)


def test_a_read_only_seat_checks_pins_and_lockouts_but_cannot_journal_them(till: Session) -> None:
    for _ in range(5):
        with pytest.raises(AccessDenied):
            users.login(till, "ayesha", "0000")
    path = till.ledger.path
    till.ledger.close()
    manager_seat = Session(open_ledger(path, read_only=True), Settings(), "system", clock=till.clock)
    with pytest.raises(AccessDenied, match="locked"):
        users.login(manager_seat, "ayesha", "1111")
    with pytest.raises(AccessDenied, match="Wrong user name or PIN"):
        users.login(manager_seat, "admin", "0000")
    assert users.login(manager_seat, "admin", "456789").role == "admin"
    assert len(journal(manager_seat, "user.login_failed")) == 5
    manager_seat.close()
    assert_verifies(path)


def test_pins_are_four_to_eight_digits_on_add_and_reset(store: Session) -> None:
    for bad in ("123", "123456789", "12a4", "١٢٣٤"):
        with pytest.raises(InvalidInput, match="4 to 8 digits"):
            users.add_user(store, "omar", bad)
    users.add_user(store, "omar", "12345678")
    with pytest.raises(InvalidInput, match="4 to 8 digits"):
        users.set_pin(store, "omar", "12")
    users.set_pin(store, "omar", "2468")
    assert users.login(store, "omar", "2468").username == "omar"
