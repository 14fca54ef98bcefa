"""The audit: who did what sensitive thing, who approved it and why; logins, failures, backups, restores."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pos_tui.cli.main import app
from pos_tui.config import load_settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.permissions import Action
from pos_tui.domain.tender import Tender
from pos_tui.services.cash import daybook
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session, open_session
from pos_tui.services.staff import authz, users
from pos_tui.services.staff.audit import audit_events
from pos_tui.services.staff.credentials import AccessDenied
from tests.backup.till_setup import set_up_till

from .conftest import RICE, TEA, TEA_BARCODE, assert_verifies


def a_day_at_the_till(session: Session) -> None:
    users.add_user(session, "ayesha", "1111")
    users.add_user(session, "bilal", "222222", role="supervisor")
    till = session.as_user("ayesha")
    users.login(till, "ayesha", "1111")
    with pytest.raises(AccessDenied):
        users.login(till, "bilal", "0000")
    sale = sales.complete_sale(till, Cart().add(products.resolve_scan(till, TEA_BARCODE)), [Tender("cash", 50_000)])
    # A plain sale is not sensitive; a void is, and it names the supervisor who approved it.
    approval = authz.approve(till, "bilal", "222222", Action.VOID_SALE, "customer walked out")
    sales.void_sale(till, sale.reference, reason="walked out", approval=approval)
    products.change_price(session, TEA, 46_000, "supplier price up")
    products.adjust_stock(session, RICE, -500, "spilled")


def test_the_audit_lists_logins_failures_voids_with_approver_price_changes_and_adjustments(tmp_path: Path) -> None:
    till = set_up_till(tmp_path)
    session = till.session()
    a_day_at_the_till(session)
    today = daybook.today(session)
    events = audit_events(session, today, today)
    summary = [(e.user, e.subject, e.kind) for e in events]
    assert summary == [
        ("admin", "", "user.added"), ("admin", "ayesha", "user.added"), ("admin", "bilal", "user.added"),
        ("ayesha", "", "user.logged_in"), ("bilal", "", "user.login_failed"),
        ("ayesha", "", "sale.returned"), ("admin", "", "price.changed"), ("admin", "", "stock.adjusted"),
    ]
    void = events[5]
    assert void.what.startswith("void of T1-000001") and void.what.endswith("walked out")
    assert [(a.approver, a.reason) for a in void.approvals] == [("bilal", "customer walked out")]
    assert events[4].what == "wrong PIN for bilal at login"
    assert [e.kind for e in audit_events(session, today, today, user="bilal")] == [
        "user.added", "user.login_failed", "sale.returned"]
    assert [e.kind for e in audit_events(session, today, today, kinds=["price.changed"])] == ["price.changed"]
    assert audit_events(session, "2001-01-01", "2001-01-31") == []
    session.close()
    assert_verifies(till.db)


def test_snapshots_and_restores_show_from_the_disk(tmp_path: Path) -> None:
    till = set_up_till(tmp_path)
    assert till.run("create").exit_code == 0
    assert till.run("restore", str(till.snapshots()[0]), "--identity", str(till.keys.identity), "--yes").exit_code == 0
    session = open_session(load_settings(till.config), till.db, read_only=True)
    today = daybook.today(session)
    kinds = [e.kind for e in audit_events(session, today, today)]
    session.close()
    # The restore snapshots the database it is about to replace when backups are configured.
    assert kinds.count("backup.snapshot") >= 1 and kinds.count("backup.restored") == 1


def test_pos_audit_prints_csv_for_a_period_and_a_user(tmp_path: Path) -> None:
    till = set_up_till(tmp_path)
    session = till.session()
    a_day_at_the_till(session)
    today = daybook.today(session)
    session.close()
    result = CliRunner().invoke(app, ["audit", "--from", today, "--to", today, "--user", "bilal", "--format", "csv",
                                      "--config", str(till.config)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["kind"] for row in rows] == ["user.added", "user.login_failed", "sale.returned"]
    assert rows[2]["approvals"] == "bilal approved void_sale: customer walked out"
    table = CliRunner().invoke(app, ["audit", "--config", str(till.config)])
    assert table.exit_code == 0 and "approved by bilal: customer walked out" in table.output
    bad = CliRunner().invoke(app, ["audit", "--from", "yesterday-ish", "--config", str(till.config)])
    assert bad.exit_code == 1 and "is not a date" in bad.output


def test_a_wrong_pin_typed_for_a_manager_at_a_till_the_cashier_locked_is_the_managers(tmp_path: Path) -> None:
    till = set_up_till(tmp_path)
    session = till.session()
    users.add_user(session, "ayesha", "1111")
    users.add_user(session, "omar", "333333", role="manager")
    seat = session.as_user("ayesha")  # the cashier locked the till; the seat still holds her session
    with pytest.raises(AccessDenied):
        users.login(seat, "omar", "0000")
    users.login(seat, "omar", "333333")
    approval_seat = session.as_user("ayesha")
    with pytest.raises(AccessDenied):  # at an approval the cashier asked: hers, about omar
        authz.approve(approval_seat, "omar", "9999", Action.VOID_SALE, "walked out")
    today = daybook.today(session)
    logins = [(e.user, e.subject, e.kind, e.what) for e in audit_events(session, today, today)
              if e.kind.startswith("user.log")]
    assert logins == [("omar", "", "user.login_failed", "wrong PIN for omar at login"),
                      ("omar", "", "user.logged_in", "omar logged in"),
                      ("ayesha", "omar", "user.login_failed", "wrong PIN for omar at approval")]
    session.close()
    table = CliRunner().invoke(app, ["audit", "--config", str(till.config)])
    assert table.exit_code == 0, table.output
    line = next(text for text in table.output.splitlines() if "wrong PIN for omar at login" in text)
    assert "omar" in line.split("user.login_failed")[0] and "ayesha" not in line


def test_pos_audit_shows_money_as_money(tmp_path: Path) -> None:
    from pos_tui.services.cash import moves, shifts

    till = set_up_till(tmp_path)
    session = till.session()
    shifts.open_shift(session, float_amount=200_000)
    moves.paid_out(session, 150_000, "supplies", "shelf brackets")
    shifts.close_shift(session, counted=40_000)
    session.close()
    result = CliRunner().invoke(app, ["audit", "--config", str(till.config)])
    assert result.exit_code == 0, result.output
    assert "Rs 1,500.00 supplies: shelf brackets" in result.output
    assert "counted Rs 400.00 of Rs 500.00, short Rs 100.00" in result.output
    for raw in ("150000", "40000", "50000", "-10000"):
        assert raw not in result.output
