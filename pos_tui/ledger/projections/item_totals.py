"""Every product's sales since the first day, and their totals: the report summaries added up once.

Tables (db/0017_item_totals.sql): ``report_product_totals`` (a row per product that ever sold or came
back: the day summaries' measures over every day held) and ``report_item_totals`` (one row: their
sums, the products counted, those with units sold and their units). No handler writes them: triggers
on ``report_product_days`` keep them in the statement that writes the day row, in the sale's (or
return's) own transaction, so an item report over a store's whole history reads a page off an index
and its totals off one row, and never a stale figure.

``derive`` fills them once from the derived day summaries (the reports area's ``derive`` runs first,
in ``AREAS`` order) with the migration's own SQL; verify's scratch store leaves the triggers out. That
is a second implementation the live, trigger-kept rows must equal, so a hand edit of either is named.
"""

from __future__ import annotations

import sqlite3
from functools import cache

from pos_tui.ledger.database import _split_sql, migrations_dir
from pos_tui.ledger.entry import Handler

HANDLERS: dict[str, Handler] = {}

TABLES: dict[str, str] = {
    "report_product_totals": "product_id",
    "report_item_totals": "id",
}
TRIGGERS = ("item_totals_day_insert", "item_totals_day_update", "item_totals_day_delete", "item_totals_insert",
            "item_totals_update")


@cache
def _fill() -> tuple[str, ...]:
    script = (migrations_dir() / "0017_item_totals.sql").read_text(encoding="utf-8")
    return tuple(_split_sql(script[script.index("-- Filling them"):]))


def fill_item_totals(conn: sqlite3.Connection) -> None:
    """The tables computed at once from ``conn``'s product summaries, with the migration's SQL."""
    for table in TABLES:
        conn.execute(f"DELETE FROM main.{table}")
    for statement in _fill():
        conn.execute(statement)


def derive(conn: sqlite3.Connection, source: str, through_seq: int) -> None:
    """Fill ``conn``'s tables from the product summaries just derived into it (up to ``through_seq``
    of ``source``: the reports area's ``derive``, which runs before this one)."""
    fill_item_totals(conn)
