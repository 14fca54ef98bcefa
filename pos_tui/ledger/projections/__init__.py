"""Projections: one ``apply`` per event kind turns a journal entry into table rows.

Services call ``apply`` (through ``journal.append``) in the same transaction as the append;
``replay`` calls the same functions on an empty database. Anything computed here must depend only
on the entry and on earlier projections, so that replay reproduces every row exactly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from pos_tui.ledger.entry import Handler, JournalEntry
from pos_tui.ledger.projections import (
    api,
    cash,
    catalogue,
    chain,
    core,
    customers,
    daybook,
    giftcards,
    inventory,
    item_totals,
    reports,
    restaurant,
    staff,
    transfers,
)

Derive = Callable[[sqlite3.Connection, str, int], None]


class Check(Enum):
    """How ``pos db verify`` checks an area's tables (see ``ledger/verify.py``)."""

    REPLAY = "replay"  # replayed through its handlers by verify's own process
    REPLAY_BESIDE = "replay beside"  # replayed through its handlers by a worker process at the same time
    DERIVE = "derive"  # derived in SQL from the journal and the replayed areas' tables (``Area.derive``)


@dataclass(frozen=True)
class Area:
    """Projection tables and the handlers that write them, kind by kind.

    ``check`` says how verify checks the tables. Areas replayed by the same process may read each
    other's tables; an area replayed beside must read none of the others'. ``derive``, for an area
    whose tables only add up what others hold (the daybook's postings, the reports' sums of sales),
    fills the same rows in SQL from another store: ``derive(conn, source_schema, through_seq)``.
    Its handlers may read only the tables of areas replayed by verify's own process (``Check.REPLAY``):
    ``pos db verify --since-witness`` runs them in that replay, from a checkpoint's rows on.
    """

    handlers: dict[str, Handler]
    tables: dict[str, str]
    check: Check = Check.REPLAY
    derive: Derive | None = None


# Each area keeps its handlers and tables in a module of its own; a kind may have handlers in several
# areas (a sale is rows in the catalogue, the core and the summaries), which run in the order of AREAS.
AREAS: tuple[Area, ...] = (
    # Most of a big journal's replay (the catalogue, deliveries): verify's own process replays it...
    Area(catalogue.HANDLERS, catalogue.TABLES),
    # The stock room's orders and counts (its stock moves in the catalogue's tables, just above).
    Area(inventory.HANDLERS, inventory.TABLES),
    # ...while a worker replays the receipts, the people and the drawers.
    Area(core.HANDLERS, core.TABLES, Check.REPLAY_BESIDE),
    Area(cash.HANDLERS, cash.TABLES, Check.REPLAY_BESIDE),
    Area(daybook.HANDLERS, daybook.TABLES, Check.DERIVE, daybook.derive),
    Area(staff.HANDLERS, staff.TABLES, Check.REPLAY_BESIDE),
    Area(reports.HANDLERS, reports.TABLES, Check.DERIVE, reports.derive),
    # Every product's sales since the first day, kept by triggers on the day summaries: derived from
    # those just derived above, so it comes after them.
    Area(item_totals.HANDLERS, item_totals.TABLES, Check.DERIVE, item_totals.derive),
    Area(api.HANDLERS, api.TABLES, Check.REPLAY_BESIDE),
    # Gift cards: their moves ride in sales and returns; they read no other area's tables.
    Area(giftcards.HANDLERS, giftcards.TABLES, Check.REPLAY_BESIDE),
    # Customers' visits and balances (their personal fields are outside the journal).
    Area(customers.HANDLERS, customers.TABLES, Check.REPLAY_BESIDE),
    # The restaurant's floor: its rows follow from table.* entries alone.
    Area(restaurant.HANDLERS, restaurant.TABLES, Check.REPLAY_BESIDE),
    # Transfers between stores: their state and lines (their stock moves in the catalogue's tables).
    Area(transfers.HANDLERS, transfers.TABLES, Check.REPLAY_BESIDE),
    # The chain's epochs and head office's prices (which write products: replayed with the catalogue);
    # the sync state itself is outside the journal.
    Area(chain.HANDLERS, chain.TABLES),
)


Handlers = dict[str, tuple[Handler, ...]]


def handlers_of(areas: Iterable[Area]) -> Handlers:
    """Each kind's handlers in the given areas, in the order of ``AREAS`` (every known kind is present,
    with no handlers if none of these areas follows it)."""
    handlers: Handlers = {kind: () for area in AREAS for kind in area.handlers}
    for area in areas:
        for kind, handler in area.handlers.items():
            handlers[kind] = (*handlers[kind], handler)
    return handlers


def checked_by(check: Check) -> tuple[Area, ...]:
    return tuple(area for area in AREAS if area.check is check)


HANDLERS = handlers_of(AREAS)


PROJECTION_TABLES: dict[str, str] = {table: key for area in AREAS for table, key in area.tables.items()}


CHECK_OF_TABLE: dict[str, Check] = {table: area.check for area in AREAS for table in area.tables}


DERIVATIONS: tuple[Derive, ...] = tuple(area.derive for area in checked_by(Check.DERIVE) if area.derive is not None)


def apply(conn: sqlite3.Connection, entry: JournalEntry, handlers: Handlers = HANDLERS) -> None:
    kind_handlers = handlers.get(entry.kind)
    if kind_handlers is None:
        raise ValueError(f"journal entry {entry.seq} has an unknown kind {entry.kind!r}")
    for handler in kind_handlers:
        handler(conn, entry, entry.payload)


def apply_many(conn: sqlite3.Connection, entries: Iterable[JournalEntry], handlers: Handlers = HANDLERS) -> int:
    """Apply entries in order (through ``handlers``, all areas' by default); runs of product.added go
    in as one bulk insert."""
    if handlers["product.added"] not in ((catalogue.product_added,), ()):
        raise RuntimeError("product.added has handlers outside the catalogue; teach apply_many's bulk run about them")
    count = 0
    run: list[JournalEntry] = []
    for entry in entries:
        count += 1
        if entry.kind == "product.added":
            if handlers["product.added"]:
                run.append(entry)
            continue
        if run:
            catalogue.products_added(conn, run)
            run = []
        apply(conn, entry, handlers)
    if run:
        catalogue.products_added(conn, run)
    return count
