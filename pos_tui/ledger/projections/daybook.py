"""The daybook's projection: each entry's postings to money and expense accounts, by business day.

The rule is the account name alone (db/0005_daybook.sql fills existing stores with the same rule in
SQL), so any area's event that moves money shows up in the daybook without being named here.
``derive`` is that rule in SQL over another store's journal (``pos db verify`` checks against it).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from pos_tui.domain.event_kinds import EVENT_KINDS
from pos_tui.domain.events import Event
from pos_tui.ledger.entry import Handler, JournalEntry

STOCK_ACCOUNT = "assets:inventory"
COST_OF_SALES_ACCOUNT = "expenses:cogs"
LOYALTY_EXPENSE_ACCOUNT = "expenses:loyalty"  # points promised at a sale: owed, not money paid out

# Drawer events that move no money but belong in the daybook as a zero line (who opened the drawer).
ZERO_LINE_KINDS: frozenset[str] = frozenset({"drawer.opened"})


def is_money_account(account: str) -> bool:
    """Cash, bank and clearing accounts: every asset but the stock on the shelves."""
    return account.startswith("assets:") and account != STOCK_ACCOUNT


def is_expense_account(account: str) -> bool:
    """Money spent on running the shop; the cost of goods sold is the stock leaving, and the loyalty
    expense a promise to customers (liabilities:loyalty), neither of them money."""
    return account.startswith("expenses:") and account not in (COST_OF_SALES_ACCOUNT, LOYALTY_EXPENSE_ACCOUNT)


# is_money_account(account) or is_expense_account(account), in SQL.
_MONEY_OR_EXPENSE = (
    f"({{account}} GLOB 'assets:*' AND {{account}} != '{STOCK_ACCOUNT}')"
    f" OR ({{account}} GLOB 'expenses:*' AND {{account}} NOT IN ('{COST_OF_SALES_ACCOUNT}',"
    f" '{LOYALTY_EXPENSE_ACCOUNT}'))"
)

_INSERT = (
    "INSERT INTO money_movements (day, seq, leg, at, kind, user, terminal, account, amount, money)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _record_movements(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    rows = [
        (e.day, e.seq, leg, e.at, e.kind, e.user, e.terminal, account, amount, int(is_money_account(account)))
        for leg, (account, amount) in enumerate(e.postings)
        if is_money_account(account) or is_expense_account(account)
    ]
    if not rows and e.kind in ZERO_LINE_KINDS:
        rows.append((e.day, e.seq, 0, e.at, e.kind, e.user, e.terminal, "", 0, 1))
    conn.executemany(_INSERT, rows)


def _moves_money(cls: type[Event]) -> bool:
    return cls.postings is not Event.postings


HANDLERS: dict[str, Handler] = {
    kind: _record_movements for kind, cls in EVENT_KINDS.items() if _moves_money(cls) or kind in ZERO_LINE_KINDS
}
TABLES = {"money_movements": "day, seq, leg"}


_DERIVE_STATEMENTS = (
    f"""INSERT INTO main.money_movements (day, seq, leg, at, kind, user, terminal, account, amount, money)
    SELECT j.day, j.seq, p.leg, j.at, j.kind, j.user, j.terminal, p.account, p.amount, p.account GLOB 'assets:*'
    FROM {{s}}.journal j JOIN {{s}}.postings p ON p.seq = j.seq
    WHERE j.seq <= :through AND ({_MONEY_OR_EXPENSE.format(account="p.account")})""",
    f"""INSERT INTO main.money_movements (day, seq, leg, at, kind, user, terminal, account, amount, money)
    SELECT j.day, j.seq, 0, j.at, j.kind, j.user, j.terminal, '', 0, 1
    FROM {{s}}.journal j
    WHERE j.kind IN ({", ".join(f"'{kind}'" for kind in sorted(ZERO_LINE_KINDS))}) AND j.seq <= :through
      AND NOT EXISTS (SELECT 1 FROM {{s}}.postings p WHERE p.seq = j.seq
                      AND ({_MONEY_OR_EXPENSE.format(account="p.account")}))""",
)


def derive(conn: sqlite3.Connection, source: str, through_seq: int) -> None:
    """Fill ``conn``'s (empty) money_movements with the rows ``_record_movements`` writes for the
    entries up to ``through_seq`` of the store attached as ``source``."""
    for statement in _DERIVE_STATEMENTS:
        conn.execute(statement.format(s=source), {"through": through_seq})
