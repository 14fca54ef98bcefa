"""A store asks head office what the other stores hold of a product (`pos transfer stock`, the warehouse's
product page), over NATS request/reply answered by `pos hq serve`; on real PostgreSQL, NATS and processes.
When head office cannot answer, the till says so in a sentence and stays usable."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from pos_tui.config import ChainSettings, Settings
from pos_tui.services.chain import elsewhere
from pos_tui.services.inventory import transfers
from pos_tui.services.session import Session
from pos_tui.tui.screens.product_detail import ProductDetailScreen
from tests.chain.conftest import HeadOffice, pos, sell
from tests.conftest import TEA_BARCODE, assert_verifies, make_store
from tests.tui.conftest import log_in, make_app, wait_for

# Generous: a loaded two-core box may take its time to answer; the default (1.5 s) is the till's.
PATIENT = 30_000


def _in_chain(url: str, namespace: str, timeout_ms: int = PATIENT) -> Settings:
    return Settings(chain=ChainSettings(url=url, namespace=namespace, ask_timeout_ms=timeout_ms))


def _store_id(session: Session) -> str:
    return session.ledger.store_info().store_id


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _two_stores_and_a_transfer_on_the_road(hq: HeadOffice, tmp_path: Path) -> tuple[Session, Session]:
    """A sold 3 teas; B sold 2 and shipped 5 to A, which has not received them: B holds 93, 5 in transit."""
    a = make_store(tmp_path / "a.db", _in_chain(hq.nats_url, hq.namespace))
    b = make_store(tmp_path / "b.db")
    hq.add_store(a)
    hq.add_store(b)
    hq.serve()
    sell(a, f"3*{TEA_BARCODE}", 150_000)
    sell(b, f"2*{TEA_BARCODE}", 100_000)
    made = transfers.request(b, _store_id(a), [("TEA-200", 5_000)])
    assert hq.sync(tmp_path / "b.db").returncode == 0
    approved = pos("hq", "transfer", "approve", made.transfer_id, env=hq.env())
    assert approved.returncode == 0, approved.stderr
    transfers.ship(b, made.transfer_id, approved.stdout.strip())
    for db in ("a.db", "b.db"):
        done = hq.sync(tmp_path / db)
        assert done.returncode == 0, done.stderr
    return a, b


async def _open_tea(pilot: Pilot[None]) -> None:
    await log_in(pilot)
    await pilot.press("f2")
    await wait_for(pilot, lambda: bool(getattr(pilot.app.screen, "products", None)))
    pilot.app.screen.query_one("#products", DataTable).focus()
    await pilot.press("enter")  # the first row: the tea
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ProductDetailScreen))


def _other_stores(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#other-stores", Static).content)


async def test_store_a_sees_store_bs_stock_and_the_goods_in_transit_from_the_shell_and_the_warehouse(
        hq: HeadOffice, tmp_path: Path) -> None:
    a, b = _two_stores_and_a_transfer_on_the_road(hq, tmp_path)
    b_name = f"Store {_store_id(b)[:4]}"
    shown = pos("transfer", "stock", "TEA-200", "MILK-1L", "--db", str(tmp_path / "a.db"), "--nats", hq.nats_url,
                env=hq.env())
    assert shown.returncode == 0, shown.stderr
    assert "TEA-200 at the other stores, as head office has them:" in shown.stdout
    assert f"  {b_name:<24} {'93':>10}  synced " in shown.stdout
    assert "  in transit: 5 (5 to this store)\n" in shown.stdout
    assert f"  {b_name:<24} {'50':>10}  synced " in shown.stdout  # B's milk, untouched
    assert "97" not in shown.stdout  # A's own tea is not among the other stores
    as_json = pos("transfer", "stock", "TEA-200", "--format", "json", "--db", str(tmp_path / "a.db"), "--nats",
                  hq.nats_url, env=hq.env())
    assert as_json.returncode == 0, as_json.stderr
    [tea] = json.loads(as_json.stdout)
    assert (tea["sku"], tea["in_transit"], tea["to_this_store"]) == ("TEA-200", 5_000, 5_000)
    [level] = tea["stores"]
    assert (level["store"], level["name"], level["on_hand"], level["in_transit"]) == (_store_id(b), b_name, 93_000, 0)
    assert level["synced_at"].endswith("Z")

    app = make_app(a, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await _open_tea(pilot)
        await wait_for(pilot, lambda: "in transit" in _other_stores(pilot))
        line = _other_stores(pilot)
        assert line.startswith("Other stores (head office, as of ")
        assert f"): {b_name} 93 · in transit 5 (5 to this store)" in line
    for store, db in ((a, "a.db"), (b, "b.db")):
        store.close()
        assert_verifies(tmp_path / db)


async def test_without_head_office_the_till_says_whom_to_ask_and_the_warehouse_stays_usable(
        hq: HeadOffice, tmp_path: Path) -> None:
    # The NATS server is up but `pos hq serve` is not running: nothing answers.
    a = make_store(tmp_path / "a.db", _in_chain(hq.nats_url, hq.namespace))
    hq.add_store(a)
    done = pos("transfer", "stock", "TEA-200", "--db", str(tmp_path / "a.db"), "--nats", hq.nats_url, env=hq.env())
    assert done.returncode == 1
    assert "nothing answers stock questions (is `pos hq serve` running?); ask head office (`pos hq stock TEA-200`)" \
        in done.stderr and "Traceback" not in done.stderr
    a.close()
    # No NATS server at all at the configured URL: the till's own config, default timeout.
    nowhere = f"nats://127.0.0.1:{_closed_port()}"
    cut_off = make_store(tmp_path / "cut-off.db", _in_chain(nowhere, hq.namespace, timeout_ms=1500))
    config = tmp_path / "pos.toml"
    config.write_text(f'[chain]\nurl = "{nowhere}"\n', encoding="utf-8")
    done = pos("transfer", "stock", "TEA-200", "--db", str(tmp_path / "cut-off.db"), "--config", str(config))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"head office not reachable at {nowhere}" in done.stderr
    assert "ask head office (`pos hq stock TEA-200`)" in done.stderr
    app = make_app(cut_off, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await _open_tea(pilot)
        await wait_for(pilot, lambda: "not reachable" in _other_stores(pilot))
        assert _other_stores(pilot).startswith(f"Other stores: head office not reachable at {nowhere} (")
        assert "`pos hq stock TEA-200`" in _other_stores(pilot)
        await pilot.press("escape")  # the warehouse goes on as ever
        await wait_for(pilot, lambda: bool(getattr(pilot.app.screen, "products", None)))
    cut_off.close()


async def test_a_store_in_no_chain_shows_no_other_stores(tmp_path: Path) -> None:
    alone = make_store(tmp_path / "alone.db")
    assert not elsewhere.in_chain(alone.settings)
    app = make_app(alone, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await _open_tea(pilot)
        assert not pilot.app.screen.query("#other-stores")
    done = pos("transfer", "stock", "TEA-200", "--db", str(tmp_path / "alone.db"), env={"POS_NATS_URL": ""})
    assert done.returncode == 1 and "this store is not in a chain: set [chain] url" in done.stderr
    alone.close()


def test_head_office_answers_a_bad_question_with_a_sentence_and_keeps_serving(hq: HeadOffice) -> None:
    import asyncio

    import nats

    from pos_tui.services.chain.wire import Channels

    serve = hq.serve()
    subject = Channels(hq.namespace).stock_question("some-store")

    async def ask(*bodies: bytes) -> list[dict[str, object]]:
        nc = await nats.connect(hq.nats_url)
        try:
            return [json.loads((await nc.request(subject, body, timeout=30)).data) for body in bodies]
        finally:
            await nc.close()

    too_many = json.dumps({"skus": [f"SKU-{n}" for n in range(elsewhere.MAX_SKUS + 1)]}).encode()
    answers = asyncio.run(ask(b"not json", b'{"skus": []}', b'{"skus": [1, 2]}', too_many, b'{"skus": ["TEA-200"]}'))
    assert answers[:4] == [
        {"error": 'a stock question is JSON: {"skus": ["SKU", ...]}.'},
        {"error": 'a stock question names 1 or more SKUs: {"skus": ["SKU", ...]}.'},
        {"error": 'a stock question names 1 or more SKUs: {"skus": ["SKU", ...]}.'},
        {"error": f"a stock question names at most {elsewhere.MAX_SKUS} SKUs; it named {elsewhere.MAX_SKUS + 1}."},
    ]
    assert answers[4] == {"stock": [], "stores": []}
    assert serve.poll() is None  # still serving


def test_a_missing_key_file_is_its_own_sentence_not_a_line_down(tmp_path: Path) -> None:
    make_store(tmp_path / "store.db").close()
    config = tmp_path / "pos.toml"
    config.write_text(f'[chain]\nurl = "nats://127.0.0.1:{_closed_port()}"\ncredentials = "T1.nk"\n', encoding="utf-8")
    done = pos("transfer", "stock", "TEA-200", "--db", str(tmp_path / "store.db"), "--config", str(config))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"cannot read the NATS credentials {tmp_path / 'T1.nk'}" in done.stderr


def test_the_line_names_the_day_when_the_oldest_sync_is_not_today() -> None:
    from datetime import UTC, datetime

    from pos_tui.services.chain.elsewhere import Elsewhere, SkuElsewhere, StoreLevel
    from pos_tui.tui.screens.product_detail import other_stores_line

    found = Elsewhere((SkuElsewhere("TEA-200", (
        StoreLevel("b", "Mall Road", 12_000, 0, "2053-01-02T09:30:00Z"),
        StoreLevel("c", "Gulberg", 0, 5_000, "2053-01-01T14:02:00Z"),
        StoreLevel("d", "New", 1_500, 0, None)), 5_000, 0),))
    now = datetime(2053, 1, 2, 10, 0, tzinfo=UTC)
    assert other_stores_line("TEA-200", found, lambda at: at, now) == (
        "Other stores (head office, as of 01 Jan 14:02): Mall Road 12 · Gulberg 0 · New 1.5 · in transit 5")
    assert other_stores_line("MILK-1L", found, lambda at: at, now) == (
        "Other stores (head office): no other store has MILK-1L")


def test_pos_sync_finds_head_office_in_the_same_chain_settings(hq: HeadOffice, tmp_path: Path) -> None:
    store = make_store(tmp_path / "store.db")
    hq.add_store(store)
    hq.serve()
    config = tmp_path / "pos.toml"
    config.write_text(f'[chain]\nurl = "{hq.nats_url}"\nnamespace = "{hq.namespace}"\n', encoding="utf-8")
    done = pos("sync", "--db", str(tmp_path / "store.db"), "--config", str(config), "--until-synced")
    assert done.returncode == 0, done.stderr
    assert f"head office holds seq {store.ledger.head().seq}" in done.stdout
    store.close()


def test_an_answer_too_large_for_one_message_is_a_sentence_asking_for_fewer_skus(
        hq: HeadOffice, tmp_path: Path) -> None:
    import asyncio

    import nats

    from pos_tui.services.chain.wire import Channels
    from tests.support.chain_servers import nats_server

    for number in range(40):  # forty stores: their names and syncs alone are more than 2 KiB
        hq.query("INSERT INTO hq_stores (store, name) VALUES (%s, %s) RETURNING store", f"store-{number}",
                 f"The store number {number} of the chain")
    with nats_server("max_payload: 2048\n", tmp_path) as small:
        hq.nats_url = small.url
        serve = hq.serve()

        async def ask() -> dict[str, object]:
            nc = await nats.connect(small.url)
            try:
                reply = await nc.request(Channels(hq.namespace).stock_question("store-1"), b'{"skus": ["TEA-200"]}',
                                         timeout=30)
                return dict(json.loads(reply.data))
            finally:
                await nc.close()

        answer = asyncio.run(ask())
        assert str(answer["error"]).endswith("more than one message carries (2 KiB); ask about fewer SKUs at once.")
        assert serve.poll() is None
        hq.stop()


def test_head_office_without_its_database_answers_with_a_sentence() -> None:
    from pos_tui.services.hq.answers import StockAnswerer

    answerer = StockAnswerer(f"postgresql://pos@127.0.0.1:{_closed_port()}/pos_hq?connect_timeout=5")
    try:
        said = json.loads(answerer.answer(b'{"skus": ["TEA-200"]}'))
    finally:
        answerer.close()
    assert said == {"error": "head office cannot read its database now; ask again in a minute."}
    with pytest.raises(elsewhere.NoAnswer, match=r"^head office says: head office cannot read its database now"):
        elsewhere.parse_answer(json.dumps(said).encode(), ["TEA-200"], "mine")
