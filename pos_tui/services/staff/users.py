"""Users: logging in, adding users, PINs, roles and lockouts. PINs are kept only as scrypt hashes.

Changing users (add, set-pin, role, unlock) is the ``user_admin`` action; each change is one event.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from pos_tui.domain.errors import InvalidInput, NotFound
from pos_tui.domain.events import UserAdded, UserPinChanged
from pos_tui.domain.permissions import Action, Approval
from pos_tui.domain.pin import check_pin_format, hash_pin
from pos_tui.domain.staff_events import LOGIN, UserLoggedIn, UserRoleChanged, UserUnlocked
from pos_tui.services.staff import authz
from pos_tui.services.staff.credentials import User, check_pin, is_locked, lock_state, record_if_writable

if TYPE_CHECKING:
    from pos_tui.services.session import Session

__all__ = ["User", "acting_user", "add_user", "authenticate", "change_role", "list_users", "login", "set_pin",
           "unlock_user"]

ROLES = ("cashier", "supervisor", "manager", "admin")  # the built-in roles; config may add more


def login(session: Session, username: str, pin: str) -> User:
    """The user, if the PIN is theirs and they are not locked out; the login is journalled.

    Raises ``credentials.AccessDenied`` ("Wrong user name or PIN.", never saying which, or the
    lockout and its end). On a read-only seat nothing is journalled (see ``credentials``)."""
    user = check_pin(session, username, pin, purpose=LOGIN)
    authz.refuse_short_pin(session, user, pin)
    record_if_writable(session.as_user(user.username), UserLoggedIn(user.username))  # theirs, not the seat's last user
    return user


def authenticate(session: Session, username: str, pin: str) -> User:
    """The login under its earlier name."""
    return login(session, username, pin)


def _check_role(session: Session, role: str) -> None:
    known = authz.known_roles(session.settings)
    if role not in known:
        raise InvalidInput(f"{role!r} is not a role.", f"Use one of: {', '.join(known)} (or add it to the config).")


def _existing(session: Session, username: str) -> str:
    row = session.ledger.conn.execute("SELECT role FROM users WHERE username = ?", (username,)).fetchone()
    if row is None:
        raise NotFound(f"There is no user {username!r}.", "See `pos user list`.")
    return str(row[0])


def add_user(
    session: Session,
    username: str,
    pin: str,
    *,
    role: str = "cashier",
    display_name: str = "",
    approval: Approval | None = None,
) -> User:
    if not username.isidentifier() or len(username) > 32:
        raise InvalidInput(f"{username!r} cannot be a user name.", "Use letters, digits and _ (up to 32).")
    _check_role(session, role)
    approvals = authz.require(session, Action.USER_ADMIN, approval)
    check_pin_format(pin)
    authz.check_pin_length(session.settings, role, pin)
    pin_hash = hash_pin(pin)
    with session.ledger.write() as conn:
        if conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
            raise InvalidInput(f"There is already a user {username!r}.", "Pick another name, or use set-pin.")
        event = UserAdded(str(uuid.uuid4()), username, display_name or username.title(), role, pin_hash,
                          approvals=approvals)
        session.record(event)
    return User(username, event.display_name, role)


def set_pin(session: Session, username: str, pin: str, *, approval: Approval | None = None) -> None:
    """A new PIN for ``username`` (an admin's reset; it does not lift a lockout: see unlock_user)."""
    check_pin_format(pin)
    approvals = authz.require(session, Action.USER_ADMIN, approval)
    authz.check_pin_length(session.settings, _existing(session, username), pin)
    pin_hash = hash_pin(pin)
    with session.ledger.write():
        _existing(session, username)
        session.record(UserPinChanged(username, pin_hash, approvals=approvals))


def change_role(session: Session, username: str, role: str, *, approval: Approval | None = None) -> None:
    """A new role for ``username``. Promoted to a role that approves with a PIN too short for it, they
    log in and approve only once an admin has set a longer one (``authz.refuse_short_pin``)."""
    _check_role(session, role)
    approvals = authz.require(session, Action.USER_ADMIN, approval)
    with session.ledger.write():
        old = _existing(session, username)
        if old == role:
            raise InvalidInput(f"{username} is already a {role}.", "Nothing was changed.")
        if username == session.username:
            raise InvalidInput("You cannot change your own role.", "Ask another admin.")
        session.record(UserRoleChanged(username, old, role, approvals=approvals))


def unlock_user(session: Session, username: str, *, approval: Approval | None = None) -> None:
    """Lift a PIN lockout (and forget the wrong PINs counted so far)."""
    approvals = authz.require(session, Action.USER_ADMIN, approval)
    with session.ledger.write():
        if lock_state(session, username).failures == 0 and not is_locked(session, username):
            raise InvalidInput(f"{username} is not locked and has no wrong PINs counted.", "Nothing was changed.")
        session.record(UserUnlocked(username, approvals=approvals))


def acting_user(session: Session) -> User:
    """The session's user, if they may act at all: an existing user, not locked out, whose role the
    config still defines. A command line names its user without a PIN, so this is what it checks first;
    whether the role has the action is each service's ``authz.require``."""
    row = session.ledger.conn.execute(
        "SELECT username, display_name, role FROM users WHERE username = ?", (session.username,)
    ).fetchone()
    if row is None:
        raise NotFound(f"There is no user {session.username!r} in this store, so nothing was done.",
                       "Give --user with a name from `pos user list` (or set staff.cli_user in the config).")
    user = User(*row)
    until = is_locked(session, user.username)
    if until:
        raise InvalidInput(f"{user.username} is locked after too many wrong PINs, so nothing was done.",
                           f"Wait until the lockout ends, or ask an admin: pos user unlock {user.username}.")
    authz.role_actions(session.settings, user.role)  # a ConfigError sentence when the role is gone from the config
    return user


def list_users(session: Session) -> list[User]:
    rows = session.ledger.conn.execute("SELECT username, display_name, role FROM users ORDER BY username")
    return [User(*row) for row in rows]
