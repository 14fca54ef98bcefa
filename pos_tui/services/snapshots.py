"""A backup snapshot after a shift close or a Z, when backups are configured.

Called only after the close has committed: a backup that fails never undoes the close; it comes
back as a sentence for the screen or the command line to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_tui.domain.errors import PosError

if TYPE_CHECKING:
    from pos_tui.services.session import Session


def snapshot_after_close(session: Session, what: str) -> str:
    """Take the snapshot if ``[cash] snapshot_on_close`` and backups are set up; say what happened."""
    backup = session.settings.backup
    if not session.settings.cash.snapshot_on_close or not backup.recipients or not backup.destinations:
        return ""
    from pos_tui.backup.snapshot import BackupJob, create_snapshot

    try:
        result = create_snapshot(BackupJob.from_settings(session.ledger.path, session.terminal, backup))
    except PosError as error:
        return f"The {what} is saved, but the backup snapshot failed: {error}"
    except OSError as error:
        reason = error.strerror or error
        return f"The {what} is saved, but the backup snapshot failed ({reason}). Run `pos backup create`."
    places = ", ".join(str(path.parent) for path in result.written)
    failed = "".join(f" {failure}" for failure in result.failures)
    return f"Backup snapshot written to {places}.{failed}"
