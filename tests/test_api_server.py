"""The API through the real server: `pos api serve` in its own process on 127.0.0.1, clients over TCP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from pos_tui.config import PricingSettings, Settings
from pos_tui.services.api import tokens
from pos_tui.services.catalog import products

from .conftest import TSHIRT_S, assert_verifies, make_store
from .support.api_server import BLOCKING_CONFIG, api_server

SETTINGS = Settings(pricing=PricingSettings(negative_stock="block"))


def shop(tmp_path: Path) -> tuple[Path, Path, str]:
    """A stocked store that refuses to sell what it has not got, and a token that may do everything."""
    path, config = tmp_path / "store.db", tmp_path / "pos.toml"
    config.write_text(BLOCKING_CONFIG, encoding="utf-8")
    session = make_store(path, SETTINGS)
    secret = tokens.add_token(session, "web", list(tokens.SCOPES), acts_as="admin").secret
    session.close()
    return path, config, secret


def on_hand(path: Path, product_id: int) -> int:
    from pos_tui.ledger.database import open_ledger

    ledger = open_ledger(path, read_only=True)
    try:
        return int(ledger.conn.execute("SELECT on_hand FROM stock WHERE product_id = ?", (product_id,)).fetchone()[0])
    finally:
        ledger.close()


def test_eight_shops_race_for_the_last_five_shirts_each_twice_and_none_is_oversold(tmp_path: Path) -> None:
    path, config, secret = shop(tmp_path)
    from pos_tui.ledger.database import open_ledger
    from pos_tui.services.session import Session

    writer = Session(open_ledger(path), SETTINGS, "admin")
    products.adjust_stock(writer, TSHIRT_S, -5000, "count")  # 10 -> 5 on hand
    writer.close()
    answers: dict[int, list[httpx.Response]] = {}
    start = threading.Barrier(8)

    with api_server(path, config) as base:

        def buy(client_no: int) -> None:
            headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": f"order-{client_no}"}
            order = {"lines": [{"code": "TS-S", "quantity": 1000}]}
            with httpx.Client(base_url=base, timeout=60) as client:
                start.wait()
                first = client.post("/api/sales", json=order, headers=headers)
                again = client.post("/api/sales", json=order, headers=headers)  # a retry after a lost answer
            answers[client_no] = [first, again]

        clients = [threading.Thread(target=buy, args=(n,)) for n in range(8)]
        for client in clients:
            client.start()
        for client in clients:
            client.join()

    firsts = [pair[0] for pair in answers.values()]
    assert sorted(a.status_code for a in firsts) == [201] * 5 + [409] * 3, [a.text for a in firsts]
    for first, again in answers.values():
        assert again.status_code == first.status_code
        if first.status_code == 201:
            assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
        else:
            assert first.headers["content-type"] == "application/problem+json"
    assert len({a.json()["reference"] for a in firsts if a.status_code == 201}) == 5
    assert on_hand(path, TSHIRT_S) == 0
    assert_verifies(path)


# --- schemathesis: every operation of the OpenAPI document, with generated good and bad input -------------


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    path, config, secret = shop(tmp_path_factory.mktemp("live"))
    with api_server(path, config) as base:
        yield base, secret, path
    assert_verifies(path)


@pytest.fixture(scope="module")
def live_schema(live: tuple[str, str, Path]) -> Any:
    loaded = schemathesis.openapi.from_url(f"{live[0]}/api/openapi.json")
    # Bad input as well as good: negative mode breaks each schema (wrong types, missing fields, extra ones).
    loaded.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
    return loaded


schema = schemathesis.pytest.from_fixture("live_schema")


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_never_get_a_500_and_every_refusal_is_a_problem(case: Any,
                                                                          live: tuple[str, str, Path]) -> None:
    base, secret, _ = live
    headers = dict(case.headers or {})
    headers["Authorization"] = f"Bearer {secret}"  # its own bearer values are refused (401) before any input is read
    answer = case.call(base_url=base, headers=headers)
    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        assert answer.headers["content-type"][0] == "application/problem+json", answer.text
        body = answer.json()
        assert body["status"] == answer.status_code and body["detail"]


def test_the_api_and_the_dispatcher_are_units_of_their_own_on_localhost() -> None:
    units = Path(__file__).resolve().parents[1] / "systemd"
    serve = (units / "pos-api.service").read_text(encoding="utf-8")
    dispatch = (units / "pos-api-webhooks.service").read_text(encoding="utf-8")
    assert "ExecStart=/usr/bin/env pos api serve\n" in serve  # [api] host: 127.0.0.1 unless configured
    assert "ExecStart=/usr/bin/env pos api webhooks run\n" in dispatch
    assert Settings().api.host == "127.0.0.1"
