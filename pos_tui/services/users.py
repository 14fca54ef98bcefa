"""Users: adding, PIN changes and logging in. PINs are kept only as scrypt hashes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pos_tui.domain.errors import InvalidInput, NotFound
from pos_tui.domain.events import UserAdded, UserPinChanged
from pos_tui.domain.pin import hash_pin, pin_matches
from pos_tui.services.session import Session

ROLES = ("cashier", "supervisor", "manager", "admin")


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str


def add_user(session: Session, username: str, pin: str, *, role: str = "cashier", display_name: str = "") -> User:
    if not username.isidentifier() or len(username) > 32:
        raise InvalidInput(f"{username!r} cannot be a user name.", "Use letters, digits and _ (up to 32).")
    if role not in ROLES:
        raise InvalidInput(f"{role!r} is not a role.", f"Use one of: {', '.join(ROLES)}.")
    pin_hash = hash_pin(pin)
    with session.ledger.write() as conn:
        if conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
            raise InvalidInput(f"There is already a user {username!r}.", "Pick another name, or use set-pin.")
        event = UserAdded(str(uuid.uuid4()), username, display_name or username.title(), role, pin_hash)
        session.record(event)
    return User(username, event.display_name, role)


def set_pin(session: Session, username: str, pin: str) -> None:
    pin_hash = hash_pin(pin)
    with session.ledger.write() as conn:
        if not conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
            raise NotFound(f"There is no user {username!r}.", "See `pos user list`.")
        session.record(UserPinChanged(username, pin_hash))


def list_users(session: Session) -> list[User]:
    rows = session.ledger.conn.execute("SELECT username, display_name, role FROM users ORDER BY username")
    return [User(*row) for row in rows]


def authenticate(session: Session, username: str, pin: str) -> User:
    """The user, if the PIN is theirs. The error never says which of the two was wrong."""
    row = session.ledger.conn.execute(
        "SELECT username, display_name, role, pin_hash FROM users WHERE username = ?", (username,)
    ).fetchone()
    if row is None or not pin_matches(pin, row[3]):
        raise InvalidInput("Wrong user name or PIN.", "Try again.")
    return User(row[0], row[1], row[2])
