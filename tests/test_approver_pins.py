"""A role that approves needs a PIN of 6 digits or more: the read-only group can copy the store, whose
journal holds every PIN's scrypt hash, and try PINs offline. A shorter PIN of such a role (set before
the rule, or before a promotion) is refused at use, so one guessed from an old copy approves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_tui.config import Settings
from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.permissions import Action
from pos_tui.services.session import Session
from pos_tui.services.staff import authz, users
from pos_tui.services.staff.credentials import AccessDenied
from pos_tui.services.store import init_store


def test_a_supervisor_or_manager_is_refused_a_four_digit_pin_and_takes_six(store: Session) -> None:
    for role in ("supervisor", "manager", "admin"):
        with pytest.raises(InvalidInput, match=f"An? {role}'s PIN has at least 6 digits"):
            users.add_user(store, f"short_{role}", "2580", role=role)
    users.add_user(store, "bilal", "258025", role="supervisor")
    with pytest.raises(InvalidInput, match="at least 6 digits"):
        users.set_pin(store, "bilal", "25802")
    users.add_user(store, "ayesha", "1111", role="cashier")  # a cashier approves nothing: 4 digits will do
    assert [u.username for u in users.list_users(store)] == ["admin", "ayesha", "bilal"]


def test_a_cashier_promoted_with_a_short_pin_neither_logs_in_nor_approves_until_given_a_longer_one(
    store: Session,
) -> None:
    users.add_user(store, "ayesha", "1111", role="cashier")
    users.add_user(store, "cara", "2222", role="cashier")
    users.change_role(store, "ayesha", "supervisor")
    with pytest.raises(AccessDenied, match="ayesha's PIN is shorter than the 6 digits a supervisor needs"):
        users.login(store, "ayesha", "1111")
    till = store.as_user("cara")
    with pytest.raises(AccessDenied, match="pos user set-pin ayesha"):
        authz.approve(till, "ayesha", "1111", Action.VOID_SALE, "rang up twice")
    users.set_pin(store, "ayesha", "111111")
    assert users.login(store, "ayesha", "111111").role == "supervisor"
    assert authz.approve(till, "ayesha", "111111", Action.VOID_SALE, "rang up twice").approver == "ayesha"


def test_a_role_that_only_looks_keeps_a_short_pin(tmp_path: Path) -> None:
    settings = Settings.model_validate({"staff": {"roles": {"viewer": {"extends": "cashier", "actions": ["reports"]}}}})
    session = init_store(settings, tmp_path / "store.db", admin="admin", admin_pin="456789")
    try:
        users.add_user(session, "vera", "1357", role="viewer")
        assert users.login(session, "vera", "1357").role == "viewer"
    finally:
        session.close()


def test_a_store_is_not_created_with_a_short_admin_pin(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="admin's PIN has at least 6 digits"):
        init_store(Settings(), tmp_path / "store.db", admin="admin", admin_pin="4567")
    assert not (tmp_path / "store.db").exists()
