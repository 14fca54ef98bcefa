"""Who may see which mode, where a login lands, and what a change of cashier does to the cart on the counter.

Actions a supervisor can approve at the till (a void, an override, a stock adjustment) stay on offer
for every role: pressing them asks for a supervisor's PIN. What a role may not *see* (the audit, the
reports) is not offered at all, and a read-only session (a manager over SSH) offers only the views.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pos_tui.domain.cart import Cart
from pos_tui.domain.permissions import Action
from pos_tui.services import authz, parking
from pos_tui.services.session import Session
from pos_tui.services.users import User

# Modes that only show; a read-only session offers these and nothing else.
VIEW_MODES = ("reports", "daybook", "warehouse", "audit")
# A view a role must be allowed (no supervisor can lend someone the right to look).
VIEW_NEEDS = {"reports": Action.REPORTS, "daybook": Action.DAYBOOK, "audit": Action.AUDIT}
LANDING_ORDER = ("bucket", *VIEW_MODES)


class TillApp(Protocol):
    session: Session
    user: User | None
    MODES: dict[str, object]


def may_enter(app: TillApp, mode: str) -> bool:
    """Whether the dock and the F-keys offer ``mode`` to whoever is logged in."""
    if app.user is None:
        return False
    if app.session.ledger.read_only and mode not in VIEW_MODES:
        return False
    needs = VIEW_NEEDS.get(mode)
    return needs is None or authz.can(app.session, needs)


def landing_mode(app: TillApp) -> str:
    """Where a login lands: the bucket at a till, the first view a read-only manager may see."""
    return next((mode for mode in LANDING_ORDER if mode in app.MODES and may_enter(app, mode)), "login")


def park_for_handover(old: Session, cart: Cart, at: datetime) -> str:
    """Park the cart a cashier left on the counter, as theirs and under their name, so the next cashier
    starts clean and nobody finishes a sale under someone else's name. Returns the parked cart's name."""
    name = f"{old.username}'s cart {old.local_time(at):%H:%M}"  # a naive ``at`` is the machine's own time
    parking.park_cart(old, cart, name)
    return name
