"""Who may do what: the actions a till guards, the built-in roles, and a supervisor's approval.

A role is a set of actions. Sites add roles (or change these) in config; ``services.authz`` decides
with the configured matrix. When a user lacks an action, a supervisor who has it may approve with
their PIN: the approval travels inside the resulting event, so the journal names both people.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from pos_tui.domain.errors import PosError


class Action(StrEnum):
    VOID_LINE = "void_line"
    VOID_SALE = "void_sale"
    PRICE_OVERRIDE = "price_override"
    DISCOUNT_ABOVE_LIMIT = "discount_above_limit"  # a discount above the role's limit (config, basis points)
    RETURN_WITH_RECEIPT = "return_with_receipt"
    RETURN_WITHOUT_RECEIPT = "return_without_receipt"
    NO_SALE = "no_sale"
    PAID_IN = "paid_in"
    PAID_OUT = "paid_out"
    PAID_OUT_ABOVE_DRAWER = "paid_out_above_drawer"
    CASH_DROP = "cash_drop"
    SHIFT_OPEN = "shift_open"
    SHIFT_CLOSE = "shift_close"
    Z_REPORT = "z_report"
    STOCK_RECEIVE = "stock_receive"
    STOCK_ADJUST = "stock_adjust"
    PRICE_CHANGE = "price_change"
    PRODUCT_EDIT = "product_edit"
    USER_ADMIN = "user_admin"
    BACKUP = "backup"
    REPORTS = "reports"
    DAYBOOK = "daybook"
    AUDIT = "audit"


_CASHIER = frozenset(
    {
        Action.RETURN_WITH_RECEIPT,
        Action.PAID_IN,
        Action.CASH_DROP,
        Action.SHIFT_OPEN,
        Action.SHIFT_CLOSE,
        Action.DAYBOOK,
    }
)
_SUPERVISOR = _CASHIER | {
    Action.VOID_LINE,
    Action.VOID_SALE,
    Action.PRICE_OVERRIDE,
    Action.DISCOUNT_ABOVE_LIMIT,
    Action.RETURN_WITHOUT_RECEIPT,
    Action.NO_SALE,
    Action.PAID_OUT,
    Action.STOCK_RECEIVE,
    Action.Z_REPORT,
}
_MANAGER = _SUPERVISOR | {
    Action.PAID_OUT_ABOVE_DRAWER,
    Action.STOCK_ADJUST,
    Action.PRICE_CHANGE,
    Action.PRODUCT_EDIT,
    Action.REPORTS,
    Action.AUDIT,
}

# The built-in matrix; config may add roles and override these.
BUILT_IN_ROLES: dict[str, frozenset[Action]] = {
    "cashier": _CASHIER,
    "supervisor": _SUPERVISOR,
    "manager": _MANAGER,
    "admin": frozenset(Action),
}


@dataclasses.dataclass(frozen=True)
class Approval:
    """A supervisor's PIN-checked consent to one action another user could not take alone."""

    action: str  # an Action value
    approver: str  # the supervisor's username
    reason: str


class PermissionRequired(PosError):
    """The user at the till may not take ``action``; a supervisor's approval would allow it."""

    def __init__(self, action: Action, username: str) -> None:
        super().__init__(
            f"{username} may not {action.value.replace('_', ' ')}.",
            "Ask a supervisor to approve with their PIN.",
        )
        self.action = action
        self.username = username
