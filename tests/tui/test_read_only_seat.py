"""A read-only seat (a manager over SSH) cannot record wrong PINs in the journal, so it cannot lock a
user out: it closes after five wrong PINs in a row instead, and says why."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from pos_tui.services.session import Session, open_session
from tests.tui.conftest import ADMIN, make_app, wait_for


async def try_pin(pilot: Pilot[None], pin: str) -> None:
    screen = pilot.app.screen
    # The login slows down after a few misses: wait until it takes a try again (the seat's own pace).
    await wait_for(pilot, lambda: time.monotonic() >= screen.locked_until.get(ADMIN, 0.0),  # type: ignore[attr-defined]
                   timeout=40)
    screen.query_one("#user", Input).value = ADMIN
    pin_field = screen.query_one("#pin", Input)
    pin_field.value = pin
    pin_field.focus()
    before = screen.seat_failures  # type: ignore[attr-defined]
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.seat_failures > before or pilot.app.return_code is not None,  # type: ignore[attr-defined]
                   timeout=10)


async def test_a_read_only_seat_closes_after_five_wrong_pins_in_a_row_and_says_so(
    shop: Session, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    seat = open_session(shop.settings, shop.ledger.path, read_only=True)
    app = make_app(seat, tmp_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(4):
                await try_pin(pilot, "0000")
            assert app.return_code is None  # four misses: the seat is still open
            assert "Wrong user name or PIN." in str(app.screen.query_one("#login-message", Static).content)
            await try_pin(pilot, "0000")
            await wait_for(pilot, lambda: app.return_code is not None)
        assert app.return_code == 1
        said = " ".join(capfd.readouterr().err.split())
        assert "5 wrong PINs in a row: this read-only seat closes" in said
    finally:
        seat.close()
    journal = shop.ledger.conn.execute("SELECT COUNT(*) FROM journal WHERE kind = 'user.login_failed'").fetchone()[0]
    assert journal == 0  # nothing written from the read-only seat
