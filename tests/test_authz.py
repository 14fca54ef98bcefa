"""Who may do what: the role matrix from built-ins and config, and supervisor approvals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pos_tui.config import Settings, load_settings
from pos_tui.domain.errors import ConfigError, InvalidInput
from pos_tui.domain.permissions import Action, Approval, PermissionRequired
from pos_tui.services.session import Session
from pos_tui.services.staff import authz, users
from pos_tui.services.staff.credentials import AccessDenied

from .conftest import assert_verifies, make_store


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2053, 3, 1, 9, 0, tzinfo=UTC)  # after the store opened: the journal's time moves forward

    def __call__(self) -> datetime:
        return self.now


def staffed(store: Session) -> None:
    users.add_user(store, "ayesha", "1111", role="cashier")
    users.add_user(store, "bilal", "222222", role="supervisor")
    users.add_user(store, "sana", "333333", role="manager")


def kinds(store: Session) -> list[str]:
    return [kind for (kind,) in store.ledger.conn.execute("SELECT kind FROM journal ORDER BY seq")]


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pos.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_built_in_roles_grow_from_cashier_to_admin() -> None:
    settings = Settings()
    cashier = authz.role_actions(settings, "cashier")
    supervisor = authz.role_actions(settings, "supervisor")
    assert Action.VOID_SALE not in cashier and Action.VOID_SALE in supervisor
    assert cashier < supervisor < authz.role_actions(settings, "manager") < authz.role_actions(settings, "admin")
    assert authz.role_actions(settings, "admin") == frozenset(Action)


def test_config_adds_a_trainee_role_and_takes_returns_away_from_cashiers(tmp_path: Path) -> None:
    settings = load_settings(write_config(tmp_path, """
[staff.roles.trainee]
extends = "cashier"
without = ["return_with_receipt", "shift_close"]

[staff.roles.cashier]
actions = ["no_sale"]
discount_limit_bp = 500

[staff.roles.stock_clerk]
actions = ["stock_receive", "stock_adjust"]
"""))
    assert authz.known_roles(settings) == ("cashier", "supervisor", "manager", "admin", "trainee", "stock_clerk")
    trainee = authz.role_actions(settings, "trainee")
    assert Action.RETURN_WITH_RECEIPT not in trainee and Action.SHIFT_OPEN in trainee
    assert Action.NO_SALE in authz.role_actions(settings, "cashier")
    assert authz.role_actions(settings, "stock_clerk") == {Action.STOCK_RECEIVE, Action.STOCK_ADJUST}


def test_an_unknown_action_in_config_is_named_with_its_key_and_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[staff.roles.trainee]\nextends = "cashier"\nactions = ["fly_to_moon"]\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "staff.roles.trainee.actions.0 (line 3)" in str(caught.value)


def test_a_role_extending_an_unknown_role_is_named_with_its_key_and_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[staff]\npin_attempts = 3\n\n[staff.roles.trainee]\nextends = "boss"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "staff.roles.trainee.extends (line 5)" in str(caught.value)


def test_a_role_nobody_defined_is_a_config_error_and_its_users_may_do_nothing(store: Session) -> None:
    with pytest.raises(ConfigError, match="trainee"):
        authz.role_actions(store.settings, "trainee")
    with pytest.raises(InvalidInput, match="not a role"):
        users.add_user(store, "zara", "1234", role="trainee")
    assert not authz.can(store.as_user("system"), Action.REPORTS), "a name that is no user may do nothing"


def test_cashier_needs_a_supervisor_who_approves_with_pin_and_reason(store: Session) -> None:
    staffed(store)
    till = store.as_user("ayesha")
    assert authz.require(store.as_user("bilal"), Action.VOID_SALE) == ()
    with pytest.raises(PermissionRequired) as caught:
        authz.require(till, Action.VOID_SALE)
    assert caught.value.action == Action.VOID_SALE and "ayesha may not void a sale" in str(caught.value)
    approval = authz.approve(till, "bilal", "222222", Action.VOID_SALE, "customer changed mind")
    assert approval == Approval("void_sale", "bilal", "customer changed mind")
    assert authz.require(till, Action.VOID_SALE, approval) == (approval,)
    with pytest.raises(PermissionRequired):
        authz.require(till, Action.STOCK_ADJUST, approval)  # an approval covers its own action only


def test_a_supervisor_lacking_the_permission_cannot_approve_and_the_attempt_is_journalled(store: Session) -> None:
    staffed(store)
    till = store.as_user("ayesha")
    with pytest.raises(authz.ApprovalRefusedError, match="bilal may not adjust stock either"):
        authz.approve(till, "bilal", "222222", Action.STOCK_ADJUST, "broken jar")
    assert kinds(store)[-1] == "approval.refused"
    with pytest.raises(authz.ApprovalRefusedError, match="cannot approve what they asked for"):
        authz.approve(store.as_user("bilal"), "bilal", "222222", Action.VOID_SALE, "mine")


def test_a_wrong_supervisor_pin_is_refused_without_saying_which_part_and_counted(store: Session) -> None:
    staffed(store)
    till = store.as_user("ayesha")
    with pytest.raises(AccessDenied, match="Wrong user name or PIN"):
        authz.approve(till, "bilal", "9999", Action.VOID_SALE, "oops")
    with pytest.raises(AccessDenied, match="Wrong user name or PIN"):
        authz.approve(till, "nobody", "222222", Action.VOID_SALE, "oops")
    failed = store.ledger.conn.execute(
        "SELECT json_extract(payload, '$.username'), json_extract(payload, '$.purpose') FROM journal"
        " WHERE kind = 'user.login_failed' ORDER BY seq"
    ).fetchall()
    assert failed == [("bilal", "approval"), ("nobody", "approval")]
    with pytest.raises(InvalidInput, match="reason"):
        authz.approve(till, "bilal", "222222", Action.VOID_SALE, "  ")


def test_a_hand_made_or_stale_approval_is_refused(store_path: Path) -> None:
    clock = Clock()
    admin = make_store(store_path)
    staffed(admin)
    till = Session(admin.ledger, admin.settings, "ayesha", clock=clock)
    with pytest.raises(PermissionRequired):
        authz.require(till, Action.VOID_SALE, Approval("void_sale", "bilal", "no PIN was typed"))
    approval = authz.approve(till, "bilal", "222222", Action.VOID_SALE, "wrong item")
    clock.now += authz.APPROVAL_VALID_FOR + timedelta(seconds=1)
    with pytest.raises(PermissionRequired):
        authz.require(till, Action.VOID_SALE, approval)
    admin.close()
    assert_verifies(store_path)


def test_discount_limits_come_from_the_role(tmp_path: Path) -> None:
    settings = load_settings(write_config(tmp_path, "[staff]\ndiscount_limit_bp = 1500\n"
                                                    "[staff.roles.senior]\nextends = \"cashier\"\n"
                                                    "discount_limit_bp = 2000\n"))
    store = make_store(tmp_path / "store.db", settings)
    staffed(store)
    users.add_user(store, "omar", "444444", role="senior")
    assert authz.discount_limit_bp(store.as_user("ayesha")) == 1500
    assert authz.discount_limit_bp(store.as_user("omar")) == 2000
    assert authz.discount_limit_bp(store.as_user("bilal")) == 10_000
    assert authz.discount_limit_bp(Session(store.ledger, Settings(), "ayesha")) == 1000
    store.close()
    assert_verifies(tmp_path / "store.db")


def test_every_action_reads_as_words_in_a_refusal() -> None:
    from pos_tui.domain.permissions import PermissionRequired, doing

    assert {action: doing(action) for action in Action}  # every action has its words
    assert str(PermissionRequired(Action.PAID_OUT, "cara")).startswith("cara may not pay cash out.")
