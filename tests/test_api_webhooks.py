"""Webhooks from the journal: `pos api webhooks run` in its own process delivers to a receiver on
127.0.0.1 that drops connections, answers 500 and answers too slowly; every event arrives, every
delivery verifies, retries and replays carry the same id, and a subscription that only fails is disabled."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pos_tui.config import Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import open_ledger
from pos_tui.services.api import webhooks
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session

from .conftest import MILK, TEA, assert_verifies, make_store
from .support.webhook_receiver import Receiver

CONFIG = """
[staff]
cli_user = "admin"

[api]
webhook_timeout_ms = 1000
webhook_retry_ms = [0, 20, 50]
webhook_poll_ms = 20
webhook_disable_after_ms = {disable_after}
"""


def pos(store_path: Path, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pos_tui.cli.main", *args, "--db", str(store_path), "--config",
                           str(config)], capture_output=True, text=True)


@contextlib.contextmanager
def dispatcher(store_path: Path, config: Path) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen([sys.executable, "-m", "pos_tui.cli.main", "api", "webhooks", "run", "--db",
                                str(store_path), "--config", str(config)], stderr=subprocess.PIPE, text=True)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


def wait_for_row(ready: Callable[[], bool], timeout: float = 120.0) -> None:
    """Poll the database until ``ready()``: the dispatcher tells nobody when it disables a subscription."""
    deadline = time.monotonic() + timeout  # bounds a broken run only
    while not ready():
        assert time.monotonic() < deadline, "the row never came"
        time.sleep(0.02)


def sell(session: Session, product_id: int, quantity: int) -> int:
    product = products.get_product(session, product_id)
    cart = Cart().add(products.line_for(product, quantity))
    from pos_tui.domain.cart import price_cart

    return sales.complete_sale(session, cart, [Tender("card", price_cart(cart, session.tax_policy).total)]).seq


def test_each_event_arrives_signed_through_drops_500s_and_slow_answers_and_replays_keep_their_ids(
        tmp_path: Path) -> None:
    path, config = tmp_path / "store.db", tmp_path / "pos.toml"
    config.write_text(CONFIG.format(disable_after=3_600_000), encoding="utf-8")
    session = make_store(path, Settings())
    receiver = Receiver(slow_seconds=3.0)
    server, url = receiver.serve()
    added = pos(path, config, "api", "webhook", "add", url, "--event", "sale.completed", "--event", "stock.low")
    assert added.returncode == 0, added.stderr
    secret = added.stdout.strip()
    assert secret.startswith("whsec_")
    hook = webhooks.list_webhooks(session)[0]

    sale_seqs = [sell(session, TEA, 1000), sell(session, TEA, 2000)]
    low_seq = products.adjust_stock(session, MILK, -35_000, "count")  # 50 -> 15, under the reorder level of 20
    sale_seqs.append(sell(session, MILK, 1000))  # already low: no second stock.low
    expected = {f"msg_{hook.webhook_id}_{seq}_sale.completed" for seq in sale_seqs}
    expected.add(f"msg_{hook.webhook_id}_{low_seq}_stock.low")

    try:
        with dispatcher(path, config):
            receiver.wait_for(lambda: set(receiver.delivered()) >= expected)
            first_round = receiver.delivered()
            replayed = pos(path, config, "api", "webhook", "replay", hook.webhook_id, "--from-seq",
                           str(sale_seqs[0]))
            assert replayed.returncode == 0, replayed.stderr
            receiver.wait_for(lambda: all(len(receiver.delivered().get(i, [])) >= 2 for i in expected))
    finally:
        server.shutdown()

    delivered = receiver.delivered()
    assert set(delivered) == expected  # nothing else: a stock adjustment is not a sale, the second milk not low
    for attempts in delivered.values():
        assert len({a.body for a in attempts}) == 1  # a repeat is the same delivery
        for attempt in attempts:
            assert webhooks.verify(secret, attempt.headers, attempt.body)
            assert attempt.headers["webhook-signature"].startswith("v1,")
            assert attempt.headers["webhook-timestamp"].isdigit()
    ids_of_body: dict[bytes, set[str]] = {}
    for attempt in receiver.attempts:  # every attempt, failed ones too: one event, one id
        ids_of_body.setdefault(attempt.body, set()).add(attempt.message_id)
    assert all(len(ids) == 1 for ids in ids_of_body.values())
    tries = [a for a in receiver.attempts if a.message_id in expected]
    assert {a.answered for a in tries} >= {0, 500, 204}  # dropped, failed, slow and delivered, each seen
    for message_id in expected:
        assert len([a for a in tries if a.message_id == message_id]) >= 4  # three failures, then delivered
    low = json.loads(first_round[f"msg_{hook.webhook_id}_{low_seq}_stock.low"][0].body)
    assert low["type"] == "stock.low" and low["data"]["products"] == [
        {"product_id": MILK, "sku": "MILK-1L", "on_hand": 15_000, "reorder_level": 20_000}]
    sale = json.loads(first_round[f"msg_{hook.webhook_id}_{sale_seqs[0]}_sale.completed"][0].body)
    assert sale["seq"] == sale_seqs[0] and sale["data"]["lines"][0]["sku"] == "TEA-200"

    assert "api.webhook_added" in pos(path, config, "audit").stdout
    session.close()
    assert_verifies(path)


def test_a_subscription_that_only_fails_is_disabled_and_a_replay_enables_it(tmp_path: Path) -> None:
    path, config = tmp_path / "store.db", tmp_path / "pos.toml"
    config.write_text(CONFIG.format(disable_after=200), encoding="utf-8")
    session = make_store(path, Settings())
    receiver = Receiver(slow_seconds=3.0, always_fail=True)
    server, url = receiver.serve()
    assert pos(path, config, "api", "webhook", "add", url, "--event", "sale.completed").returncode == 0
    hook = webhooks.list_webhooks(session)[0]
    seq = sell(session, TEA, 1000)
    try:
        with dispatcher(path, config):
            receiver.wait_for(lambda: len(receiver.attempts) >= 2)
            ledger = open_ledger(path, read_only=True)
            try:
                disabled = Session(ledger, Settings())
                wait_for_row(lambda: webhooks.get_webhook(disabled, hook.webhook_id).disabled_seq is not None)
            finally:
                ledger.close()
    finally:
        server.shutdown()
    listed = pos(path, config, "api", "webhook", "list")
    assert "disabled: failing" in listed.stdout and "HTTP 500" in listed.stdout
    replayed = pos(path, config, "api", "webhook", "replay", hook.webhook_id, "--from-seq", str(seq))
    assert replayed.returncode == 0
    assert "enabled" in pos(path, config, "api", "webhook", "list").stdout
    audit = pos(path, config, "audit").stdout
    assert "api.webhook_disabled" in audit and "api.webhook_replayed" in audit
    session.close()
    assert_verifies(path)


def test_bad_subscriptions_are_refused_in_words(store: Session, store_path: Path, tmp_path: Path) -> None:
    config = tmp_path / "pos.toml"
    config.write_text('[staff]\ncli_user = "admin"\n', encoding="utf-8")
    for args, words in (
        (("ftp://x", "--event", "sale.completed"), "is not an http(s) URL"),
        (("http://127.0.0.1:9/h", "--event", "sale.exploded"), "Unknown event sale.exploded"),
        (("https://shop:hunter2@shop.example/h", "--event", "sale.completed"), "holds a user name or password"),
    ):
        done = pos(store_path, config, "api", "webhook", "add", *args)
        assert done.returncode == 1 and words in done.stderr, done.stderr
    refused = pos(store_path, config, "api", "webhook", "replay", "wh_nope", "--from-seq", "1")
    assert refused.returncode == 1 and "There is no webhook 'wh_nope'" in refused.stderr
