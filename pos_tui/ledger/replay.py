"""Replay: recorded journal entries into a database, through the same ``apply`` as live sales.

Used by ``pos db rebuild`` and ``pos db verify`` (replay into a scratch file and compare), and by
point-in-time restore (append a segment's entries onto a restored snapshot).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from itertools import islice, takewhile
from pathlib import Path

from pos_tui.ledger.chain_check import ChainBroken, entry_problem, read_only_uri
from pos_tui.ledger.database import GENESIS_HASH, Ledger, create_ledger, open_ledger
from pos_tui.ledger.entry import JournalEntry
from pos_tui.ledger.journal import entries_after, insert_recorded_many
from pos_tui.ledger.projections import DERIVATIONS, Handlers, apply_many
from pos_tui.ledger.projections.catalogue import products_added_from_journal
from pos_tui.ledger.projections.inventory import STOCK_TOTAL_TRIGGERS
from pos_tui.ledger.projections.item_totals import TRIGGERS as ITEM_TOTAL_TRIGGERS

__all__ = [
    "ChainBroken", "apply_recorded", "checked", "derive_projections", "import_entries", "open_scratch", "rebuild",
    "reopen_scratch", "replay_all", "replay_projections",
]


def checked(entries: Iterable[JournalEntry], after_seq: int, after_hash: str) -> Iterator[JournalEntry]:
    """Pass entries through, refusing the first one that breaks the chain, its hash or its balance."""
    prev_seq, prev_hash = after_seq, after_hash
    for entry in entries:
        problem = entry_problem(entry, prev_seq, prev_hash)
        if problem is not None:
            raise ChainBroken(entry.seq, problem)
        prev_seq, prev_hash = entry.seq, entry.hash
        yield entry


def import_entries(ledger: Ledger, entries: Iterable[JournalEntry]) -> int:
    """Append recorded entries onto this ledger's head and apply them, all in one transaction."""
    with ledger.write():
        head = ledger.head()
        stream = checked(entries, head.seq, head.hash)
        count = apply_recorded(ledger, stream)
    ledger.forget_store_info()
    return count


def apply_recorded(
    ledger: Ledger, entries: Iterable[JournalEntry], *, batch: int = 5_000, journal: bool = True
) -> int:
    """Write recorded entries into the journal and apply each to the projections, in order.

    Entries go in ``batch`` at a time: their postings, then their journal rows, then the projections
    (which never read the journal), so the result is the same as writing and applying one by one.
    ``journal=False`` applies them to the projections only (verify's scratch copy: the entries were
    checked on the way in and the live journal already holds them under the same constraints).
    """
    conn = ledger.conn
    iterator = iter(entries)
    total = 0
    while chunk := list(islice(iterator, batch)):
        if journal:
            insert_recorded_many(ledger.conn, chunk)
        total += apply_many(conn, chunk)
    return total


SCRATCH_CACHE_KIB = 256 * 1024
# Indexes only reports and screens read: replay never looks rows up through them and the comparison
# with the live tables goes by primary key, so a scratch copy does without them. (barcodes_product
# stays: product.changed deletes a product's barcodes through it.)
SCRATCH_UNUSED_INDEXES = ("products_category", "products_vendor", "products_group", "stock_movements_product",
                          "sales_day", "returns_day", "returns_sale", "journal_day", "journal_kind",
                          "postings_account", "stock_none", "report_product_totals_net",
                          "report_product_totals_quantity", "report_product_totals_margin")


def open_scratch(path: Path) -> Ledger:
    """A throwaway store database for replay: no fsyncs, no WAL, a big page cache (a million-product
    catalogue keeps its indexes in memory), no search index and no report indexes to keep up to date."""
    scratch = create_ledger(path)
    conn = scratch.conn
    conn.execute("DROP TRIGGER products_search_insert")
    conn.execute("DROP TRIGGER products_search_update")
    # The stock totals follow every stock move by trigger in a live store; a scratch replay fills
    # them once at the end (``fill_stock_totals``), which is cheaper and checks the triggers' work.
    for trigger in STOCK_TOTAL_TRIGGERS:
        conn.execute(f"DROP TRIGGER {trigger}")
    # Likewise every product's sales since the first day (db/0017): derived once after the day rows.
    for trigger in ITEM_TOTAL_TRIGGERS:
        conn.execute(f"DROP TRIGGER {trigger}")
    for index in SCRATCH_UNUSED_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {index}")
    _scratch_settings(conn)
    return scratch


def reopen_scratch(path: Path) -> Ledger:
    """A scratch store ``open_scratch`` made and closed, opened again (by a worker process)."""
    scratch = open_ledger(path)
    _scratch_settings(scratch.conn)
    return scratch


def _scratch_settings(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute(f"PRAGMA cache_size = -{SCRATCH_CACHE_KIB}")
    if not _foreign_keys_act(conn):
        # Here foreign keys only refuse rows, and the live store refused any such row when it was
        # recorded (by the same handlers): checking every replayed row again is a tenth of the inserts.
        conn.execute("PRAGMA foreign_keys = OFF")


def _foreign_keys_act(conn: sqlite3.Connection) -> bool:
    """Whether any foreign key changes rows (ON DELETE/UPDATE CASCADE, SET NULL...) rather than only refusing."""
    tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return any(
        on_update != "NO ACTION" or on_delete != "NO ACTION"
        for table in tables
        for _, _, _, _, _, on_update, on_delete, _ in conn.execute("SELECT * FROM pragma_foreign_key_list(?)", (table,))
    )


def replay_all(
    entries: Iterable[JournalEntry], target: Ledger, *, batch: int = 50_000, journal: bool = True, check: bool = True
) -> int:
    """Replay entries into an empty ledger, committing every ``batch`` entries (``journal=False``:
    into its projections only, see ``apply_recorded``; ``check=False``: the caller checks the chain
    apart, as verify does beside the replay)."""
    iterator = iter(checked(entries, 0, GENESIS_HASH) if check else entries)
    total = 0
    while True:
        chunk = list(islice(iterator, batch))
        if not chunk:
            break
        with target.write():
            total += apply_recorded(target, chunk, journal=journal)
        target.forget_store_info()
    return total


def replay_projections(source: Ledger, target: Ledger, handlers: Handlers, *, through_seq: int | None = None,
                       batch: int = 50_000, after_seq: int = 0) -> int:
    """Verify's replay: the entries of ``source``'s journal (after ``after_seq``, up to ``through_seq``,
    by default its head) into ``target``'s projections only, in order, through ``handlers`` (some
    areas' handlers). ``after_seq`` > 0: ``target`` already holds the replay up to that seq (a
    checkpoint, see ``verify``).

    The chain is checked apart (``chain_check``). Runs of product.added entries (a catalogue is most
    of a journal) go in straight from ``source``'s journal file, attached to ``target`` for the time;
    every other entry goes through its handlers, ``batch`` at a time.
    """
    head = source.head().seq if through_seq is None else through_seq
    conn = target.conn
    conn.execute("ATTACH DATABASE ? AS source", (read_only_uri(source.path),))

    def products_between(first: int, last: int) -> int:
        if handlers["product.added"]:
            return products_added_from_journal(conn, "source", first, last)
        counted: int = conn.execute(
            "SELECT COUNT(*) FROM source.journal WHERE kind = 'product.added' AND seq BETWEEN ? AND ?", (first, last)
        ).fetchone()[0]
        return counted

    try:
        total = 0
        done = after_seq
        pending: list[JournalEntry] = []
        for entry in takewhile(lambda e: e.seq <= head, entries_after(source, after_seq, except_kind="product.added")):
            if entry.seq > done + 1 or len(pending) >= batch:
                with target.write():
                    total += apply_many(conn, pending, handlers)
                    total += products_between(done + 1, entry.seq - 1)
                pending = []
            pending.append(entry)
            done = entry.seq
        with target.write():
            total += apply_many(conn, pending, handlers)
            total += products_between(done + 1, head)
        target.forget_store_info()
    finally:
        conn.execute("DETACH DATABASE source")
    return total


def derive_projections(source_path: Path, target_path: Path, through_seq: int) -> None:
    """Fill the derived areas' tables of the scratch store at ``target_path`` (``open_scratch``'s,
    closed) in SQL, from the journal and checked tables of the store at ``source_path`` up to
    ``through_seq`` (verify runs it in a worker process beside its replay)."""
    conn = sqlite3.connect(target_path, isolation_level=None)
    try:
        _scratch_settings(conn)
        conn.execute("ATTACH DATABASE ? AS source", (read_only_uri(source_path),))
        conn.execute("BEGIN")
        for derive in DERIVATIONS:
            derive(conn, "source", through_seq)
        conn.execute("COMMIT")
    finally:
        conn.close()


def rebuild(source: Ledger, target_path: Path) -> Ledger:
    """A fresh store database at ``target_path`` built only from ``source``'s journal."""
    target = create_ledger(target_path)
    replay_all(entries_after(source, 0), target)
    return target
