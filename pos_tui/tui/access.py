"""Who may see which mode, where a login lands, and what a change of cashier does to the cart on the counter.

Actions a supervisor can approve at the till (a void, an override, a stock adjustment) stay on offer
for every role: pressing them asks for a supervisor's PIN. What a role may not *see* (the audit, the
reports) is not offered at all, and a read-only session (a manager over SSH) offers only the views.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pos_tui.domain.cart import Cart
from pos_tui.domain.permissions import Action, doing
from pos_tui.services.selling import parking
from pos_tui.services.session import Session
from pos_tui.services.staff import authz
from pos_tui.services.staff.users import User

# Modes that only show; a read-only session offers these and nothing else.
VIEW_MODES = ("reports", "daybook", "warehouse", "audit", "customers")
# A view a role must be allowed (no supervisor can lend someone the right to look). Customers needs
# nothing to enter: anyone may find, add and edit one (as at the counter); its merge, export and forget
# keys ask for Action.CUSTOMER_ADMIN themselves, and say who has it.
VIEW_NEEDS = {"reports": Action.REPORTS, "daybook": Action.DAYBOOK, "audit": Action.AUDIT}
LANDING_ORDER = ("bucket", "floor", *VIEW_MODES)
# What each terminal mode ([terminal] mode in pos.toml) offers of the counter and the floor.
TERMINAL_MODES = {"retail": ("bucket",), "restaurant": ("floor",), "both": ("bucket", "floor")}
# What a change key says on a read-only seat (the words the ledger refuses a write with).
READ_ONLY = "This session is read-only: nothing can be changed from here. Log in at a till to sell or change stock."


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
    if mode in ("bucket", "floor") and mode not in TERMINAL_MODES[app.session.settings.terminal.mode]:
        return False
    needs = VIEW_NEEDS.get(mode)
    return needs is None or authz.can(app.session, needs)


def why_not_enter(app: TillApp, mode: str) -> str | None:
    """Why the key of ``mode`` does nothing for whoever is logged in; None when it opens (or at the login)."""
    if app.user is None or may_enter(app, mode):
        return None
    if app.session.ledger.read_only and mode not in VIEW_MODES:
        return f"{mode.title()} is not on offer on a read-only seat. Log in at a till to sell or handle cash."
    if mode in ("bucket", "floor") and mode not in TERMINAL_MODES[app.session.settings.terminal.mode]:
        return (f"This till is set up for {app.session.settings.terminal.mode}, so {mode.title()} is not offered;"
                " set [terminal] mode in pos.toml to \"both\" for the counter and the floor.")
    return (f"{app.user.username} ({app.user.role}) may not {doing(VIEW_NEEDS[mode])}, so {mode.title()} is not"
            " offered. A manager can look, or an admin can change the role.")


def landing_mode(app: TillApp) -> str:
    """Where a login lands: the bucket at a till, the first view a read-only manager may see."""
    return next((mode for mode in LANDING_ORDER if mode in app.MODES and may_enter(app, mode)), "login")


def park_for_handover(old: Session, cart: Cart, at: datetime, customer_id: int | None = None) -> str:
    """Park the cart a cashier left on the counter, as theirs and under their name, so the next cashier
    starts clean and nobody finishes a sale under someone else's name. Returns the parked cart's name."""
    name = f"{old.username}'s cart {old.local_time(at):%H:%M}"  # a naive ``at`` is the machine's own time
    parking.park_cart(old, cart, name, customer_id)
    return name


def discard_at_quit(owner: Session, cart: Cart) -> None:
    """Throw away the cart on the counter as the till quits; the journal keeps its lines for the audit."""
    parking.abandon_cart(owner, cart, "quit")
