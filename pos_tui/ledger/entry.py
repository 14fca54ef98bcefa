"""A journal entry as recorded, and the recipe that hashes it.

``hash = sha256(TAG ‖ prev_hash ‖ seq ‖ header ‖ payload)`` where the header is the canonical JSON
of everything else the entry says (id, time, business day, store, terminal, user, kind, postings).
This file sits below both the journal (which appends entries) and the projections (which apply
them), so that neither has to import the other to know what an entry is.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, overload

import orjson

HASH_TAG = b"pos_tui.journal.v1\n"


# One encoder, made once: json.dumps with options builds a new JSONEncoder on every call (the same text).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text, floats refused: the same value always gives the same text."""
    return _CANONICAL(value)


def _not_plain_json(value: Any) -> Any:
    raise TypeError  # anything orjson would not leave to json: canonical_json says what it makes of it


_ORJSON_CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS \
    | orjson.OPT_PASSTHROUGH_DATETIME


def canonical_payload(value: Any) -> str:
    """``canonical_json(value)``, written by orjson when that gives the same text, at a fraction of the
    cost (a sale's payload is encoded on every sale). The same: dicts, lists, str, int, bool and None
    with keys sorted by code point and no spaces, when no string needed an escape (orjson writes every
    escape with a backslash; json may spell some differently, so any backslash means json writes it).
    Integers wider than 64 bits, subclasses, dataclasses and dates go to json. For values without
    floats (``to_json_value`` refuses them): orjson would write some floats differently."""
    try:
        raw = orjson.dumps(value, default=_not_plain_json, option=_ORJSON_CANONICAL)
    except TypeError:
        return canonical_json(value)
    if b"\\" in raw:
        return canonical_json(value)
    return raw.decode()


# A digit where a payload has one, a space elsewhere: a run of 19 digits is a number orjson may not
# read exactly (it turns integers beyond 64 bits into floats; every integer of 18 digits or fewer fits).
_DIGITS_ONLY = bytes(57 if 48 <= byte <= 57 else 32 for byte in range(256))
_LONG_NUMBER = b"9" * 19


def parse_payload(text: str | bytes) -> dict[str, Any]:
    """A payload's canonical JSON as Python values, exactly as ``json.loads`` reads it.

    orjson parses payloads about three times faster than the standard library (parsing is most of
    what a replay of a million-product catalogue costs); the standard library still reads what
    orjson would read differently (an integer wider than 64 bits) or refuses (a lone surrogate).
    """
    data: dict[str, Any]
    try:
        raw = text.encode() if isinstance(text, str) else text
        if _LONG_NUMBER not in raw.translate(_DIGITS_ONLY):
            data = orjson.loads(raw)
            return data
    except (UnicodeEncodeError, orjson.JSONDecodeError):
        pass
    data = json.loads(text)
    return data


class _ParsedPayload:
    """``JournalEntry.payload``: parsed on first use and kept in the entry's ``__dict__``, as
    ``functools.cached_property`` does, without the lock it takes on every first use (Python 3.11):
    replay reads a million payloads once each."""

    @overload
    def __get__(self, entry: None, owner: type[JournalEntry]) -> _ParsedPayload: ...
    @overload
    def __get__(self, entry: JournalEntry, owner: type[JournalEntry]) -> dict[str, Any]: ...
    def __get__(self, entry: JournalEntry | None, owner: type[JournalEntry]) -> _ParsedPayload | dict[str, Any]:
        if entry is None:
            return self
        value = parse_payload(entry.payload_json)
        entry.__dict__["payload"] = value
        return value


@dataclass(frozen=True)
class JournalEntry:
    seq: int
    event_id: str
    at: str
    day: str
    store: str
    terminal: str
    user: str
    kind: str
    payload_json: str
    postings: tuple[tuple[str, int], ...]
    prev_hash: str
    hash: str

    payload = _ParsedPayload()  # not a field: the parsed payload_json

    def expected_hash(self) -> str:
        return entry_hash(
            self.prev_hash,
            self.seq,
            header_json(self.event_id, self.at, self.day, self.store, self.terminal, self.user, self.kind,
                        self.postings),
            self.payload_json,
        )


# What each area's projection module maps an event kind to: applies one entry (with its parsed
# payload) to that area's tables, on the connection of the transaction that appended it.
Handler = Callable[[sqlite3.Connection, JournalEntry, dict[str, Any]], None]


# What canonical JSON escapes in a string (ensure_ascii=False): control characters, quote, backslash.
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')


def header_json(
    event_id: str,
    at: str,
    day: str,
    store: str,
    terminal: str,
    user: str,
    kind: str,
    postings: tuple[tuple[str, int], ...],
) -> str:
    """The canonical JSON of an entry's header. Verify rebuilds one per entry, so the common case
    (strings that need no escaping, plain int amounts) is written directly; it is the same text as
    ``canonical_json`` of the dict below, which every other case still goes through."""
    # (Most entries of a big journal, the catalogue's, have no postings: no generators made for them.)
    try:
        texts = "".join((event_id, at, day, store, terminal, user, kind, *[account for account, _ in postings])
                        if postings else (event_id, at, day, store, terminal, user, kind))
    except TypeError:  # not all str: let the encoder say what it makes of them
        texts = '"'
    if not _NEEDS_ESCAPE.search(texts) and (not postings or all(type(amount) is int for _, amount in postings)):
        legs = ",".join([f'["{account}",{amount}]' for account, amount in postings]) if postings else ""
        return (f'{{"at":"{at}","day":"{day}","event_id":"{event_id}","kind":"{kind}","postings":[{legs}],'
                f'"store":"{store}","terminal":"{terminal}","user":"{user}"}}')
    return canonical_json(
        {
            "at": at,
            "day": day,
            "event_id": event_id,
            "kind": kind,
            "postings": [list(p) for p in postings],
            "store": store,
            "terminal": terminal,
            "user": user,
        }
    )


def entry_hash(prev_hash: str, seq: int, header: str, payload: str | bytes) -> str:
    """The entry's hash; ``payload`` as text or as its UTF-8 bytes (as SQLite stores it)."""
    raw = payload.encode() if isinstance(payload, str) else payload
    return hashlib.sha256(HASH_TAG + f"{prev_hash}\n{seq}\n{header}\n".encode() + raw).hexdigest()
