"""Events of staff and trust: logins and wrong PINs, lockouts, role changes, clocking in and out.

A lockout is not a flag someone sets: it follows from these events (``user.login_failed`` carries
the moment a user is locked until), so it survives restarts and comes back exactly on replay.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from pos_tui.domain.events import Event

LOGIN = "login"
APPROVAL = "approval"


@dataclasses.dataclass(frozen=True)
class UserLoggedIn(Event):
    KIND: ClassVar[str] = "user.logged_in"
    username: str


@dataclasses.dataclass(frozen=True)
class LoginFailed(Event):
    """A wrong PIN (or an unknown user name) at the login or in a supervisor's approval."""

    KIND: ClassVar[str] = "user.login_failed"
    username: str  # as typed (cut to 32 characters)
    purpose: str  # LOGIN or APPROVAL
    locked_until: str = ""  # set when this failure locks the user out: UTC time, journal format


@dataclasses.dataclass(frozen=True)
class UserUnlocked(Event):
    """An admin lifted a lockout before it ran out."""

    KIND: ClassVar[str] = "user.unlocked"
    username: str


@dataclasses.dataclass(frozen=True)
class UserRoleChanged(Event):
    KIND: ClassVar[str] = "user.role_changed"
    username: str
    old_role: str
    new_role: str


@dataclasses.dataclass(frozen=True)
class ApprovalRefused(Event):
    """A supervisor's approval that was asked for and refused (not theirs to give, or their own)."""

    KIND: ClassVar[str] = "approval.refused"
    approver: str
    action: str
    reason: str
    why: str  # "not_permitted" or "self"


@dataclasses.dataclass(frozen=True)
class ClockedIn(Event):
    KIND: ClassVar[str] = "staff.clocked_in"
    username: str


@dataclasses.dataclass(frozen=True)
class ClockedOut(Event):
    KIND: ClassVar[str] = "staff.clocked_out"
    username: str
    clocked_in_seq: int  # the journal entry of the clock-in this closes
    minutes: int  # whole minutes worked, rounded down


STAFF_EVENTS: tuple[type[Event], ...] = (
    UserLoggedIn,
    LoginFailed,
    UserUnlocked,
    UserRoleChanged,
    ApprovalRefused,
    ClockedIn,
    ClockedOut,
)
