"""Projections of gift cards: each card, whether it is blocked, and every move of its balance.

A card's moves come from the sale that sold, reloaded or was paid with it and from the return that
refunded onto it; the balance is the sum of ``delta`` over its moves, never a stored figure.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from pos_tui.ledger.entry import Handler, JournalEntry

_SIGN = {"sold": 1, "reloaded": 1, "refunded": 1, "redeemed": -1}


def _moves(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    for n, move in enumerate(p.get("gift_cards", ())):
        if move["kind"] == "sold":
            conn.execute("INSERT INTO gift_cards (number, currency, sold_seq) VALUES (?, ?, ?)",
                         (move["number"], move["currency"], e.seq))
        conn.execute(
            "INSERT INTO gift_card_moves (seq, n, number, kind, amount, delta) VALUES (?, ?, ?, ?, ?, ?)",
            (e.seq, n, move["number"], move["kind"], move["amount"], _SIGN[move["kind"]] * move["amount"]),
        )


def _blocked(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE gift_cards SET blocked = 1, blocked_seq = ? WHERE number = ?", (e.seq, p["number"]))


def _unblocked(conn: sqlite3.Connection, e: JournalEntry, p: dict[str, Any]) -> None:
    conn.execute("UPDATE gift_cards SET blocked = 0, blocked_seq = NULL WHERE number = ?", (p["number"],))


HANDLERS: dict[str, Handler] = {
    "sale.completed": _moves,
    "sale.returned": _moves,
    "giftcard.blocked": _blocked,
    "giftcard.unblocked": _unblocked,
}

TABLES: dict[str, str] = {
    "gift_cards": "number",
    "gift_card_moves": "seq, n",
}
