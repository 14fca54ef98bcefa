"""The till's device line says where `pos sync` stands: synced and how many entries wait, or a fork."""

from __future__ import annotations

from pathlib import Path

from pos_tui.services.chain import outbox
from pos_tui.services.chain.wire import Head
from pos_tui.tui.widgets.device_line import DeviceLine
from tests.conftest import make_store
from tests.tui.conftest import log_in, make_app, wait_for


async def test_the_device_line_shows_head_office_synced_then_the_fork_in_red(tmp_path: Path) -> None:
    session = make_store(tmp_path / "store.db")
    ledger = session.ledger
    state = outbox.sync_state(ledger, "T1")
    assert state is not None
    head = ledger.head()
    outbox.record_head(ledger, Head(state.store, "T1", 1, head.seq, head.hash))
    app = make_app(session, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        line = lambda: str(app.screen.query_one(DeviceLine).content)  # noqa: E731
        await wait_for(pilot, lambda: "Head office: synced" in line() and "· 0 waiting" in line())
        outbox.raise_fork(ledger, head.seq, "a test")
        app.check_chain()
        await wait_for(pilot, lambda: f"Head office: FORK at seq {head.seq}" in line())
        assert "-error" in app.screen.query_one(DeviceLine).classes
    session.close()


async def test_a_till_outside_any_chain_says_nothing_about_head_office(tmp_path: Path) -> None:
    session = make_store(tmp_path / "store.db")
    app = make_app(session, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await wait_for(pilot, lambda: "No printer" in str(app.screen.query_one(DeviceLine).content))
        assert "Head office" not in str(app.screen.query_one(DeviceLine).content)
    session.close()
