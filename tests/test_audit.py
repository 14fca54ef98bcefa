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
from pos_tui.services import authz, catalog, daybook, sales, users
from pos_tui.services.audit import audit_events
from pos_tui.services.credentials import AccessDenied
from pos_tui.services.session import Session, open_session
from tests.backup.till_setup import set_up_till

from .conftest import RICE, TEA, TEA_BARCODE, assert_verifies


def a_day_at_the_till(session: Session) -> None:
    users.add_user(session, "ayesha", "1111")
    users.add_user(session, "bilal", "222222", role="supervisor")
    till = session.as_user("ayesha")
    users.login(till, "ayesha", "1111")
    with pytest.raises(AccessDenied):
        users.login(till, "bilal", "0000")
    sale = sales.complete_sale(till, Cart().add(catalog.resolve_scan(till, TEA_BARCODE)), [Tender("cash", 50_000)])
    # A plain sale is not sensitive; a void is, and it names the supervisor who approved it.
    approval = authz.approve(till, "bilal", "222222", Action.VOID_SALE, "customer walked out")
    sales.void_sale(till, sale.reference, reason="walked out", approval=approval)
    catalog.change_price(session, TEA, 46_000, "supplier price up")
    catalog.adjust_stock(session, RICE, -500, "spilled")


def test_the_audit_lists_logins_failures_voids_with_approver_price_changes_and_adjustments(tmp_path: Path) -> None:
    till = set_up_till(tmp_path)
    session = till.session()
    a_day_at_the_till(session)
    today = daybook.today(session)
    events = audit_events(session, today, today)
    summary = [(e.user, e.subject, e.kind) for e in events]
    assert summary == [
        ("admin", "", "user.added"), ("admin", "ayesha", "user.added"), ("admin", "bilal", "user.added"),
        ("ayesha", "", "user.logged_in"), ("ayesha", "bilal", "user.login_failed"),
        ("ayesha", "", "sale.returned"), ("admin", "", "price.changed"), ("admin", "", "stock.adjusted"),
    ]
    void = events[5]
    assert void.what.startswith("void of T1-000001") and void.what.endswith("walked out")
    assert [(a.approver, a.reason) for a in void.approvals] == [("bilal", "customer walked out")]
    assert events[4].what == "wrong PIN at login"
    assert [e.kind for e in audit_events(session, today, today, user="bilal")] == [
        "user.added", "user.login_failed", "sale.returned"]
    assert [e.kind for e in audit_events(session, today, today, kinds=["price.changed"])] == ["price.changed"]
    assert audit_events(session, "2001-01-01", "2001-01-31") == []
    session.close()
    assert_verifies(till.db)


def test_snapshots_and_restores_show_from_the_disk(tmp_path: Path) -> None:
    till = set_up_till(tmp_path)
    assert till.run("create").exit_code == 0
    assert till.run("restore", str(till.snapshots()[0]), "--identity", str(till.keys.identity)).exit_code == 0
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
