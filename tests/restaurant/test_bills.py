"""Bills: a pre-bill, paying whole, by seat, by line and in equal parts, tips, and the table freed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.domain.bill_parts import covered, part_totals, share
from pos_tui.domain.errors import InvalidInput, RuleViolation
from pos_tui.domain.tender import Tender
from pos_tui.services.restaurant import bills, floor, orders
from pos_tui.services.session import Session


def journal_length(session: Session) -> int:
    return int(session.ledger.conn.execute("SELECT COUNT(*) FROM journal").fetchone()[0])


def account(session: Session, name: str) -> int:
    return int(session.ledger.conn.execute("SELECT COALESCE(SUM(amount), 0) FROM postings WHERE account = ?",
                                           (name,)).fetchone()[0])


def test_prebill_then_paying_whole_with_a_tip_frees_the_table(restaurant: Session) -> None:
    floor.open_table(restaurant, 4, covers=2)
    orders.add_line(restaurant, 4, "PZ-L", modifiers=["extra cheese"])
    orders.add_line(restaurant, 4, "COLA", quantity=2000)
    shown = bills.prebill(restaurant, 4)
    assert shown.total == 155000 + 30000
    assert {t.table: t.status for t in floor.floor_plan(restaurant)}[4] == "billing"
    paid = bills.pay(restaurant, 4, [Tender("card", 185000)], tip=10000)
    assert paid.closed and paid.total == 185000
    assert floor.order_on(restaurant, 4) is None
    assert account(restaurant, "liabilities:tips") == -10000
    sale = restaurant.ledger.conn.execute("SELECT total, item_count FROM sales WHERE seq = ?", (paid.seq,)).fetchone()
    assert sale == (185000, 3)
    name = restaurant.ledger.conn.execute(
        "SELECT name FROM sale_lines WHERE sale_seq = ? AND line_no = 1", (paid.seq,)).fetchone()[0]
    assert name == "Pizza (Large) +extra cheese"


def test_a_line_added_while_billing_takes_the_table_back_to_occupied(restaurant: Session) -> None:
    floor.open_table(restaurant, 4, covers=2)
    orders.add_line(restaurant, 4, "SOUP")
    bills.prebill(restaurant, 4)
    orders.add_line(restaurant, 4, "COLA")
    assert {t.table: t.status for t in floor.floor_plan(restaurant)}[4] == "occupied"


def test_paying_by_seat_and_by_line_leaves_the_rest_open(restaurant: Session) -> None:
    floor.open_table(restaurant, 6, covers=3)
    orders.add_line(restaurant, 6, "SOUP", seat=1)
    orders.add_line(restaurant, 6, "COLA", seat=1)
    lassi = orders.add_line(restaurant, 6, "LASSI", seat=2)
    pizza = orders.add_line(restaurant, 6, "PZ-S", seat=3)
    first = bills.pay(restaurant, 6, [Tender("cash", 60000)], seat=1)
    assert first.total == 60000 and not first.closed
    second = bills.pay(restaurant, 6, [Tender("cash", 30000)], lines=[lassi.line_no])
    assert second.change == 5000 and not second.closed
    assert [ln.line_no for ln in bills.bill(restaurant, 6).lines] == [pizza.line_no]
    last = bills.pay(restaurant, 6, [Tender("card", 80000)])
    assert last.closed and floor.order_on(restaurant, 6) is None


def test_equal_parts_add_up_to_the_paisa_and_the_last_part_frees_the_table(restaurant: Session) -> None:
    floor.open_table(restaurant, 9, covers=3)
    orders.add_line(restaurant, 9, "PZ-L")
    orders.add_line(restaurant, 9, "COLA")
    split = bills.split_equally(restaurant, 9, 3)  # 155000 / 3 = 51666.67
    assert split.parts_left == (51667, 51667, 51666)
    totals = []
    for part in range(3):
        due = bills.bill(restaurant, 9).due_now
        with pytest.raises(RuleViolation, match="more than the total"):
            bills.pay(restaurant, 9, [Tender("card", due + 1)])
        paid = bills.pay(restaurant, 9, [Tender("card", due)])
        totals.append(paid.total)
        assert paid.closed == (part == 2)
    assert totals == [51667, 51667, 51666]
    assert floor.order_on(restaurant, 9) is None
    quantities = restaurant.ledger.conn.execute(
        "SELECT sku, SUM(quantity) FROM sale_lines GROUP BY sku ORDER BY sku").fetchall()
    assert quantities == [("COLA", 1000), ("PZ-L", 1000)]


def test_splitting_into_zero_parts_or_paying_a_seat_of_a_split_bill_is_refused(restaurant: Session) -> None:
    floor.open_table(restaurant, 9, covers=2)
    orders.add_line(restaurant, 9, "SOUP", seat=1)
    before = journal_length(restaurant)
    with pytest.raises(InvalidInput, match="not 0"):
        bills.split_equally(restaurant, 9, 0)
    assert journal_length(restaurant) == before
    bills.split_equally(restaurant, 9, 2)
    before = journal_length(restaurant)
    with pytest.raises(RuleViolation, match="Pay part 1"):
        bills.pay(restaurant, 9, [Tender("cash", 45000)], seat=1)
    with pytest.raises(RuleViolation, match="split into 2 parts"):
        orders.add_line(restaurant, 9, "COLA")
    assert journal_length(restaurant) == before


@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=8), st.integers(1, 12))
def test_equal_parts_share_every_line_exactly(grosses: list[int], parts: int) -> None:
    totals = part_totals(sum(grosses), parts)
    assert sum(totals) == sum(grosses) and max(totals) - min(totals) <= 1
    for n, gross in enumerate(grosses):
        spans = [covered(grosses, parts, k)[n] for k in range(1, parts + 1)]
        assert sum(s[1] - s[0] for s in spans) == (gross if gross else 1)
        assert sum(share(gross * 7 // 100, gross, s) for s in spans) == gross * 7 // 100
        assert sum(share(1000, gross, s) for s in spans) == 1000
