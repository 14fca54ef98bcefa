"""Reading the moment an admin types for ``restore --at``."""

from __future__ import annotations

from datetime import UTC, datetime

from pos_tui.backup.errors import BackupError
from pos_tui.ledger.journal import store_moment

_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f")


def parse_moment(text: str, timezone: str) -> datetime:
    """``YYYY-MM-DD HH:MM[:SS[.ffffff]]`` on the store's clock (``timezone``, as receipts and business
    days are; never this box's own zone), or ISO-8601 with Z or an offset (as journal times are
    written). Returned in UTC."""
    cleaned = text.strip()
    for layout in _FORMATS:
        try:
            return store_moment(datetime.strptime(cleaned, layout), timezone)
        except ValueError:
            pass
    try:
        moment = datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        if moment is not None:
            return store_moment(moment, timezone)
        raise BackupError(
            f"{text!r} is not a time pos_tui understands.",
            f'Write it as "YYYY-MM-DD HH:MM" in the store\'s time ({timezone}), e.g. --at "2025-03-01 14:30".',
        )
    return moment.astimezone(UTC)


def journal_time(text: str) -> datetime:
    """A journal or manifest time (ISO-8601 UTC with Z)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
