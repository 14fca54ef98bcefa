"""`pos doctor`: is this till fit to sell? Each check says what it found and what to do.

Checks: the config loads; no decrypted copy of the store is left from a stopped restore (it is
removed, and reported); the database is a store of ours, migrated, and writable (a real
``BEGIN IMMEDIATE``, rolled back); every user's role is defined; file modes (the database and its
``-wal``/``-shm`` 0640 or tighter); the backup signing key out of the till's reach (the till's
account, the owner of the database, must not be able to read it: a till that can sign would sign
its own rewritten journal); devices (the printer
answers within the timeout, scanner and pole-display device paths exist); which shaping draws Urdu
and Arabic receipt lines (libraqm, or arabic-reshaper + python-bidi); the newest snapshot is
recent enough; the database's disk has room.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pos_tui.backup.catalog import scan_all
from pos_tui.backup.leftovers import clear_restore_leftovers
from pos_tui.config import Settings, load_settings
from pos_tui.devices.printer_address import parse_printer_uri
from pos_tui.devices.settings import EvdevScannerSettings
from pos_tui.domain.errors import PosError
from pos_tui.ledger.database import SCHEMA_VERSION, stored_schema_version
from pos_tui.services.selling.printing import probe_printer
from pos_tui.services.staff import authz


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Limits:
    max_backup_age_hours: int = 26
    """A snapshot older than this fails (the timer makes one an hour; a day's grace for a box that was off)."""
    min_free_mb: int = 500
    """Free space the database's disk must keep (snapshots are made beside it before they are encrypted)."""
    printer_timeout_ms: int = 2000


# What probe_printer says when the printer is fine (its other sentences say what is wrong).
_PRINTER_FINE = ("is online.", "is there and writable.", "without printing).", "is plugged in.",
                 "No printer is configured.")


def run_checks(config: Path | None, db: Path | None = None, limits: Limits = Limits()) -> list[Check]:
    try:
        settings = load_settings(config)
    except PosError as error:
        return [Check("config", False, str(error))]
    checks = [Check("config", True, f"{settings.source or 'built-in defaults'} is valid.")]
    path = db or settings.database.path
    checks.append(_restore_leftovers(path))
    checks += _database(path, settings)
    checks += _chain(path)
    checks += _modes(path, settings)
    checks += _devices(settings, limits)
    checks.append(_receipt_shaping())
    checks.append(_last_backup(settings, limits))
    checks.append(_free_disk(path, limits))
    return checks


def _restore_leftovers(path: Path) -> Check:
    """A decrypted copy of the store that a stopped restore left: removed (this run fails, so the
    admin learns a restore did not finish), or named when this user may not remove it."""
    found = clear_restore_leftovers(path)
    if not found:
        return Check("restore leftovers", True, f"no decrypted copy of the store beside {path}.")
    return Check("restore leftovers", False, " ".join(leftover.sentence() for leftover in found)
                 + " Check why that restore stopped (`pos audit` lists restores).")


def _database(path: Path, settings: Settings) -> list[Check]:
    if path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return [Check("database", False, f"{path} cannot be written (a read-only disk, or the file or its directory"
                                         " belongs to someone else): the till needs both writable.")]
    try:
        version = stored_schema_version(path)
    except PosError as error:
        return [Check("database", False, str(error))]
    if version < SCHEMA_VERSION:
        return [Check("database", False, f"{path} has schema {version}, this pos_tui needs {SCHEMA_VERSION}:"
                                          " run `pos db migrate`.")]
    conn = sqlite3.connect(path, timeout=5)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        checks = [Check("database", True, f"{path} is a migrated store (schema {version}) and writable.")]
        roles = [row[0] for row in conn.execute("SELECT DISTINCT role FROM users ORDER BY role")]
    except sqlite3.Error as error:
        return [Check("database", False, f"{path} cannot be written ({error}): check the disk, the mount and who"
                                         " owns the file and its directory.")]
    finally:
        conn.close()
    unknown = [role for role in roles if role not in authz.known_roles(settings)]
    if unknown:
        checks.append(Check("roles", False, f"users have roles the config does not define: {', '.join(unknown)};"
                                            " add [staff.roles.NAME] or change their role (pos user role)."))
    else:
        checks.append(Check("roles", True, f"every user's role is defined ({', '.join(roles)})."))
    return checks


def _chain(path: Path) -> list[Check]:
    """For a store in a chain (one that has run `pos sync`): where sync stands, and the fork alarm."""
    from pos_tui.ledger.database import open_ledger
    from pos_tui.services.chain import office, outbox

    try:
        ledger = open_ledger(path, read_only=True)
    except PosError:
        return []  # the database check above says what is wrong
    try:
        state = outbox.sync_state(ledger)
        if state is None:
            return []
        if state.forked:
            return [Check("chain", False, state.fork_sentence())]
        checks = [Check("chain", True, f"{outbox.sync_line(ledger)} (head office holds seq {state.acked_seq}).")]
        # Head office's products this store could not create (a barcode that is another product's here).
        return checks + [Check("head office's products", False, sentence) for sentence in office.not_created(ledger)]
    except sqlite3.Error:
        return []
    finally:
        ledger.close()


def _mode_check(name: str, path: Path, forbidden: int, wanted: str) -> Check:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & forbidden:
        return Check(name, False, f"{path} is {mode:04o}; make it {wanted} or tighter (chmod {wanted} {path}).")
    return Check(name, True, f"{path} is {mode:04o}.")


def _modes(path: Path, settings: Settings) -> list[Check]:
    checks = []
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if file.exists():
            checks.append(_mode_check("database mode", file, 0o137, "0640"))  # no group write, nothing for others
    key = settings.backup.signing_key
    if key is not None and path.exists():
        checks.append(_signing_key_apart(key, path))
    return checks


def _signing_key_apart(key: Path, database: Path) -> Check:
    """The signing key must be unreadable by the till's account (the database's owner), whoever runs this."""
    owner = database.stat().st_uid
    account = _account_name(owner)
    groups = _groups_of(owner, database.stat().st_gid)
    if _readable_by(key, owner, groups):
        return Check("signing key", False, f"{key} can be read by the till's account {account}: the key that signs"
                                           " backups and Z heads must belong to the backup account alone (README,"
                                           " \"Install on a till\": chown pos-backup, chmod 0600, in /etc/pos-backup"
                                           " with mode 0700).")
    return Check("signing key", True, f"{key} is out of reach of the till's account {account}.")


def _account_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _groups_of(uid: int, fallback_gid: int) -> set[int]:
    """The account's primary and supplementary groups (the database's group for an account unknown here)."""
    try:
        entry = pwd.getpwuid(uid)
    except KeyError:
        return {fallback_gid}
    return {entry.pw_gid} | {group.gr_gid for group in grp.getgrall() if entry.pw_name in group.gr_mem}


def _allows(st: os.stat_result, uid: int, groups: set[int], bit: int) -> bool:
    """Whether the mode bits give ``uid`` (in ``groups``) the permission ``bit`` (4 read, 1 search)."""
    mode = st.st_mode
    if uid == 0:
        return True
    if st.st_uid == uid:
        return bool(mode & (bit << 6))
    if st.st_gid in groups:
        return bool(mode & (bit << 3))
    return bool(mode & bit)


def _readable_by(path: Path, uid: int, groups: set[int]) -> bool:
    """Whether ``uid`` could open ``path`` for reading: every directory above it searchable, the file readable.
    A path this process cannot look at is taken as unreadable to the till too only when the till is not root."""
    target = path.absolute()
    try:
        for directory in reversed(target.parents):
            if not _allows(directory.stat(), uid, groups, 1):
                return False
        return _allows(target.stat(), uid, groups, 4)
    except FileNotFoundError:
        return False
    except PermissionError:
        return uid == 0


def _devices(settings: Settings, limits: Limits) -> Iterator[Check]:
    devices = settings.devices
    seconds = limits.printer_timeout_ms / 1000  # float-ok: a timeout in seconds
    said = probe_printer(parse_printer_uri(devices.printer.uri), timeout=seconds)
    yield Check("printer", said.endswith(_PRINTER_FINE), said)
    paths = [(f"scanner {s.name or n + 1}", s.device if isinstance(s, EvdevScannerSettings) else s.port)
             for n, s in enumerate(devices.scanners)]
    if devices.pole_display is not None:
        paths.append(("pole display", devices.pole_display.port))
    for name, device in paths:
        if not device.startswith("/"):
            yield Check(name, True, f"{device} is matched by USB id when the till starts (not checked here).")
        elif Path(device).exists():
            yield Check(name, True, f"{device} is there.")
        else:
            yield Check(name, False, f"{device} is not there: check the cable and the udev rule (config/udev).")


def _receipt_shaping() -> Check:
    """Which shaping draws Urdu and Arabic receipt lines: raqm, or the pure-Python pair without it."""
    from pos_tui.devices.rtl_text import has_raqm, shaping_in_use

    if not has_raqm():
        try:
            import arabic_reshaper  # noqa: F401
            import bidi  # noqa: F401
        except ImportError:
            return Check("receipt shaping", False, "Urdu and Arabic receipt lines cannot be drawn: libraqm is"
                                                   " missing and so are arabic-reshaper and python-bidi"
                                                   " (reinstall pos_tui, or apt-get install libfribidi0).")
    return Check("receipt shaping", True, f"Urdu and Arabic receipt lines are shaped by {shaping_in_use()}.")


def _last_backup(settings: Settings, limits: Limits) -> Check:
    destinations = settings.backup.destinations
    if not destinations:
        return Check("last backup", False, "no backup destinations are configured ([backup] destinations).")
    snapshots = [e for e in scan_all(destinations, None)
                 if e.name.kind == "snapshot" and e.manifest is not None and not e.problem and e.payload.exists()]
    if not snapshots:
        return Check("last backup", False, f"no snapshot in {', '.join(map(str, destinations))}: run"
                                           " `pos backup create` and enable pos-backup-snapshot.timer.")
    newest = snapshots[-1]
    hours = int((datetime.now(UTC) - newest.created_at).total_seconds()) // 3600
    ok = hours < limits.max_backup_age_hours
    return Check("last backup", ok, f"the newest snapshot is {hours} h old ({newest.payload.name})"
                                    + ("." if ok else f", more than {limits.max_backup_age_hours} h: check the timer."))


def _free_disk(path: Path, limits: Limits) -> Check:
    free_mb = shutil.disk_usage(path.parent if path.parent.exists() else Path.cwd()).free // 2**20
    ok = free_mb >= limits.min_free_mb
    return Check("free disk", ok, f"{free_mb} MB free beside {path}"
                                  + ("." if ok else f", less than {limits.min_free_mb} MB: make room."))
