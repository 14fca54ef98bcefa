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
    # Guards nothing now (a paid-out beyond what the drawer should hold is refused outright); kept so
    # a site's config that names it still loads.
    PAID_OUT_ABOVE_DRAWER = "paid_out_above_drawer"
    CASH_DROP = "cash_drop"
    SHIFT_OPEN = "shift_open"
    SHIFT_CLOSE = "shift_close"
    Z_REPORT = "z_report"
    STOCK_RECEIVE = "stock_receive"
    STOCK_ADJUST = "stock_adjust"
    PRICE_CHANGE = "price_change"
    PRODUCT_EDIT = "product_edit"
    SELL_EXPIRED = "sell_expired"  # a GS1 label past its date, where [inventory] expired_sale = "supervisor"
    OPEN_ITEM = "open_item"  # a line for a department at a typed price, for what is not in the catalogue
    GIFT_CARD_BLOCK = "gift_card_block"  # block a card its owner reports lost
    GIFT_CARD_UNBLOCK = "gift_card_unblock"  # give a blocked card back its use
    USER_ADMIN = "user_admin"
    BACKUP = "backup"
    REPORTS = "reports"
    DAYBOOK = "daybook"
    AUDIT = "audit"
    CUSTOMER_ADMIN = "customer_admin"  # merge, export and forget customers (adding and editing: anyone)


# What each action is, as the rest of a sentence "NAME may not ...".
_DOING: dict[Action, str] = {
    Action.VOID_LINE: "void a line",
    Action.VOID_SALE: "void a sale",
    Action.PRICE_OVERRIDE: "override a price",
    Action.DISCOUNT_ABOVE_LIMIT: "give a discount above their limit",
    Action.RETURN_WITH_RECEIPT: "take a return against a receipt",
    Action.RETURN_WITHOUT_RECEIPT: "take a return without a receipt",
    Action.NO_SALE: "open the drawer without a sale",
    Action.PAID_IN: "take cash in",
    Action.PAID_OUT: "pay cash out",
    Action.PAID_OUT_ABOVE_DRAWER: "pay out more than the drawer holds",
    Action.CASH_DROP: "drop cash to the safe",
    Action.SHIFT_OPEN: "open a shift",
    Action.SHIFT_CLOSE: "close a shift",
    Action.Z_REPORT: "close the day with a Z report",
    Action.STOCK_RECEIVE: "receive stock",
    Action.STOCK_ADJUST: "adjust stock",
    Action.PRICE_CHANGE: "change prices",
    Action.PRODUCT_EDIT: "edit products",
    Action.SELL_EXPIRED: "sell an item past its date",
    Action.OPEN_ITEM: "ring up an open item",
    Action.GIFT_CARD_BLOCK: "block a gift card",
    Action.GIFT_CARD_UNBLOCK: "unblock a gift card",
    Action.USER_ADMIN: "manage users",
    Action.BACKUP: "run backups",
    Action.REPORTS: "read reports",
    Action.DAYBOOK: "read the daybook",
    Action.AUDIT: "read the audit",
    Action.CUSTOMER_ADMIN: "merge, export or forget customers",
}


def doing(action: Action) -> str:
    """The action as words: "cara may not " + doing(Action.PAID_OUT) reads "cara may not pay cash out"."""
    return _DOING[action]


_CASHIER = frozenset(
    {
        Action.OPEN_ITEM,
        Action.GIFT_CARD_BLOCK,
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
    Action.SELL_EXPIRED,
}
_MANAGER = _SUPERVISOR | {
    Action.PAID_OUT_ABOVE_DRAWER,
    Action.STOCK_ADJUST,
    Action.PRICE_CHANGE,
    Action.PRODUCT_EDIT,
    Action.REPORTS,
    Action.AUDIT,
    Action.GIFT_CARD_UNBLOCK,
    Action.CUSTOMER_ADMIN,
}

# The built-in matrix; config may add roles and override these.
BUILT_IN_ROLES: dict[str, frozenset[Action]] = {
    "cashier": _CASHIER,
    "supervisor": _SUPERVISOR,
    "manager": _MANAGER,
    "admin": frozenset(Action),
}


# Actions that only show: holding them lends nobody anything.
VIEW_ACTIONS = frozenset({Action.REPORTS, Action.DAYBOOK, Action.AUDIT})


def approves(actions: frozenset[Action]) -> bool:
    """Whether a role with ``actions`` can approve for others (or do alone) what a cashier needs a
    supervisor for: any action beyond the built-in cashier's and the views."""
    return bool(actions - _CASHIER - VIEW_ACTIONS)


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
            f"{username} may not {doing(action)}.",
            "Ask a supervisor to approve with their PIN.",
        )
        self.action = action
        self.username = username
