"""PIN checks with lockout: the one place a PIN is compared, for the login and for approvals.

Every wrong PIN is a ``user.login_failed`` event; the failure that reaches ``staff.pin_attempts``
carries ``locked_until`` (now + ``staff.lockout_minutes``). The lockout state is the
``pin_lockouts`` projection of those events, so it survives restarts and replays.

Read-only seats (a manager over SSH) cannot write to the journal: there the PIN and an existing
lockout are still checked, but a failure is neither recorded nor counted in the journal. So that
such a seat cannot be used to guess PINs, it closes after ``staff.pin_attempts`` wrong PINs in a row
(``read_only_seat_spent``); each new try then costs a new SSH login.

A copy of the store (which the read-only group can read) holds the PIN hashes, inside the hashed
journal payloads of ``user.added`` and ``user.pin_changed``: they cannot be moved to a file that group
cannot read without changing every store's hashes, and SQLite has no per-table permission for a view
to hide them behind. So a role that approves (``authz.approves``) needs a PIN of
``staff.approver_pin_digits`` (6) digits or more, checked when one is set and at every use: offline
guessing of one such PIN costs a million scrypt hashes (about 14 hours of one core) instead of ten
thousand (8 minutes), and a shorter PIN cracked from an old store approves nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from pos_tui.domain.errors import PosError
from pos_tui.domain.pin import hash_pin, pin_matches
from pos_tui.domain.staff_events import LOGIN, LoginFailed
from pos_tui.ledger.journal import format_time, parse_time

if TYPE_CHECKING:
    from pos_tui.domain.events import Event
    from pos_tui.services.session import Session


@functools.cache
def _decoy_hash() -> str:
    """Compared against when the user name is unknown, so a wrong name takes as long as a wrong PIN.

    Made on first use, not on import: scrypt costs every command that merely imports this ~50 ms.
    """
    return hash_pin("0000", salt=b"pos_tui-decoy-salt")


class AccessDenied(PosError):
    """A wrong user name or PIN (never saying which), or a user locked out for a while."""


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str


@dataclass(frozen=True)
class LockState:
    failures: int
    locked_until: str  # UTC journal time, "" when not locked


def lock_state(session: Session, username: str) -> LockState:
    row = session.ledger.conn.execute(
        "SELECT failures, locked_until FROM pin_lockouts WHERE username = ?", (username,)
    ).fetchone()
    return LockState(0, "") if row is None else LockState(row[0], row[1])


def is_locked(session: Session, username: str) -> str:
    """The UTC time ``username`` is locked until, or "" when they may try a PIN now."""
    until = lock_state(session, username).locked_until
    if until and parse_time(until) > session.clock():
        return until
    return ""


def record_if_writable(session: Session, event: Event) -> None:
    """Journal ``event`` unless the seat is read-only (see the module's note)."""
    if session.ledger.read_only:
        return
    with session.ledger.write():
        session.record(event)


def _locked_error(session: Session, until: str) -> AccessDenied:
    local = session.local_time(until).strftime("%H:%M")
    return AccessDenied(
        f"This user is locked after too many wrong PINs, until {local}.",
        "Wait, or ask an admin to unlock it (pos user unlock NAME).",
    )


def _record_failure(session: Session, username: str, purpose: str) -> str:
    """Journal a wrong PIN; returns the lockout time when this failure locks the user.

    A wrong PIN at the login is journalled as the user whose name was typed, not as whoever last
    used the seat (a locked till still holds the cashier's session). At an approval the seat's user
    asked, so it stays theirs, about the approver."""
    if session.ledger.read_only:
        return ""
    if purpose == LOGIN:
        session = session.as_user(username)
    staff = session.settings.staff
    with session.ledger.write():  # read the count and add to it in one transaction: two tills cannot both miss
        locks = lock_state(session, username).failures + 1 >= staff.pin_attempts
        locked_until = format_time(session.clock() + timedelta(minutes=staff.lockout_minutes)) if locks else ""
        session.record(LoginFailed(username, purpose, locked_until))
    return locked_until


def check_pin(session: Session, username: str, pin: str, *, purpose: str) -> User:
    """The user, if ``pin`` is theirs and they are not locked out; else AccessDenied, with the failure journalled.

    The error never says whether the name or the PIN was wrong."""
    username = username.strip()[:32]
    until = is_locked(session, username)
    if until:
        raise _locked_error(session, until)
    row = session.ledger.conn.execute(
        "SELECT username, display_name, role, pin_hash FROM users WHERE username = ?", (username,)
    ).fetchone()
    matches = pin_matches(pin, row[3] if row else _decoy_hash())
    if row is not None and matches:
        return User(row[0], row[1], row[2])
    locked_until = _record_failure(session, username, purpose)
    if locked_until:
        raise _locked_error(session, locked_until)
    raise AccessDenied("Wrong user name or PIN.", "Try again.")


def read_only_seat_spent(session: Session, failures_in_a_row: int) -> str:
    """On a read-only seat, after ``staff.pin_attempts`` wrong PINs in a row: the sentence it closes
    with. "" elsewhere, or while tries are left (a till counts and locks in the journal instead)."""
    attempts = session.settings.staff.pin_attempts
    if not session.ledger.read_only or failures_in_a_row < attempts:
        return ""
    return (f"{failures_in_a_row} wrong PINs in a row: this read-only seat closes, as it cannot lock the user"
            " in the journal. Connect again to try once more; every try is a new login.")
