"""Head office's cockpit (`pos hq`) under Textual's pilot, on a real PostgreSQL seeded through head
office's own services from real stores' journals: the stores page with each terminal's last sync and
alarm, stock by store with in-transit, approving a transfer, a report by store equal to `pos hq report`.
The snapshots of the stores page (both themes, 80×24 and 120×40) are at the end."""

from __future__ import annotations

import dataclasses
import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from pos_tui.config import Settings
from pos_tui.domain.money import Currency
from pos_tui.ledger.entry import canonical_json, parse_payload
from pos_tui.services.chain.wire import ChainEvent
from pos_tui.services.hq import stores, transfers
from pos_tui.services.hq.cockpit import OfficeLink, terminal_rows
from pos_tui.services.hq.ingest import ingest
from pos_tui.services.inventory import transfers as store_transfers
from pos_tui.services.session import Session, open_session
from pos_tui.tui.hq.app import HeadOfficeApp
from pos_tui.tui.theme import ThemeMemory
from tests.chain.conftest import HeadOffice, pos, sell
from tests.conftest import MILK_BARCODE, TEA_BARCODE, make_store
from tests.forgeries import journal_of
from tests.tui.conftest import wait_for

OPENED = datetime(2053, 3, 14, 4, 0, tzinfo=UTC)
NEXT_DAY = datetime(2053, 3, 15, 5, 0, tzinfo=UTC)
SYNCED = {"north": "2053-03-14 09:30:00+00", "south": "2053-03-14 09:41:00+00"}
PKR = Currency("PKR", 2, "Rs")


@dataclass
class Chain:
    """Head office as the tests seed it: three stores (north synced, south with a fork, east never
    synced), a transfer north → south shipped and one south → north waiting for approval."""

    ids: dict[str, str]
    paths: dict[str, Path]
    shipped: str
    waiting: str


def _events(store: str, path: Path) -> list[ChainEvent]:
    return [ChainEvent(store, "T1", 1, entry) for entry in journal_of(path)]


def seed(hq: HeadOffice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Chain:
    ids_from = random.Random(17)  # store ids (and so transfer ids) are the same on every run: snapshots
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=ids_from.getrandbits(128), version=4))
    paths = {name: tmp_path / f"{name}.db" for name in ("north", "south")}
    sessions: dict[str, Session] = {name: make_store(path, opened_at=OPENED) for name, path in paths.items()}
    ids = {name: session.ledger.store_info().store_id for name, session in sessions.items()}
    ids["east"] = "east-0000"
    sell(sessions["north"], f"3*{TEA_BARCODE}", 150_000)
    sessions["north"].clock = lambda: NEXT_DAY  # north trades two days: the report's chart has a trend
    sell(sessions["north"], TEA_BARCODE, 50_000)
    sell(sessions["south"], f"2*{MILK_BARCODE}", 60_000)
    shipped = store_transfers.request(sessions["north"], ids["south"], [("TEA-200", 12_000)]).transfer_id
    waiting = store_transfers.request(sessions["south"], ids["north"], [("MILK-1L", 5_000)]).transfer_id
    with psycopg.connect(hq.pg_url, autocommit=True) as conn:
        stores.add_store(conn, ids["north"], "North", ["T1"])
        stores.add_store(conn, ids["south"], "South", ["T1"])
        stores.add_store(conn, ids["east"], "East", ["T1"])
        ingest(conn, _events(ids["north"], paths["north"]))
        reference, _ = transfers.approve(conn, shipped)
        store_transfers.ship(sessions["north"], shipped, reference)
        for name in ("north", "south"):
            ingest(conn, _events(ids[name], paths[name]))
        # South's journal changed after head office took it: the same seq, another hash. A fork.
        last = journal_of(paths["south"])[-1]
        payload = parse_payload(last.payload_json)
        payload["reason"] = "changed"
        forged = dataclasses.replace(last, payload_json=canonical_json(payload))
        forged = dataclasses.replace(forged, hash=forged.expected_hash())
        assert ingest(conn, [ChainEvent(ids["south"], "T1", 1, forged)]).refused
        for name, at in SYNCED.items():  # head office's clock, fixed for the pictures
            conn.execute("UPDATE hq_heads SET moved_at = %s WHERE store = %s", (at, ids[name]))
    for session in sessions.values():
        session.close()
    return Chain(ids, paths, shipped, waiting)


def cockpit(hq: HeadOffice, tmp_path: Path, *, theme: str = "midnight", refresh_s: float = 10.0) -> HeadOfficeApp:
    memory = ThemeMemory(tmp_path / "state", key="test")
    memory.save(theme)
    return HeadOfficeApp(OfficeLink(hq.pg_url), PKR, theme_memory=memory, refresh_s=refresh_s)


def cells(pilot: Pilot[None], selector: str) -> list[list[str]]:
    table = pilot.app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def head_seq(path: Path) -> int:
    return journal_of(path)[-1].seq


async def test_the_stores_page_shows_each_terminal_with_its_last_sync_and_alarm_and_reads_again_by_itself(
        hq: HeadOffice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chain = seed(hq, tmp_path, monkeypatch)
    app = cockpit(hq, tmp_path, refresh_s=0.2)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: pilot.app.screen.query_one("#hq-terminals", DataTable).row_count == 3)
        rows = {row[0]: row for row in cells(pilot, "#hq-terminals")}
        assert rows["North"][1:] == ["T1", "2053-03-14 09:30", f"{head_seq(chain.paths['north']):,}", "", "0", "1",
                                     chain.ids["north"]]
        assert rows["South"][2] == "2053-03-14 09:41"
        assert rows["South"][4].startswith("FORK at seq ")
        assert rows["East"][2:7] == ["never", "0", "never synced", "0", "-"]
        assert "3 terminal(s) of 3 store(s), 1 with an alarm." in str(pilot.app.screen.query_one("#status").content)
        # North sells and syncs while the page is open: the timer shows the new head without a key pressed.
        north = open_session(Settings(), chain.paths["north"], username="admin")
        north.clock = lambda: NEXT_DAY
        sell(north, TEA_BARCODE, 50_000)
        north.close()
        with psycopg.connect(hq.pg_url, autocommit=True) as conn:
            ingest(conn, _events(chain.ids["north"], chain.paths["north"]))
        moved = f"{head_seq(chain.paths['north']):,}"
        await wait_for(pilot, lambda: {row[0]: row for row in cells(pilot, "#hq-terminals")}["North"][3] == moved)


async def test_stock_by_store_with_in_transit_and_a_sentence_for_an_unknown_product(
        hq: HeadOffice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chain = seed(hq, tmp_path, monkeypatch)
    async with cockpit(hq, tmp_path).run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")
        await wait_for(pilot, lambda: pilot.app.current_mode == "stock")
        find = pilot.app.screen.query_one("#hq-find", Input)
        find.value = "zzz-nothing"
        find.focus()
        await pilot.press("enter")
        status = pilot.app.screen.query_one("#status")
        await wait_for(pilot, lambda: "no store has sent head office a product matching 'zzz-nothing'"
                       in str(status.content))
        find.value = "tapal"  # part of the name, any case
        await pilot.press("enter")
        await wait_for(pilot, lambda: pilot.app.screen.query_one("#hq-stock-table", DataTable).row_count == 2)
        by_store = {row[3]: row[1] for row in cells(pilot, "#hq-stock-table")}
        assert by_store == {chain.ids["north"]: "84", chain.ids["south"]: "100"}  # 100 - 4 sold - 12 shipped
        assert str(pilot.app.screen.query_one("#tile-hq-transit").content).startswith("12\n")
        assert str(pilot.app.screen.query_one("#tile-hq-total").content).startswith("184\n")
    done = pos("hq", "stock", "TEA-200", env=hq.env())
    assert "in transit: 12" in done.stdout
    assert f"{chain.ids['north']}  TEA-200  Tapal Danedar Tea 200g  84" in done.stdout


async def test_f5_approves_the_transfer_waiting_in_postgresql(hq: HeadOffice, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    chain = seed(hq, tmp_path, monkeypatch)
    async with cockpit(hq, tmp_path).run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await wait_for(pilot, lambda: pilot.app.screen.query_one("#hq-transfers", DataTable).row_count == 2)
        first = cells(pilot, "#hq-transfers")[0]
        assert first[:2] == [chain.waiting, "requested"]  # those to approve come first
        await pilot.press("f5")
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmDialog")
        await pilot.press("enter")
        await wait_for(pilot, lambda: [chain.waiting, "approved"] in [r[:2] for r in cells(pilot, "#hq-transfers")])
        said = str(pilot.app.screen.query_one("#status").content)
    (reference,) = hq.query("SELECT approval_ref FROM hq_transfers WHERE transfer_id = %s", chain.waiting)[0]
    assert reference.startswith("AP-") and f"{chain.waiting} approved: {reference}." in said
    shown = pos("hq", "transfer", "show", chain.waiting, env=hq.env())
    assert f"approval: {reference}" in shown.stdout


async def test_a_report_for_one_store_equals_pos_hq_report_for_that_store(
        hq: HeadOffice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chain = seed(hq, tmp_path, monkeypatch)
    async with cockpit(hq, tmp_path).run_test(size=(120, 40)) as pilot:
        await pilot.press("f4")
        await wait_for(pilot, lambda: pilot.app.current_mode == "reports"
                       and getattr(pilot.app.screen, "shown", None) is not None)
        assert {row.store for row in pilot.app.screen.shown.rows} == {chain.ids["north"], chain.ids["south"]}
        select = pilot.app.screen.query_one("#hq-store", Select)
        await wait_for(pilot, lambda: len(select._options) == 4)  # all stores, north, south, east
        select.value = chain.ids["north"]
        await wait_for(pilot, lambda: pilot.app.screen.shown.stores == (chain.ids["north"],))
        on_screen = [dataclasses.asdict(row) | {"margin": row.margin} for row in pilot.app.screen.shown.rows]
        table = cells(pilot, "#report-table")
        chart = pilot.app.screen.query_one("#report-chart")
        assert chart.display and chart.spec.labels == ("2053-03-14", "2053-03-15")  # the till's trend chart
        # One day only, typed; a day that is not one gets a sentence and changes nothing.
        screen = pilot.app.screen
        screen.query_one("#hq-from", Input).value = "2053-03-15"
        screen.query_one("#hq-from", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: [r.day for r in screen.shown.rows] == ["2053-03-15"])
        screen.query_one("#hq-to", Input).value = "2053-13-01"
        screen.query_one("#hq-to", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "to '2053-13-01' is not a day" in str(screen.query_one("#status").content))
        assert [r.day for r in screen.shown.rows] == ["2053-03-15"]
    done = pos("hq", "report", "sales-by-day", "--store", chain.ids["north"], "--format", "json", env=hq.env())
    assert done.returncode == 0, done.stderr
    assert on_screen == json.loads(done.stdout) and len(on_screen) == 2
    assert table[0][:3] == ["North", "2053-03-14", "1"] and table[-1][0] == "Total"


async def test_f11_lists_the_cockpits_keys(hq: HeadOffice, tmp_path: Path) -> None:
    async with cockpit(hq, tmp_path).run_test(size=(120, 40)) as pilot:
        await pilot.press("f11")
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "HelpScreen")
        groups = dict(pilot.app.screen.groups)
        assert ("F5", "Approve") in groups["Transfers"] and ("F10", "Quit") in groups["Everywhere"]
        await pilot.press("escape")
        await pilot.press("f10")
    assert app_exited(pilot)


def app_exited(pilot: Pilot[None]) -> bool:
    return pilot.app.return_code is not None or not pilot.app.is_running


async def test_postgresql_going_away_is_a_sentence_and_the_next_refresh_connects_again(
        hq: HeadOffice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(hq, tmp_path, monkeypatch)
    async with cockpit(hq, tmp_path).run_test(size=(120, 40)) as pilot:
        status = pilot.app.screen.query_one("#status")
        await wait_for(pilot, lambda: "3 terminal(s)" in str(status.content))
        hq.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                 " AND pid <> pg_backend_pid()")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "lost head office's PostgreSQL" in str(status.content))
        assert pilot.app.screen.query_one("#hq-terminals", DataTable).row_count == 3  # what it read stays
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "3 terminal(s)" in str(status.content))


def test_entries_received_above_a_gap_are_waiting_until_it_fills(hq: HeadOffice, tmp_path: Path) -> None:
    session = make_store(tmp_path / "store.db", opened_at=OPENED)
    store = session.ledger.store_info().store_id
    session.close()
    events = _events(store, tmp_path / "store.db")
    with psycopg.connect(hq.pg_url, autocommit=True) as conn:
        stores.add_store(conn, store, "Gappy", ["T1"])
        ingest(conn, events[:3] + events[4:])  # seq 4 lost on the way
        (row,) = terminal_rows(conn)
        assert (row.state.head_seq, row.held, row.level) == (3, len(events) - 4, "warning")
        assert row.alarm == f"{len(events) - 4} waiting above a gap"
        ingest(conn, events[3:4])
        (row,) = terminal_rows(conn)
        assert (row.state.head_seq, row.held, row.alarm) == (len(events), 0, "")


def test_an_option_before_a_subcommand_is_refused_not_silently_the_cockpits() -> None:
    done = pos("hq", "--pg", "postgresql://nobody@127.0.0.1:9/nothing", "store", "list")
    assert done.returncode == 1 and "put --pg after the command" in done.stderr


def test_no_postgresql_is_a_sentence_not_a_traceback() -> None:
    done = pos("hq", "--pg", "postgresql://nobody@127.0.0.1:9/nothing")
    assert done.returncode == 1
    assert "cannot reach head office's PostgreSQL" in done.stderr and "Traceback" not in done.stderr


def test_an_office_not_initialised_is_told_to_run_pos_hq_init(pg_cluster: object) -> None:
    url = pg_cluster.create_database("cockpit_uninitialised")  # type: ignore[attr-defined]
    done = pos("hq", "--pg", url)
    assert done.returncode == 1 and "run `pos hq init`" in done.stderr and "Traceback" not in done.stderr


# --- what the stores page looks like --------------------------------------------------------------


async def show_stores(pilot: Pilot[None]) -> None:
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#hq-terminals", DataTable).row_count == 3)
    pilot.app.clear_notifications()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("theme", ["midnight", "daylight"])
def test_the_stores_page_looks(snap_compare: object, hq: HeadOffice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               theme: str, size: tuple[int, int]) -> None:
    seed(hq, tmp_path, monkeypatch)
    assert snap_compare(cockpit(hq, tmp_path, theme=theme), terminal_size=size,  # type: ignore[operator]
                        run_before=show_stores)
