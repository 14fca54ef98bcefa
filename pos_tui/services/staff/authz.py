"""Who may do what at this till, and supervisor approvals. Every guarded service calls this module.

The API (stable; the TUI, the cash and counter services call it):

``role_actions(settings, role) -> frozenset[Action]``
    The role's actions: the built-in matrix (``domain.permissions.BUILT_IN_ROLES``) merged with
    ``[staff.roles.NAME]`` from config (``extends`` / ``actions`` / ``without``). A role that is
    neither built in nor configured raises ``ConfigError``. Unknown actions or ``extends`` in config
    are refused when the config loads (a ``ConfigError`` naming the key and line).
``known_roles(settings) -> tuple[str, ...]``
    Built-in roles, then the custom ones.
``user_role(session, username=None) -> str | None``
    The role of ``username`` (default: the session's user); None for a name that is no user.
``can(session, action) -> bool``
    Whether the session's user may take ``action`` alone. Never raises: a name that is no user
    (e.g. "system") or a role config no longer defines may do nothing. Use it to hide or dim.
``require(session, action, approval=None) -> tuple[Approval, ...]``
    Call at the start of a guarded write, before ``ledger.write()``. Returns the approvals to put
    into the event (``Event(..., approvals=require(...))``): ``()`` when the user may act alone,
    ``(approval,)`` when a valid approval covers it. Raises ``PermissionRequired(action, username)``
    when the user may not and there is no valid approval; the UI then asks a supervisor and calls
    ``approve``. An approval is valid when ``approve`` issued it in this process for this action,
    less than ``APPROVAL_VALID_FOR`` ago, the approver is not the user and still holds the action.
``require_all(session, actions, approval=None) -> dict[Action, tuple[Approval, ...]]``
    The same for one change that takes several actions; one supervisor's approval covers them all.
``approve(session, supervisor, pin, action, reason) -> Approval``
    A supervisor's PIN-checked consent for the session's user. Checks the supervisor's PIN with
    lockout counting (``credentials.AccessDenied`` on a wrong PIN or locked supervisor, the failure
    journalled), that the supervisor holds ``action`` and is not the session's own user
    (``ApprovalRefusedError``, journalled as ``approval.refused``), and that a reason is given.
``discount_limit_bp(session) -> int``
    The largest discount (basis points, of a line or of the cart) the user gives without approval:
    10000 when their role has ``discount_above_limit``, else the role's ``discount_limit_bp``
    (default ``staff.discount_limit_bp``, 1000 = 10%). Above it: ``require(session,
    Action.DISCOUNT_ABOVE_LIMIT, approval)``.

Command-line use: ``pos ... --user NAME`` is attribution, not authentication: whoever runs ``pos``
on the box can already write the database file. The commands still refuse a NAME that is no active
user (``users.acting_user``) or whose role lacks the action; ``--approved-by SUPERVISOR`` goes through
``approve`` with a PIN from the terminal or standard input, as at the till. The guards against people
are Unix accounts, file modes and the read-only SSH seat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pos_tui.domain.errors import ConfigError, InvalidInput, PosError
from pos_tui.domain.permissions import BUILT_IN_ROLES, Action, Approval, PermissionRequired, approves, doing
from pos_tui.domain.staff_events import APPROVAL, ApprovalRefused
from pos_tui.services.staff.credentials import AccessDenied, User, check_pin, record_if_writable

if TYPE_CHECKING:
    from pos_tui.config import Settings
    from pos_tui.services.session import Session

APPROVAL_VALID_FOR = timedelta(minutes=2)
FULL_DISCOUNT_BP = 10_000

# Approvals ``approve`` issued in this process, with when they stop being valid. A hand-made
# Approval (no PIN was checked) is not in here, so ``require`` refuses it.
_issued: dict[Approval, datetime] = {}


class ApprovalRefusedError(PosError):
    """The supervisor's PIN was right, but the approval is not theirs to give."""


def known_roles(settings: Settings) -> tuple[str, ...]:
    return settings.staff.role_names()


def role_actions(settings: Settings, role: str) -> frozenset[Action]:
    configured = settings.staff.roles.get(role)
    if configured is None:
        if role in BUILT_IN_ROLES:
            return BUILT_IN_ROLES[role]
        raise ConfigError(
            f"Role {role!r} is not defined: it is neither built in ({', '.join(BUILT_IN_ROLES)}) nor in the config.",
            f"Add [staff.roles.{role}] to the config, or give the user another role (pos user role NAME ROLE).",
        )
    start = configured.extends or (role if role in BUILT_IN_ROLES else "")
    base = BUILT_IN_ROLES.get(start, frozenset())
    return frozenset((base | set(configured.actions)) - set(configured.without))


def role_approves(settings: Settings, role: str) -> bool:
    try:
        return approves(role_actions(settings, role))
    except ConfigError:
        return False


def check_pin_length(settings: Settings, role: str, pin: str) -> None:
    """Refuse a PIN shorter than ``staff.approver_pin_digits`` for a role that approves (see ``credentials``)."""
    digits = settings.staff.approver_pin_digits
    if len(pin) < digits and role_approves(settings, role):
        article = "An" if role[:1].lower() in "aeiou" else "A"
        raise InvalidInput(f"{article} {role}'s PIN has at least {digits} digits: a role that approves needs a PIN that"
                           " is slow to guess from a copy of the store.", f"Choose a PIN of {digits} to 8 digits.")


def refuse_short_pin(session: Session, user: User, pin: str) -> None:
    """After a right PIN: refuse it if it is too short for the user's role (set before the rule, or
    before a promotion), so a short PIN guessed from an old copy of the store approves nothing."""
    digits = session.settings.staff.approver_pin_digits
    if len(pin) < digits and role_approves(session.settings, user.role):
        raise AccessDenied(f"{user.username}'s PIN is shorter than the {digits} digits a {user.role} needs.",
                           f"An admin sets a new one: pos user set-pin {user.username}.")


def user_role(session: Session, username: str | None = None) -> str | None:
    row = session.ledger.conn.execute(
        "SELECT role FROM users WHERE username = ?", (username or session.username,)
    ).fetchone()
    return None if row is None else str(row[0])


def _holds(session: Session, username: str, action: Action) -> bool:
    role = user_role(session, username)
    if role is None:
        return False
    try:
        return action in role_actions(session.settings, role)
    except ConfigError:
        return False


def can(session: Session, action: Action) -> bool:
    return _holds(session, session.username, action)


def require(session: Session, action: Action, approval: Approval | None = None) -> tuple[Approval, ...]:
    if can(session, action):
        return ()
    if approval is None or not _valid(session, action, approval):
        raise PermissionRequired(action, session.username)
    return (approval,)


def require_all(
    session: Session, actions: Sequence[Action], approval: Approval | None = None
) -> dict[Action, tuple[Approval, ...]]:
    """``require`` for one change that takes several actions (a product edit that also moves its
    price): each action's approvals, ``()`` for those the user holds. One supervisor approves them
    all: ``PermissionRequired`` names the last action the user lacks, the approval must be for it,
    and its approver must hold every action the user lacks; each is then recorded as theirs."""
    missing = [action for action in actions if not can(session, action)]
    if not missing:
        return {action: () for action in actions}
    asked = missing[-1]
    if (approval is None or not _valid(session, asked, approval)
            or not all(_holds(session, approval.approver, action) for action in missing)):
        raise PermissionRequired(asked, session.username)
    return {action: (replace(approval, action=action.value),) if action in missing else () for action in actions}


def _valid(session: Session, action: Action, approval: Approval) -> bool:
    expires = _issued.get(approval)
    return (
        expires is not None
        and session.clock() < expires
        and approval.action == action.value
        and approval.approver != session.username
        and _holds(session, approval.approver, action)
    )


def approve(session: Session, supervisor: str, pin: str, action: Action, reason: str) -> Approval:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("An approval needs a reason.", "Say why, e.g. 'customer changed mind'.")
    supervisor = supervisor.strip()
    approver = check_pin(session, supervisor, pin, purpose=APPROVAL)
    refuse_short_pin(session, approver, pin)
    what = doing(action)
    if approver.username == session.username:
        record_if_writable(session, ApprovalRefused(approver.username, action.value, reason, "self"))
        raise ApprovalRefusedError(f"{approver.username} cannot approve what they asked for ({what}).",
                                   "Ask another supervisor.")
    if not _holds(session, approver.username, action):
        record_if_writable(session, ApprovalRefused(approver.username, action.value, reason, "not_permitted"))
        raise ApprovalRefusedError(f"{approver.username} may not {what} either, so cannot approve it.",
                                   "Ask a supervisor or manager who may.")
    approval = Approval(action.value, approver.username, reason)
    now = session.clock()
    for issued, expires in list(_issued.items()):
        if expires <= now:
            del _issued[issued]
    _issued[approval] = now + APPROVAL_VALID_FOR
    return approval


def discount_limit_bp(session: Session) -> int:
    if can(session, Action.DISCOUNT_ABOVE_LIMIT):
        return FULL_DISCOUNT_BP
    role = user_role(session)
    configured = session.settings.staff.roles.get(role or "")
    if configured is not None and configured.discount_limit_bp is not None:
        return configured.discount_limit_bp
    return session.settings.staff.discount_limit_bp
