"""The journal: append an event with its postings, hash-chained onto the previous entry.

``hash = sha256(TAG ‖ prev_hash ‖ seq ‖ header ‖ payload)`` where the header is the canonical JSON
of everything else the entry says (id, time, business day, store, terminal, user, kind, postings).
An edit to any column of an entry or its postings therefore breaks that entry's hash, and removing
or reordering entries breaks the chain.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from pos_tui.domain.events import Event, StoreOpened
from pos_tui.ledger.database import Ledger
from pos_tui.ledger.entry import JournalEntry, canonical_json, canonical_payload, entry_hash, header_json


@dataclass(frozen=True)
class Actor:
    """Who is making a change, from where."""

    store: str
    terminal: str
    user: str



@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def store_time(at: datetime | str, timezone: str) -> datetime:
    """A moment (aware, or a journal time) on the store's clock (``timezone``, IANA). Every time a
    person reads or types goes through here, as business days do: never the machine's own zone."""
    moment = parse_time(at) if isinstance(at, str) else at
    return moment.astimezone(_zone(timezone))


def store_moment(local: datetime, timezone: str) -> datetime:
    """A naive wall-clock time typed in the store's zone, as an aware UTC moment."""
    return local.replace(tzinfo=_zone(timezone)).astimezone(UTC)


def business_day(at: datetime, timezone: str, day_starts_at_hour: int) -> str:
    """The store's business day of a moment: local date, shifted back by the cut-off hour."""
    local = store_time(at, timezone) - timedelta(hours=day_starts_at_hour)
    return local.date().isoformat()


def format_time(at: datetime) -> str:
    moment = at.astimezone(UTC)
    if moment.year < 1000:  # strftime writes such a year without padding; isoformat would pad it
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # The same text as the strftime above, at a fifth of its cost (every entry is stamped with one).
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


_INSERT_POSTING = "INSERT INTO postings (seq, leg, account, amount) VALUES (?, ?, ?, ?)"
_INSERT_ENTRY = (
    "INSERT INTO journal (seq, event_id, at, day, store, terminal, user, kind, payload, prev_hash, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def append(ledger: Ledger, event: Event, actor: Actor, *, at: datetime | None = None) -> JournalEntry:
    """Append ``event`` and apply it to the projections. Call inside ``ledger.write()``."""
    from pos_tui.ledger.projections import apply

    moment = at or datetime.now(UTC)
    if isinstance(event, StoreOpened):
        timezone, cutoff = event.timezone, event.day_starts_at_hour
    else:
        info = ledger.store_info()
        timezone, cutoff = info.timezone, info.day_starts_at_hour
    conn = ledger.conn
    head = conn.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
    prev_seq, prev_hash = head if head else (0, "0" * 64)
    seq = prev_seq + 1
    postings = tuple((p.account, p.amount) for p in event.postings())
    payload = event.payload()
    payload_json = canonical_payload(payload)
    event_id = str(uuid.uuid4())
    at_text = format_time(moment)
    day = business_day(moment, timezone, cutoff)
    header = header_json(event_id, at_text, day, actor.store, actor.terminal, actor.user, event.KIND, postings)
    digest = entry_hash(prev_hash, seq, header, payload_json)
    if postings:
        conn.executemany(_INSERT_POSTING, [(seq, leg, a, amount) for leg, (a, amount) in enumerate(postings)])
    conn.execute(
        _INSERT_ENTRY,
        (seq, event_id, at_text, day, actor.store, actor.terminal, actor.user, event.KIND, payload_json,
         prev_hash, digest),
    )
    entry = JournalEntry(seq, event_id, at_text, day, actor.store, actor.terminal, actor.user, event.KIND,
                         payload_json, postings, prev_hash, digest)
    # The handlers read the payload as JSON values; these are the very values just encoded (plain dicts,
    # lists, str, int, bool, None), so parsing the text back would give them again.
    entry.__dict__["payload"] = payload
    apply(conn, entry)
    return entry


def insert_recorded(ledger: Ledger, entry: JournalEntry) -> None:
    """Write an entry exactly as it was recorded elsewhere (replay, restore); the caller applies it."""
    insert_recorded_many(ledger.conn, [entry])


def insert_recorded_many(conn: sqlite3.Connection, entries: Sequence[JournalEntry]) -> None:
    """Write recorded entries: all their postings first (the journal row checks they balance), then the rows."""
    conn.executemany(
        _INSERT_POSTING,
        [(e.seq, leg, account, amount) for e in entries for leg, (account, amount) in enumerate(e.postings)],
    )
    conn.executemany(
        _INSERT_ENTRY,
        [(e.seq, e.event_id, e.at, e.day, e.store, e.terminal, e.user, e.kind, e.payload_json, e.prev_hash, e.hash)
         for e in entries],
    )


_SELECT_ENTRIES = (
    "SELECT seq, event_id, at, day, store, terminal, user, kind, payload, prev_hash, hash"
    " FROM journal WHERE seq > ? AND kind IS NOT ? ORDER BY seq LIMIT ?"
)


def entries_after(
    ledger: Ledger, seq: int, *, batch: int = 2000, except_kind: str | None = None
) -> Iterator[JournalEntry]:
    """Every entry after ``seq`` in order (but those of ``except_kind``), with its postings, read in batches."""
    conn = ledger.conn
    last = seq
    while True:
        rows = conn.execute(_SELECT_ENTRIES, (last, except_kind, batch)).fetchall()
        if not rows:
            return
        legs: dict[int, list[tuple[str, int]]] = {}
        for posting_seq, account, amount in conn.execute(
            "SELECT seq, account, amount FROM postings WHERE seq > ? AND seq <= ? ORDER BY seq, leg",
            (last, rows[-1][0]),
        ):
            legs.setdefault(posting_seq, []).append((account, amount))
        for entry_seq, event_id, at, day, store, terminal, user, kind, payload, prev_hash, digest in rows:
            yield _recorded(entry_seq, event_id, at, day, store, terminal, user, kind, payload,
                            tuple(legs.get(entry_seq, ())), prev_hash, digest)
        last = rows[-1][0]


_FIELDS = tuple(f.name for f in fields(JournalEntry))


def _recorded(*values: Any) -> JournalEntry:
    """``JournalEntry(*values)`` for rows read back in bulk: the frozen dataclass's ``__init__`` sets
    each field through ``object.__setattr__``, a third of the cost of reading an entry."""
    entry: JournalEntry = object.__new__(JournalEntry)
    entry.__dict__.update(zip(_FIELDS, values, strict=True))
    return entry


def entry_to_json(entry: JournalEntry) -> bytes:
    """An entry as one line of canonical JSON (journal segments, exports)."""
    return canonical_json(
        {
            "seq": entry.seq,
            "event_id": entry.event_id,
            "at": entry.at,
            "day": entry.day,
            "store": entry.store,
            "terminal": entry.terminal,
            "user": entry.user,
            "kind": entry.kind,
            "payload": entry.payload_json,
            "postings": [list(p) for p in entry.postings],
            "prev_hash": entry.prev_hash,
            "hash": entry.hash,
        }
    ).encode()


def entry_from_json(data: bytes) -> JournalEntry:
    raw = json.loads(data)
    return JournalEntry(
        seq=raw["seq"],
        event_id=raw["event_id"],
        at=raw["at"],
        day=raw["day"],
        store=raw["store"],
        terminal=raw["terminal"],
        user=raw["user"],
        kind=raw["kind"],
        payload_json=raw["payload"],
        postings=tuple((a, int(n)) for a, n in raw["postings"]),
        prev_hash=raw["prev_hash"],
        hash=raw["hash"],
    )
