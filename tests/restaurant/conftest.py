"""A restaurant store: the sample shop's file with a menu, two waiters and a supervisor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_tui.services.session import Session
from pos_tui.services.staff import users
from tests.conftest import assert_verifies, make_store
from tests.support.restaurant import add_menu, restaurant_settings


def make_restaurant(path: Path, spool: Path, **printers: str) -> Session:
    session = make_store(path, restaurant_settings(spool, **printers))
    add_menu(session)
    users.add_user(session, "asma", "1234", role="cashier")
    users.add_user(session, "bilal", "1234", role="cashier")
    users.add_user(session, "sara", "234567", role="supervisor")
    return session


@pytest.fixture
def restaurant(tmp_path: Path) -> Iterator[Session]:
    """Waiter asma's session on a restaurant without printers; verified when the test ends."""
    admin = make_restaurant(tmp_path / "store.db", tmp_path / "spool")
    session = admin.as_user("asma")
    yield session
    admin.close()
    assert_verifies(tmp_path / "store.db")
