"""The restaurant's reports over a range of business days: sales by table, by waiter, by course and by
category, covers and the average per cover, tips. They read the floor's own tables (what each paying
sale took for each order line), so a bill split in equal parts counts each share where it was paid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pos_tui.services.session import Session


@dataclass(frozen=True)
class Row:
    key: str
    bills: int  # paying sales
    amount: int
    covers: int = 0  # guests of the orders these bills closed (by table, waiter and day only)
    tips: int = 0  # by table, waiter and day only


@dataclass(frozen=True)
class FloorReport:
    first_day: str
    last_day: str
    by_table: tuple[Row, ...]
    by_waiter: tuple[Row, ...]
    by_course: tuple[Row, ...]
    by_category: tuple[Row, ...]
    by_day: tuple[Row, ...]
    covers: int
    total: int
    tips: int

    @property
    def per_cover(self) -> int:
        """Average sales per guest, in minor units (rounded down); 0 without covers."""
        return self.total // self.covers if self.covers else 0


_BILLS = ("FROM restaurant_bills b JOIN journal j ON j.seq = b.sale_seq WHERE j.day BETWEEN ? AND ?")


def floor_report(session: Session, first_day: str, last_day: str) -> FloorReport:
    conn = session.ledger.conn
    days = (first_day, last_day)

    def rows(sql: str) -> tuple[Row, ...]:
        return tuple(Row(str(key), *figures) for key, *figures in conn.execute(sql, days))

    bill_figures = "COUNT(*), SUM(b.total), SUM(b.covers), SUM(b.tip)"
    by_table = rows(f"SELECT b.table_no, {bill_figures} {_BILLS} GROUP BY b.table_no ORDER BY b.table_no")
    by_waiter = rows(f"SELECT b.waiter, {bill_figures} {_BILLS} GROUP BY b.waiter ORDER BY SUM(b.total) DESC")
    by_day = rows(f"SELECT j.day, {bill_figures} {_BILLS} GROUP BY j.day ORDER BY j.day")
    line_sql = ("SELECT {key}, COUNT(DISTINCT l.sale_seq), SUM(l.gross) FROM restaurant_bill_lines l"
                " JOIN journal j ON j.seq = l.sale_seq WHERE j.day BETWEEN ? AND ? GROUP BY {key} ORDER BY {order}")
    by_course = rows(line_sql.format(key="l.course", order="l.course"))
    by_category = rows(line_sql.format(key="l.category", order="SUM(l.gross) DESC"))
    covers, total, tips = conn.execute(
        f"SELECT COALESCE(SUM(b.covers), 0), COALESCE(SUM(b.total), 0), COALESCE(SUM(b.tip), 0) {_BILLS}",
        days).fetchone()
    return FloorReport(first_day, last_day, by_table, by_waiter, by_course, by_category, by_day, covers, total,
                       tips)
