"""The audit trail: sensitive events from the journal, plus the snapshots the backup timer made.

Listed: every event that carries a supervisor's approval, and these kinds: logins and wrong PINs,
unlocks, role and PIN changes, new users, refused approvals, voids and returns, no-sales, paid-outs,
shift and day closes, price changes, stock adjustments and restores. Another area marks its own
kinds by giving the event class ``AUDITED: ClassVar[bool] = True`` (as a cart thrown away unsold is).

Backups and restores happen outside the journal and are not journalled: a snapshot entry every hour
would leave no segment ever empty, and a restore (to a point in time, too) must leave the journal
exactly as it was at that point. The audit reads them from the disk instead: snapshots from the
signed manifests in the configured destinations (shown while those are mounted), restores from the
``<database>.replaced-<UTC time>`` file each restore keeps of the database it replaced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pos_tui.backup.catalog import scan_all
from pos_tui.domain.event_kinds import EVENT_KINDS
from pos_tui.domain.money import format_quantity
from pos_tui.domain.permissions import Approval
from pos_tui.ledger.journal import format_time

if TYPE_CHECKING:
    from pos_tui.services.session import Session

AUDITED_KINDS: frozenset[str] = frozenset({
    "user.logged_in", "user.login_failed", "user.unlocked", "user.role_changed", "user.added", "user.pin_changed",
    "approval.refused",
    "sale.returned", "price.changed", "stock.adjusted",
    "drawer.opened", "cash.paid_out", "shift.closed", "day.closed",
})
SNAPSHOT_KIND = "backup.snapshot"
RESTORE_KIND = "backup.restored"
_REPLACED = re.compile(r"\.replaced-(\d{8}T\d{6}Z)(-\d+)?$")


def audited_kinds() -> frozenset[str]:
    marked = {kind for kind, cls in EVENT_KINDS.items() if getattr(cls, "AUDITED", False)}
    return AUDITED_KINDS | marked


@dataclass(frozen=True)
class AuditEvent:
    seq: int  # 0 for a snapshot (not in the journal)
    at: str  # local "YYYY-MM-DD HH:MM:SS"
    terminal: str
    user: str  # who was at the seat ("system" for the command line)
    subject: str  # whom it is about: the user logging in, the approver... ("" when the same as user)
    kind: str
    what: str
    approvals: tuple[Approval, ...]


# Payload fields that hold money (minor units) or a quantity (thousandths): shown formatted, never as
# raw integers ("amount 150000" reads as a hundred and fifty thousand rupees).
MONEY_FIELDS = frozenset({
    "amount", "float_amount", "counted", "expected", "variance", "subtotal", "discount_total", "tax_total", "total",
    "rounding", "change", "cost_total", "refund_total", "grand_total", "old_price", "new_price", "unit_cost", "cost",
})
QUANTITY_FIELDS = frozenset({"quantity"})


def _describe(session: Session, kind: str, p: dict[str, Any]) -> str:
    money = session.money
    if kind == "user.login_failed":
        locked = f"; locked until {_local(session, p['locked_until'])[11:16]}" if p.get("locked_until") else ""
        return f"wrong PIN for {p['username']} at {p['purpose']}{locked}"
    if kind == "user.logged_in":
        return f"{p['username']} logged in"
    if kind == "user.unlocked":
        return f"{p['username']} unlocked"
    if kind == "user.pin_changed":
        return f"new PIN for {p['username']}"
    if kind == "approval.refused":
        return f"{p['approver']} refused to approve {p['action']} ({p['why']}): {p['reason']}"
    if kind == "user.role_changed":
        return f"{p['username']}: {p['old_role']} -> {p['new_role']}"
    if kind == "user.added":
        return f"{p['username']}, role {p['role']}"
    if kind == "sale.returned":
        what = "void" if p["is_void"] else ("return" if p["sale_number"] else "return without receipt")
        sale = f" of {p['sale_terminal']}-{p['sale_number']:06d}" if p["sale_number"] else ""
        return f"{what}{sale}, {money(p['refund_total'])}: {p['reason']}"
    if kind == "price.changed":
        return f"{p['sku']} {money(p['old_price'])} -> {money(p['new_price'])} {p['reason']}".strip()
    if kind == "cart.abandoned":
        lines = p["cart"]["lines"]
        items = ", ".join(f"{line['name']} × {format_quantity(line['quantity'])}" for line in lines[:3])
        more = f" and {len(lines) - 3} more" if len(lines) > 3 else ""
        return f"cart of {money(p['total'])} thrown away unsold at {p['why']}: {items}{more}"
    if kind == "stock.adjusted":
        sign = "+" if p["quantity"] > 0 else ""
        return f"product {p['product_id']} {sign}{format_quantity(p['quantity'])}: {p['reason']}"
    if kind in ("cash.paid_out", "cash.paid_in", "cash.expense"):
        return f"{money(p['amount'])} {p['category']}: {p['note']}".strip(": ")
    if kind == "cash.dropped":
        return f"{money(p['amount'])} to the safe" + (f": {p['note']}" if p.get("note") else "")
    if kind == "drawer.opened":
        return f"no sale in {p['shift_id']}: {p['reason']}"
    if kind == "shift.closed":
        variance = p["variance"]
        off = "even" if variance == 0 else f"{'over' if variance > 0 else 'short'} {money(abs(variance))}"
        return f"{p['shift_id']} counted {money(p['counted'])} of {money(p['expected'])}, {off}"
    if kind == "day.closed":
        return f"Z {p['z_number']} for {p['day']}, grand total {money(p['grand_total'])}"
    if kind == "sale.completed":
        return f"sale {p['terminal']}-{p['number']:06d}, {money(p['total'])}"
    shown = {k: v for k, v in p.items() if k != "approvals" and isinstance(v, (str, int)) and v not in ("", 0)}
    return ", ".join(f"{k} {_field(session, k, v)}" for k, v in list(shown.items())[:4])


def _field(session: Session, key: str, value: str | int) -> str:
    if isinstance(value, int) and key in MONEY_FIELDS:
        return session.money(value)
    if isinstance(value, int) and key in QUANTITY_FIELDS:
        return format_quantity(value)
    return str(value)


def _local(session: Session, at: str) -> str:
    return session.local_time(at).strftime("%Y-%m-%d %H:%M:%S")


def audit_events(
    session: Session,
    from_day: str,
    to_day: str,
    user: str | None = None,
    kinds: Collection[str] | None = None,
) -> list[AuditEvent]:
    """Sensitive events on business days ``from_day``..``to_day``, oldest first.

    ``user`` keeps events by that user, about them (their logins, failed or not) or approved by them;
    ``kinds`` keeps only those kinds ("backup.snapshot", "backup.restored" for the backups)."""
    wanted = audited_kinds() if kinds is None else audited_kinds() & set(kinds)
    found = list(_journal_events(session, from_day, to_day, wanted, kinds is None))
    if kinds is None or SNAPSHOT_KIND in kinds:
        found += _snapshots(session, from_day, to_day)
    if kinds is None or RESTORE_KIND in kinds:
        found += _restores(session, from_day, to_day)
    if user:
        found = [e for e in found if user in (e.user, e.subject) or any(a.approver == user for a in e.approvals)]
    return sorted(found, key=lambda e: (e.at, e.seq))


def _journal_events(
    session: Session, from_day: str, to_day: str, kinds: frozenset[str], with_approvals: bool
) -> Iterator[AuditEvent]:
    marks = ", ".join("?" * len(kinds))
    columns = "SELECT seq, at, terminal, user, kind, payload FROM journal"
    sql = f"{columns} WHERE kind IN ({marks}) AND day BETWEEN ? AND ?"
    params: list[object] = [*sorted(kinds), from_day, to_day]
    if with_approvals:  # this WHERE matches the partial index journal_approved (db/0003_staff.sql) word for word
        sql += f" UNION {columns} WHERE day BETWEEN ? AND ? AND instr(payload, '\"approvals\":') > 0"
        params += [from_day, to_day]
    rows = session.ledger.conn.execute(sql + " ORDER BY seq", params)
    for seq, at, terminal, who, kind, payload_json in rows:
        payload = json.loads(payload_json)
        approvals = tuple(Approval(**a) for a in payload.get("approvals", ()))
        subject = str(payload.get("username", "")) if kind.startswith("user.") else ""
        yield AuditEvent(seq, _local(session, at), terminal, who, "" if subject == who else subject, kind,
                         _describe(session, kind, payload), approvals)


def _snapshots(session: Session, from_day: str, to_day: str) -> list[AuditEvent]:
    destinations = session.settings.backup.destinations
    found = []
    for entry in scan_all(destinations, None):
        local = session.local_time(entry.created_at)
        if entry.name.kind != "snapshot" or not from_day <= local.date().isoformat() <= to_day:
            continue
        head = f", journal head {entry.manifest.head_seq}" if entry.manifest else ""
        found.append(AuditEvent(0, _local(session, format_time(entry.created_at)), entry.name.terminal, "", "",
                                SNAPSHOT_KIND, f"snapshot {entry.payload.name}{head}", ()))
    return found


def _restores(session: Session, from_day: str, to_day: str) -> list[AuditEvent]:
    db = session.ledger.path
    found = []
    for kept in sorted(db.parent.glob(f"{db.name}.replaced-*")):
        match = _REPLACED.search(kept.name)
        if match is None:  # a -wal or -shm kept beside its file
            continue
        at = datetime.strptime(match[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        local = _local(session, format_time(at))
        if from_day <= local[:10] <= to_day:
            found.append(AuditEvent(0, local, "", "", "", RESTORE_KIND,
                                    f"database restored; the one it replaced is kept as {kept.name}", ()))
    return found
