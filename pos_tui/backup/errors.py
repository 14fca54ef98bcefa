"""Errors of backup, verify and restore, each with a sentence saying what to do.

Every one of them is raised before anything changes: a failed create leaves no file under a final
name, a refused restore leaves the live database as it was.
"""

from __future__ import annotations

from pos_tui.domain.errors import PosError


class BackupError(PosError):
    """A backup, verify or restore that cannot go on."""


class KeyFileError(BackupError):
    """A key file that is missing, unreadable, of the wrong kind, or too open."""


class WrongIdentity(BackupError):
    """The age identity given is not one of the file's recipients (or its passphrase is wrong)."""


class DamagedBackup(BackupError):
    """Truncated or changed bytes: the file does not match its signed manifest or fails to decrypt."""


class BadSignature(BackupError):
    """A manifest whose Ed25519 signature does not verify with the trusted public key."""


class OtherStore(BackupError):
    """A snapshot of another store than the database it would replace."""


class SchemaTooNew(BackupError):
    """A snapshot made by a newer pos_tui than this one."""


class DatabaseInUse(BackupError):
    """Another process has the live database open; restoring now would lose its sales."""


class NoSpace(BackupError):
    """A destination ran out of space (or refused the write) while a file was being made."""


class NothingToRestore(BackupError):
    """No snapshot matches what was asked for."""


class UnhealthyDatabase(BackupError):
    """A database (live or decrypted) that fails its integrity, chain or balance checks."""
