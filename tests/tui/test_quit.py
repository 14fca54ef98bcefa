"""Quitting with a cart on the counter (issue 14, item 8): Ctrl+Q asks (park / discard / stay); a
discard is journalled as an abandoned cart with its lines, which the audit shows; a hang-up of the
terminal (SIGHUP) parks the cart, so the basket survives."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable

from pos_tui.ledger.database import open_ledger
from pos_tui.services.selling import parking
from pos_tui.services.session import Session
from pos_tui.tui.dialogs.quit import QuitDialog
from tests.conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store
from tests.support.tools import require_tool
from tests.tui.conftest import log_in, make_app, scan, wait_for
from tests.tui.test_terminal_smoke import POS, Pane


def parked_in(db: Path) -> int:
    ledger = open_ledger(db, read_only=True)
    try:
        found: int = ledger.conn.execute("SELECT COUNT(*) FROM parked_carts").fetchone()[0]
    finally:
        ledger.close()
    return found


def abandoned(session: Session) -> list[tuple[str, dict[str, object]]]:
    rows = session.ledger.conn.execute("SELECT user, payload FROM journal WHERE kind = 'cart.abandoned'")
    return [(user, json.loads(payload)) for user, payload in rows]


async def test_quit_with_an_empty_cart_leaves_at_once(shop: Session, tmp_path: Path) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running)


async def test_quit_with_a_cart_asks_and_staying_keeps_the_cart_then_parking_keeps_the_basket(
    shop: Session, tmp_path: Path
) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, f"2*{TEA_BARCODE}")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitDialog))
        assert "1 line (Rs 900.00), not paid for" in app.screen.question  # type: ignore[attr-defined]
        await pilot.press("escape")  # stay
        await wait_for(pilot, lambda: not isinstance(app.screen, QuitDialog))
        assert app.is_running and len(app.screen.cart.lines) == 1  # type: ignore[attr-defined]
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitDialog))
        await pilot.press("p")
        await wait_for(pilot, lambda: not app.is_running)
    parked = parking.list_parked(shop)
    assert [(p.username, p.line_count) for p in parked] == [("admin", 1)]
    assert abandoned(shop) == []


async def test_a_discarded_cart_is_journalled_with_its_lines_and_the_audit_shows_it(
    shop: Session, tmp_path: Path
) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, TEA_BARCODE)
        await scan(pilot, MILK_BARCODE)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitDialog))
        await pilot.press("d")
        await wait_for(pilot, lambda: not app.is_running)
    [(user, payload)] = abandoned(shop)
    lines = payload["cart"]["lines"]  # type: ignore[index]
    assert user == "admin" and payload["why"] == "quit" and payload["total"] == 45_000 + 28_000
    assert [(line["sku"], line["quantity"]) for line in lines] == [("TEA-200", 1000), ("MILK-1L", 1000)]
    assert parking.list_parked(shop) == []

    # The till's audit screen lists it...
    again = make_app(shop, tmp_path)
    async with again.run_test(size=(160, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: again.current_mode == "audit"
                       and again.screen.query_one("#audit-events", DataTable).row_count > 0)
        table = again.screen.query_one("#audit-events", DataTable)
        rows = [" ".join(str(cell) for cell in table.get_row_at(n)) for n in range(table.row_count)]
        assert any("cart.abandoned" in row and "Rs 730.00" in row for row in rows), rows
    # ...and so does `pos audit`.
    done = subprocess.run([str(POS), "audit", "--db", str(shop.ledger.path), "--kind", "cart.abandoned"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "cart of Rs 730.00 thrown away unsold at quit: Tapal Danedar Tea 200g × 1, Olpers Milk 1L × 1" \
        in done.stdout


async def test_a_locked_till_quits_only_by_parking_the_cart_left_on_the_counter(
    shop: Session, tmp_path: Path
) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, TEA_BARCODE)
        await pilot.press("f10")
        await wait_for(pilot, lambda: app.current_mode == "login")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitDialog))
        await pilot.press("d")  # nobody is logged in to answer for a thrown-away cart
        assert app.is_running and isinstance(app.screen, QuitDialog)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.is_running)
    assert [p.username for p in parking.list_parked(shop)] == ["admin"] and abandoned(shop) == []


@pytest.fixture
def hang_ups_caught() -> Iterator[None]:
    """Until the app handles SIGHUP itself, a stray one must not end the test run."""
    before = signal.signal(signal.SIGHUP, lambda *_: None)
    yield
    signal.signal(signal.SIGHUP, before)


async def test_a_hang_up_parks_the_cart_and_ends_the_till(
    shop: Session, tmp_path: Path, hang_ups_caught: None
) -> None:
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, f"3*{TEA_BARCODE}")
        os.kill(os.getpid(), signal.SIGHUP)
        await wait_for(pilot, lambda: not app.is_running)
    parked = parking.list_parked(shop)
    assert [(p.username, p.line_count) for p in parked] == [("admin", 1)]
    assert parking.resume_cart(shop, parked[0].cart_id).lines[0].quantity == 3000


def until(pane: Pane, seen: Callable[[str], bool], timeout: float = 10.0, *, styled: bool = False) -> str:
    """Wait for the pane to show what ``seen`` looks for; ``styled``: with its colour escapes."""
    deadline = time.monotonic() + timeout
    while not seen(screen := pane.tmux("capture-pane", "-p", *(["-e"] if styled else []), "-t", pane.name)):
        assert time.monotonic() < deadline, f"the pane never showed what was awaited:\n{screen}"
        time.sleep(0.05)
    return screen


def test_closing_the_terminal_window_parks_the_cart(tmp_path: Path) -> None:
    """A real terminal: tmux kills the session, and the till gets the hang-up a closed window sends."""
    db = tmp_path / "store.db"
    make_store(db).close()
    require_tool("tmux")
    pane = Pane(f"pos-hangup-{uuid.uuid4().hex[:8]}")
    pane.tmux("new-session", "-d", "-s", pane.name, "-x", "120", "-y", "40", "-e", f"XDG_STATE_HOME={tmp_path}",
              f"{POS} --db {db}")
    try:
        pane.wait_for("PIN", timeout=15)
        pane.keys("admin", "Enter")
        # The PIN field has the focus when its placeholder shows the cursor (on its first letter, so
        # "PIN" is drawn in one colour run only once: the label's), at least while the cursor blinks on.
        until(pane, lambda screen: "admin" in screen and screen.count("mPIN") == 1, styled=True)
        pane.keys("4")
        pane.keys("56789", "Enter")
        pane.wait_for("Scan or type")
        pane.keys(TEA_BARCODE, "Enter")
        pane.wait_for("Tapal Danedar Tea")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", pane.name], capture_output=True)
    deadline = time.monotonic() + 30
    while not parked_in(db):  # the till parks as it goes: wait for the row, not for a time
        assert time.monotonic() < deadline, "no cart was parked"
        time.sleep(0.1)
    while till_running(db):  # and then it ends: no till is left running with nobody at it
        assert time.monotonic() < deadline, "the till was still running after its terminal went away"
        time.sleep(0.1)
    assert not any("Traceback" in screen for screen in pane.seen)
    assert_verifies(db)


def till_running(db: Path) -> bool:
    """Whether a process still runs `pos` on this store (its command line names the file)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:  # it ended while we looked
            continue
        if str(db).encode() in words and any(word.endswith(b"pos") for word in words):
            return True
    return False
