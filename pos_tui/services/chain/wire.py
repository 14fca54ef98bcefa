"""What travels between a store and head office: subjects, message ids and message bodies.

A journal entry travels as its recorded JSON (``entry_to_json``) inside an envelope that names the
chain it belongs to: ``store`` (the store's id), ``terminal`` (the id this file's journal syncs as),
``epoch``, ``seq``, ``prev_hash`` and ``hash``. Head office recomputes the hash from the entry
itself, so an envelope cannot vouch for what it carries. Shared by `pos sync` and `pos hq serve`;
no I/O here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pos_tui.ledger.database import GENESIS_HASH
from pos_tui.ledger.entry import JournalEntry, canonical_json
from pos_tui.ledger.journal import entry_to_json

DEDUP_WINDOW_S = 600.0
"""JetStream drops a repeated Nats-Msg-Id within this window; beyond it PostgreSQL's key still does."""
DEFAULT_NAMESPACE = "pos"


@dataclass(frozen=True)
class Channels:
    """The streams and subjects of one chain. The namespace lets several chains share one NATS
    account (a demo beside production; each test of the suite on the suite's one server)."""

    namespace: str = DEFAULT_NAMESPACE

    @property
    def events_stream(self) -> str:
        return f"{self.namespace.upper()}_EVENTS"

    @property
    def heads_stream(self) -> str:
        return f"{self.namespace.upper()}_HEADS"

    @property
    def all_events(self) -> str:
        return f"{self.namespace}.ev.>"

    @property
    def all_heads(self) -> str:
        return f"{self.namespace}.head.>"

    @property
    def office_stream(self) -> str:
        return f"{self.namespace.upper()}_OFFICE"

    @property
    def all_office(self) -> str:
        return f"{self.namespace}.office.>"

    def store_office_stream(self, store: str) -> str:
        """The stream a store's terminals read head office's events from: a copy, kept by NATS, of the
        all-stores subject and this store's, in head office's order (``pos hq serve`` makes it). A
        terminal may read this stream only, so it cannot read another store's prices."""
        return f"{self.office_stream}_{store}"

    def inbox(self, store: str, terminal: str) -> str:
        """The prefix of a terminal's reply subjects: it may subscribe to these and no one else's."""
        return f"_INBOX.{self.namespace}.{store}.{terminal}"

    def office_subject(self, target: str) -> str:
        """Head office's events for one store (its id) or for every store ("all")."""
        return f"{self.namespace}.office.{target}"

    def event_subject(self, store: str, terminal: str) -> str:
        return f"{self.namespace}.ev.{store}.{terminal}"

    def head_subject(self, store: str, terminal: str) -> str:
        return f"{self.namespace}.head.{store}.{terminal}"

    def stock_question(self, store: str) -> str:
        """Where a store's terminals ask head office for other stores' stock (request/reply, no stream):
        a terminal may publish its own store's only, and reads the answer on its own inbox."""
        return f"{self.namespace}.ask.stock.{store}"

    @property
    def all_stock_questions(self) -> str:
        return f"{self.namespace}.ask.stock.*"

    def gap_subject(self, store: str, terminal: str) -> str:
        """Where a restored terminal asks head office for its own entries back (request/reply)."""
        return f"{self.namespace}.gap.{store}.{terminal}"

    @property
    def all_gap(self) -> str:
        return f"{self.namespace}.gap.*.*"


def message_id(store: str, terminal: str, epoch: int, seq: int) -> str:
    return f"{store}.{terminal}.{epoch}.{seq}"


@dataclass(frozen=True)
class ChainEvent:
    """One journal entry of one terminal's chain, as head office receives it."""

    store: str
    terminal: str
    epoch: int
    entry: JournalEntry
    base_seq: int = 0
    """Where this epoch's chain goes on from: an entry head office holds, with ``base_hash``, in an
    earlier epoch (0: the journal's start)."""
    base_hash: str = GENESIS_HASH

    @property
    def seq(self) -> int:
        return self.entry.seq

    def verifies(self) -> bool:
        """The entry's hash is the hash of its own content (a changed byte breaks it)."""
        return self.entry.expected_hash() == self.entry.hash


def event_body(store: str, terminal: str, epoch: int, entry: JournalEntry, base_seq: int = 0,
               base_hash: str = GENESIS_HASH) -> bytes:
    base = b'"base_hash":"%s","base_seq":%d,' % (base_hash.encode(), base_seq) if base_seq else b""
    return (
        b'{' + base + b'"epoch":%d,"hash":"%s","prev_hash":"%s","seq":%d,"store":%s,"terminal":%s,"entry":'
        % (epoch, entry.hash.encode(), entry.prev_hash.encode(), entry.seq,
           json.dumps(store).encode(), json.dumps(terminal).encode())
        + entry_to_json(entry) + b"}"
    )


class BadMessage(ValueError):
    """A message that is not a chain event at all (head office records and drops it)."""


def parse_event(body: bytes) -> ChainEvent:
    try:
        raw = json.loads(body)
        recorded = raw["entry"]
        entry = JournalEntry(recorded["seq"], recorded["event_id"], recorded["at"], recorded["day"], recorded["store"],
                             recorded["terminal"], recorded["user"], recorded["kind"], recorded["payload"],
                             tuple((account, int(amount)) for account, amount in recorded["postings"]),
                             recorded["prev_hash"], recorded["hash"])
        event = ChainEvent(str(raw["store"]), str(raw["terminal"]), int(raw["epoch"]), entry,
                           int(raw.get("base_seq", 0)), str(raw.get("base_hash", GENESIS_HASH)))
        envelope_agrees = raw["seq"] == entry.seq and raw["prev_hash"] == entry.prev_hash and raw["hash"] == entry.hash
    except (ValueError, KeyError, TypeError) as error:
        raise BadMessage(f"not a chain event: {error}") from error
    if not envelope_agrees:
        raise BadMessage(f"the envelope of {event.store}.{event.terminal} seq {entry.seq} disagrees with its entry")
    return event


@dataclass(frozen=True)
class Refusal:
    seq: int
    hash: str
    reason: str


@dataclass(frozen=True)
class Head:
    """Head office's verified chain head for one terminal's epoch, and the last entry it refused."""

    store: str
    terminal: str
    epoch: int
    seq: int
    hash: str
    refused: Refusal | None = None
    gap: str = ""
    """What head office holds of an earlier epoch that this epoch lacks, in a sentence ("": nothing)."""

    def body(self) -> bytes:
        refused: dict[str, Any] | None = None
        if self.refused is not None:
            refused = {"seq": self.refused.seq, "hash": self.refused.hash, "reason": self.refused.reason}
        fields: dict[str, Any] = {"store": self.store, "terminal": self.terminal, "epoch": self.epoch,
                                  "seq": self.seq, "hash": self.hash, "refused": refused}
        if self.gap:
            fields["gap"] = self.gap
        return canonical_json(fields).encode()


def parse_head(body: bytes) -> Head:
    raw = json.loads(body)
    refused = raw.get("refused")
    return Head(raw["store"], raw["terminal"], int(raw["epoch"]), int(raw["seq"]), raw["hash"],
                Refusal(int(refused["seq"]), refused["hash"], refused["reason"]) if refused else None,
                str(raw.get("gap", "")))


OFFICE_ALL = "all"
# The kinds of head office's events: a price (for all stores or one), an approval (for the requesting store),
# a product with what a till needs to sell it and a tax class (for all stores).
PRICE_SET = "price.set"
TRANSFER_APPROVED = "transfer.approved"
PRODUCT_ADDED = "product.added"
TAX_CLASS_SET = "tax_class.set"


@dataclass(frozen=True)
class OfficeEvent:
    """One event of head office's own chain (a price, a catalogue line), for ``target``: a store or all."""

    seq: int
    kind: str
    target: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str

    def body(self) -> bytes:
        return canonical_json({"seq": self.seq, "kind": self.kind, "target": self.target, "payload": self.payload,
                               "prev_hash": self.prev_hash, "hash": self.hash}).encode()


def office_hash(prev_hash: str, seq: int, kind: str, target: str, payload: dict[str, Any]) -> str:
    import hashlib

    text = canonical_json({"prev_hash": prev_hash, "seq": seq, "kind": kind, "target": target, "payload": payload})
    return hashlib.sha256(text.encode()).hexdigest()


def parse_office(body: bytes) -> OfficeEvent:
    try:
        raw = json.loads(body)
        event = OfficeEvent(int(raw["seq"]), str(raw["kind"]), str(raw["target"]), dict(raw["payload"]),
                            str(raw["prev_hash"]), str(raw["hash"]))
    except (ValueError, KeyError, TypeError) as error:
        raise BadMessage(f"not a head-office event: {error}") from error
    if office_hash(event.prev_hash, event.seq, event.kind, event.target, event.payload) != event.hash:
        raise BadMessage(f"head office's event {event.seq}: its hash does not match its content")
    return event


@dataclass(frozen=True)
class GapPage:
    """Head office's answer to `pos sync --pull-gap`: its head of the terminal's latest epoch and the
    entries of that epoch's chain after the seq asked for, each exactly as head office verified it."""

    epoch: int
    seq: int
    hash: str
    entries: tuple[JournalEntry, ...] = ()
    error: str = ""
    """Why head office cannot answer (an unregistered terminal); "" when it can."""

    def body(self) -> bytes:
        head = canonical_json({"epoch": self.epoch, "seq": self.seq, "hash": self.hash, "error": self.error})
        return head[:-1].encode() + b',"entries":[' + b",".join(entry_to_json(e) for e in self.entries) + b"]}"


def gap_request(after_seq: int, limit: int) -> bytes:
    return canonical_json({"after_seq": after_seq, "limit": limit}).encode()


def parse_gap_request(body: bytes) -> tuple[int, int]:
    try:
        raw = json.loads(body)
        return int(raw["after_seq"]), int(raw["limit"])
    except (ValueError, KeyError, TypeError) as error:
        raise BadMessage(f"not a gap request: {error}") from error


def parse_gap_page(body: bytes) -> GapPage:
    try:
        raw = json.loads(body)
        entries = tuple(
            JournalEntry(int(e["seq"]), str(e["event_id"]), str(e["at"]), str(e["day"]), str(e["store"]),
                         str(e["terminal"]), str(e["user"]), str(e["kind"]), str(e["payload"]),
                         tuple((str(account), int(amount)) for account, amount in e["postings"]),
                         str(e["prev_hash"]), str(e["hash"]))
            for e in raw["entries"])
        return GapPage(int(raw["epoch"]), int(raw["seq"]), str(raw["hash"]), entries, str(raw.get("error", "")))
    except (ValueError, KeyError, TypeError) as error:
        raise BadMessage(f"not head office's answer about the gap: {error}") from error
