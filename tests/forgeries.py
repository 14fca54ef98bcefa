"""Forgeries of a store, built the way someone who can write the file would build them.

Each takes the store at ``path`` and leaves a forged store in its place that passes every check the
journal can make of itself: hashes recomputed with the public recipe (``journal.entry_hash``), the
forged journal replayed into a fresh file with the product's own replay (``replay.replay_all``,
what `pos db rebuild` does), so that projections equal a replay, then swapped in for the live file.
Nothing here knows about witnesses: a change to the journal that lets one of these pass
`pos db verify` with a witness that postdates the forged seq is a regression.

The forgeries (issue 15's table):

- ``append_forged_sale``: the store put back as it was at an earlier seq (a copy kept from then) and
  a forged sale appended onto it with the product's own ``journal.append`` (projections applied).
- ``cut_tail``: the last entries removed, projections rebuilt.
- ``change_past_entry``: an entry's payload changed and every later hash recomputed; the Z that
  certified the old head left as it was.
- ``change_past_entry(repoint_z=True)``: the same, with each later Z's payload re-pointed to the new
  head hash and re-hashed.
- ``back_date_entry``: one entry re-dated to 2020 between 2026 entries, every later hash recomputed.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from pos_tui.config import Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import GENESIS_HASH, create_ledger, open_ledger
from pos_tui.ledger.entry import JournalEntry, canonical_json, parse_payload
from pos_tui.ledger.journal import entries_after
from pos_tui.ledger.replay import replay_all
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import open_session

Z_KIND = "day.closed"


def journal_of(path: Path) -> list[JournalEntry]:
    ledger = open_ledger(path, read_only=True)
    try:
        return list(entries_after(ledger, 0))
    finally:
        ledger.close()


def rechained(entries: list[JournalEntry]) -> list[JournalEntry]:
    """The entries numbered 1..n and chained again with the public recipe, as an attacker recomputes them."""
    out: list[JournalEntry] = []
    prev_hash = GENESIS_HASH
    for seq, entry in enumerate(entries, start=1):
        linked = dataclasses.replace(entry, seq=seq, prev_hash=prev_hash, hash="")
        linked = dataclasses.replace(linked, hash=linked.expected_hash())
        out.append(linked)
        prev_hash = linked.hash
    return out


def replace_store(path: Path, entries: list[JournalEntry]) -> None:
    """A fresh store replayed from ``entries`` with the product's own replay, moved over the live file."""
    forged = path.with_name(path.name + ".forged")
    target = create_ledger(forged)
    try:
        replay_all(entries, target)
    finally:
        target.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(forged, path)


def _with_payload(entry: JournalEntry, change: Callable[[dict[str, object]], None]) -> JournalEntry:
    payload = parse_payload(entry.payload_json)
    change(payload)
    return dataclasses.replace(entry, payload_json=canonical_json(payload))


def append_forged_sale(path: Path, earlier_copy: Path, settings: Settings, barcode: str) -> int:
    """Put back the copy of the store taken at an earlier seq and append a forged sale onto it with the
    product's own append (journal entry and projections); returns the forged sale's seq."""
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(earlier_copy, path)
    session = open_session(settings, path, username="admin")
    try:
        cart = Cart().add(products.resolve_scan(session, barcode))
        sales.complete_sale(session, cart, [Tender("card", cart_total(cart))])
        return session.ledger.head().seq
    finally:
        session.close()


def cart_total(cart: Cart) -> int:
    return sum(line.quantity * line.unit_price // 1000 for line in cart.lines)


def copy_store(path: Path, to: Path) -> Path:
    """A consistent copy of the store as it is now (what an attacker keeps for later)."""
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(to)) as target:
        source.backup(target)
    return to


def cut_tail(path: Path, keep_through: int) -> None:
    """The entries after ``keep_through`` removed; projections rebuilt from what is left."""
    replace_store(path, [entry for entry in journal_of(path) if entry.seq <= keep_through])


def change_past_entry(path: Path, seq: int, change: Callable[[dict[str, object]], None], *,
                      repoint_z: bool = False) -> None:
    """Entry ``seq``'s payload changed and every later hash recomputed. With ``repoint_z`` each later
    Z's payload is pointed at the new hash of the head it covered (and re-hashed with the rest), so
    the store's own Z reports agree with the forged journal."""
    entries = [_with_payload(e, change) if e.seq == seq else e for e in journal_of(path)]
    forged = rechained(entries)
    if repoint_z:
        for index, entry in enumerate(forged):
            if entry.kind == Z_KIND and entry.seq > seq:
                head_seq = int(parse_payload(entry.payload_json)["head_seq"])
                new_head = forged[head_seq - 1].hash if head_seq else GENESIS_HASH
                forged[index] = _with_payload(entry, lambda p, h=new_head: p.__setitem__("head_hash", h))
                forged = rechained(forged)
    replace_store(path, forged)


def back_date_entry(path: Path, seq: int, at: str = "2020-01-15T10:00:00.000000Z") -> None:
    """Entry ``seq`` re-dated (its time and business day), every later hash recomputed."""
    entries = [dataclasses.replace(e, at=at, day=at[:10]) if e.seq == seq else e for e in journal_of(path)]
    replace_store(path, rechained(entries))
