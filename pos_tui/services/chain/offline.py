"""Redeeming offline: in a chain, gift-card and points balances are head office's, so a store that has not
heard from head office for longer than ``offline_after_minutes`` refuses redemptions above
``offline_redeem_limit`` (Square and Lightspeed refuse offline redemption too): a card spent at another
store meanwhile would otherwise be spent twice. A store that has never joined a chain (no ``chain_sync``
row) is never offline.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pos_tui.domain.errors import RuleViolation
from pos_tui.ledger.journal import parse_time
from pos_tui.services.chain.outbox import sync_state

if TYPE_CHECKING:
    from pos_tui.services.session import Session


def offline_for(session: Session, after_minutes: int, now: datetime | None = None) -> str | None:
    """How long the store has been without head office ("3 h", "45 min", or "since it joined the chain,
    never synced") when that is ``after_minutes`` or more; None when online, not in a chain, or the limit
    is off (0)."""
    if after_minutes <= 0:
        return None
    state = sync_state(session.ledger)
    if state is None:
        return None
    heard = state.heard_at or state.acked_at
    if heard is None:
        return "ever since it joined the chain (it has not synced yet)"
    gone = (now or session.clock()).astimezone(UTC) - parse_time(heard)
    minutes = int(gone.total_seconds() // 60)
    if minutes < after_minutes:
        return None
    return f"for {minutes // 60} h" if minutes >= 120 else f"for {minutes} min"


def refuse_offline_redemption(session: Session, what: str, amount: int, after_minutes: int, limit: int) -> None:
    """Refuse redeeming ``amount`` (minor units) of ``what`` ("gift cards", "points") above ``limit`` while
    the store is offline; nothing is changed by the caller when this raises."""
    if amount <= limit:
        return
    gone = offline_for(session, after_minutes)
    if gone is None:
        return
    raise RuleViolation(
        f"This store has been offline from head office {gone}; {what} above {session.money(limit)} can't be"
        f" redeemed until the store syncs ({session.money(amount)} was asked).",
        f"Redeem up to {session.money(limit)}, pay the rest another way, or run `pos sync` once the network is back.")
