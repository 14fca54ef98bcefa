"""A backup snapshot after a shift close or a Z, when backups are configured.

Called only after the close has committed: a backup that fails never undoes the close; it comes
back as a sentence for the screen or the command line to show.

On a till installed as the README says, the key that signs backups belongs to the backup account
and the till cannot read it: the till does not sign its own Z. The Z's head is in the journal at
once (and on the paper Z); the next run of the backup service (``pos-backup.timer``, every five
minutes) reads the store itself and signs a manifest whose head covers the Z. A signing service on
a local socket was the other way: it would have to sign whatever head the till sends it (it cannot
tell an honest head from a rewritten one any better than the backup run can), it is one more
daemon holding the key on a socket the till can reach, and it adds nothing a five-minute wait does
not give.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pos_tui.domain.errors import PosError

if TYPE_CHECKING:
    from pos_tui.services.session import Session


def snapshot_after_close(session: Session, what: str) -> str:
    """Take the snapshot if ``[cash] snapshot_on_close`` and backups are set up; say what happened."""
    backup = session.settings.backup
    if not session.settings.cash.snapshot_on_close or not backup.recipients or not backup.destinations:
        return ""
    if backup.signing_key is None or not os.access(backup.signing_key, os.R_OK):
        return (f"The {what} is saved; the backup service signs its head at its next run"
                " (pos-backup.timer, within 5 minutes).")
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
