"""The restaurant's reports: sales by table, waiter, course and category, covers and the average per
cover, tips; and a Z with tables still open names them and needs a decision."""

from __future__ import annotations

import pytest

from pos_tui.domain.permissions import Action
from pos_tui.domain.tender import Tender
from pos_tui.ledger.journal import business_day
from pos_tui.services.cash import day_reports
from pos_tui.services.reports import registry
from pos_tui.services.reports.model import ReportQuery
from pos_tui.services.reports.printed import day_report_document
from pos_tui.services.restaurant import bills, floor, kitchen, orders, reports
from pos_tui.services.restaurant.floor import TablesStillOpen
from pos_tui.services.session import Session
from pos_tui.services.staff import authz


def today(session: Session) -> str:
    info = session.ledger.store_info()
    return business_day(session.clock(), info.timezone, info.day_starts_at_hour)


def test_sales_by_table_waiter_course_and_category_with_covers(restaurant: Session) -> None:
    bilal = restaurant.as_user("bilal")
    floor.open_table(restaurant, 1, covers=2)
    orders.add_line(restaurant, 1, "SOUP")
    orders.add_line(restaurant, 1, "KHEER", course=2)
    bills.pay(restaurant, 1, [Tender("cash", 80000)], tip=5000)
    floor.open_table(bilal, 2, covers=3)
    orders.add_line(bilal, 2, "PZ-L")
    orders.add_line(bilal, 2, "COLA")
    bills.split_equally(bilal, 2, 2)
    for _ in range(2):
        bills.pay(bilal, 2, [Tender("card", bills.bill(bilal, 2).due_now)])
    report = reports.floor_report(restaurant, today(restaurant), today(restaurant))
    assert [(r.key, r.bills, r.amount) for r in report.by_table] == [("1", 1, 80000), ("2", 2, 155000)]
    assert [(r.key, r.amount) for r in report.by_waiter] == [("bilal", 155000), ("asma", 80000)]
    assert [(r.key, r.amount) for r in report.by_course] == [("1", 200000), ("2", 35000)]
    assert {r.key: r.amount for r in report.by_category} == {"Pizza": 140000, "Starters": 45000, "Desserts": 35000,
                                                             "Drinks": 15000}
    assert (report.covers, report.total, report.per_cover, report.tips) == (5, 235000, 47000, 5000)


def test_a_z_with_tables_open_names_them_and_needs_a_decision(restaurant: Session) -> None:
    supervisor = restaurant.as_user("sara")
    floor.open_table(restaurant, 3, covers=2)
    orders.add_line(restaurant, 3, "SOUP")
    with pytest.raises(TablesStillOpen, match=r"1 table is still open: table 3 \(2 covers, asma\)") as refused:
        day_reports.z_report(supervisor)
    assert "force the Z" in refused.value.hint
    closed = day_reports.z_report(supervisor, force=True)
    printed = day_report_document(supervisor, closed.report)
    [section] = [s for s in printed.sections if s.heading == "Tables still open"]
    assert section.rows == (("Table 3", "2 covers, asma"),)


def test_the_floor_reports_in_the_registry_agree_with_the_floor_report(restaurant: Session) -> None:
    """F4 and `pos report restaurant-...` show the same figures as `pos table report`, with per cover
    and each course's share; the ticket log names the VOID."""
    floor.open_table(restaurant, 1, covers=2)
    soup = orders.add_line(restaurant, 1, "SOUP")
    orders.add_line(restaurant, 1, "KHEER", course=2)
    kitchen.fire(restaurant, 1, 2)
    approval = authz.approve(restaurant, "sara", "234567", Action.VOID_LINE, "cold")
    orders.void_line(restaurant, 1, soup.line_no, reason="cold", approval=approval)
    bills.pay(restaurant, 1, [Tender("cash", 35000)], tip=1000)
    floor.open_table(restaurant, 2, covers=3)
    orders.add_line(restaurant, 2, "PZ-L")
    bills.pay(restaurant, 2, [Tender("card", 140000)])
    day = today(restaurant)
    query = ReportQuery(day, day)
    by_table = registry.run_report(restaurant, "restaurant-by-table", query)
    assert [row[:5] for row in by_table.rows] == [("1", 1, 2, 35000, 17500), ("2", 1, 3, 140000, 46666)]
    assert by_table.totals == (None, 2, 5, 175000, 35000, 1000)
    assert [(h.label, h.value) for h in by_table.highlights] == [("Covers", 5), ("Per cover", 35000), ("Tips", 1000)]
    covers = registry.run_report(restaurant, "restaurant-covers", query)
    assert covers.rows == ((day, 2, 5, 175000, 35000, 1000),)
    by_course = registry.run_report(restaurant, "restaurant-by-course", query)
    assert by_course.rows == (("1", 1, 140000, 8000), ("2", 1, 35000, 2000))
    assert registry.run_report(restaurant, "restaurant-by-waiter", query).rows[0][:4] == ("asma", 2, 5, 175000)
    assert {row[0] for row in registry.run_report(restaurant, "restaurant-by-category", query).rows} == {
        "Pizza", "Desserts"}
    log = registry.run_report(restaurant, "kitchen-tickets", query)
    assert [(row[2], row[5], row[6]) for row in log.rows] == [("kitchen", "send", "1 x Lentil Soup, 1 x Kheer"),
                                                              ("kitchen", "VOID", "1 x Lentil Soup")]
    assert registry.run_report(restaurant, "kitchen-tickets", ReportQuery("2000-01-01", "2000-01-02")).rows == ()
