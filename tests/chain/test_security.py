"""The chain's security, on a real nats-server that requires TLS and a key per terminal, configured by
`pos hq nats-config`: a terminal syncs with its own key; it may not read another store's subjects
nor publish as another terminal (the server refuses); a wrong key, no key or an unknown CA get a
sentence from `pos sync`; a plaintext client gets nothing."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import stat
from pathlib import Path
from typing import Any

import pytest

from pos_tui.services.chain import outbox
from pos_tui.services.chain.access import tls_context
from pos_tui.services.chain.wire import Channels
from tests.chain.conftest import SecureChain, pos, sell, signs_in
from tests.chain.helpers import wait_for
from tests.conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store
from tests.support.tls import make_certificates

VIOLATION_DEADLINE_S = 30.0


def test_a_terminal_syncs_its_journal_and_its_stores_prices_with_its_own_key_over_tls(
        secure_hq: SecureChain, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    sell(store, f"3*{TEA_BARCODE}", 150_000)
    sell(store, MILK_BARCODE, 30_000)
    keys = secure_hq.add_store(store)
    key = keys[store.terminal]
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    store_id = store.ledger.store_info().store_id
    secure_hq.register("other-store", "T1")
    office = secure_hq.office
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text("sku,name,price\nTEA-200,Tapal Tea 200g,400.00\n", encoding="utf-8")
    assert pos("hq", "catalog", "import", str(catalogue), env=office.env()).returncode == 0
    other = pos("hq", "catalog", "price", "TEA-200", "1.00", "--store", "other-store", env=office.env())
    assert other.returncode == 0, other.stderr
    office.serve()
    # The store's config names its key, relative to the config file (the CA comes from POS_NATS_CA).
    config = tmp_path / "pos.toml"
    (tmp_path / "terminal.nk").write_bytes(key.read_bytes())
    (tmp_path / "terminal.nk").chmod(0o600)
    config.write_text('[chain]\ncredentials = "terminal.nk"\n', encoding="utf-8")
    done = pos("sync", "--db", str(db), "--config", str(config), "--nats", secure_hq.url, "--until-synced",
               env=office.env())
    assert done.returncode == 0, done.stderr
    head = store.ledger.head()
    assert f"head office holds seq {head.seq}" in done.stdout
    assert office.query("SELECT seq, hash FROM hq_heads WHERE store = %s", store_id) == [(head.seq, head.hash)]
    state = outbox.sync_state(store.ledger)
    assert state is not None and state.acked_seq == head.seq
    # Head office's all-stores price came through the store's copy of its events; the other store's did not.
    applied = store.ledger.conn.execute(
        "SELECT payload FROM journal WHERE kind = 'chain.office_price_set'").fetchall()
    assert [json.loads(row[0])["new_price"] for row in applied] == [40_000]
    assert_verifies(db)


def test_a_terminals_key_may_not_read_another_stores_subjects_nor_publish_as_another_terminal(
        secure_hq: SecureChain) -> None:
    keys = secure_hq.register("store-a", "T1", "T2")
    secure_hq.register("store-b", "T1")
    secure_hq.office.serve()  # makes each store's copy of head office's events
    channels = Channels(secure_hq.office.namespace)
    refused = asyncio.run(_try_as(secure_hq, keys["T1"], channels))
    assert refused["own consumer"] == "ok"
    assert refused["own event subject"] == "ok"
    for attempt in ("store-b's office subject", "store-b's head", "every inbox"):
        assert refused[attempt].startswith("nats: permissions violation for subscription to"), attempt
    for attempt in ("store-b's event subject", "T2's event subject", "a consumer on store-b's copy",
                    "a consumer on the whole office stream"):
        assert refused[attempt].startswith("nats: permissions violation for publish to"), attempt


async def _try_as(chain: SecureChain, key: Path, channels: Channels) -> dict[str, str]:
    """What the server says to each attempt of store-a's T1: "ok", or the permissions error it sent."""
    import nats
    from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

    errors: asyncio.Queue[str] = asyncio.Queue()

    async def on_error(error: Exception) -> None:
        await errors.put(str(error))

    nc = await nats.connect(chain.url, nkeys_seed=str(key), tls=tls_context(chain.certificates.ca_file),
                            inbox_prefix=channels.inbox("store-a", "T1"), error_cb=on_error, allow_reconnect=False)
    js = nc.jetstream()
    said: dict[str, str] = {}

    async def violation() -> str:
        return await asyncio.wait_for(errors.get(), VIOLATION_DEADLINE_S)

    await js.pull_subscribe("", stream=channels.store_office_stream("store-a"),
                                  config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE))
    said["own consumer"] = "ok"
    ack = await js.publish(channels.event_subject("store-a", "T1"), b"not an event")
    said["own event subject"] = "ok" if ack.seq else "no ack"
    for what, subject in [("store-b's office subject", channels.office_subject("store-b")),
                          ("store-b's head", channels.head_subject("store-b", "T1")),
                          ("every inbox", "_INBOX.>")]:
        await nc.subscribe(subject)
        said[what] = await violation()
    for what, subject in [("store-b's event subject", channels.event_subject("store-b", "T1")),
                          ("T2's event subject", channels.event_subject("store-a", "T2"))]:
        await nc.publish(subject, b"{}")
        await nc.flush()
        said[what] = await violation()
    for what, stream in [("a consumer on store-b's copy", channels.store_office_stream("store-b")),
                         ("a consumer on the whole office stream", channels.office_stream)]:
        with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError)):
            await nc.request(f"$JS.API.CONSUMER.CREATE.{stream}", b"{}", timeout=1)
        said[what] = await violation()
    await nc.close()
    return said


def test_a_wrong_or_missing_key_or_an_unknown_ca_gets_a_sentence_and_a_non_zero_exit(
        secure_hq: SecureChain, tmp_path: Path) -> None:
    import nkeys

    db = tmp_path / "store.db"
    store = make_store(db)
    sell(store, TEA_BARCODE, 50_000)
    keys = secure_hq.add_store(store)
    office = secure_hq.office
    stranger = tmp_path / "stranger.nk"
    stranger.write_bytes(nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_USER))
    not_a_key = tmp_path / "not-a-key.nk"
    not_a_key.write_text("hello\n")
    shared = tmp_path / "shared.nk"
    shared.write_bytes(keys[store.terminal].read_bytes())
    shared.chmod(0o644)
    for key in (stranger, not_a_key):
        key.chmod(0o600)
    other_ca = make_certificates(tmp_path, "another CA").ca_file

    def sync(*options: str) -> Any:
        return pos("sync", "--db", str(db), "--nats", secure_hq.url, "--until-synced", *options, timeout=60,
                   env=office.env())

    cases = [
        (("--credentials", str(stranger)), "refused this terminal's sign-in"),
        ((), "refused this terminal's sign-in (no credentials)"),
        (("--credentials", str(tmp_path / "missing.nk")), "cannot read the NATS credentials"),
        (("--credentials", str(not_a_key)), "is not a NATS user nkey seed"),
        (("--credentials", str(shared)), "can be read by other users of this machine (mode 644)"),
        (("--credentials", str(keys[store.terminal]), "--ca-file", str(other_ca)), "is not signed by the CA in"),
    ]
    for options, sentence in cases:
        done = sync(*options)
        assert done.returncode == 1, (options, done.stdout, done.stderr)
        assert sentence in done.stderr and "Traceback" not in done.stderr, (options, done.stderr)
    # Without a CA file the server's certificate is checked against the machine's CAs, which lack ours.
    without_ca = {name: value for name, value in office.env().items() if name != "POS_NATS_CA"}
    done = pos("sync", "--db", str(db), "--nats", secure_hq.url, "--until-synced", "--credentials",
               str(keys[store.terminal]), timeout=60, env=without_ca)
    assert done.returncode == 1 and "is not signed by a CA this machine trusts" in done.stderr, done.stderr
    refused_state = outbox.sync_state(store.ledger)
    assert refused_state is None or refused_state.acked_seq == 0  # nothing was sent
    # Head office's own consumer with a key the server does not know: a sentence too.
    serve = pos("hq", "serve", "--nats", secure_hq.url, "--credentials", str(stranger), timeout=60, env=office.env())
    assert serve.returncode == 1 and "refused head office's sign-in" in serve.stderr, serve.stderr
    assert "Traceback" not in serve.stderr
    # A new key for the terminal: once head office's config is written again and reloaded, the old one is out.
    old_key = keys[store.terminal].rename(tmp_path / "old.nk")
    rekeyed = pos("hq", "store", "rekey", store.ledger.store_info().store_id, store.terminal, "--credentials-dir",
                  str(secure_hq.keys), env=office.env())
    assert rekeyed.returncode == 0, rekeyed.stderr
    secure_hq.authorize()
    wait_for("the reload to refuse the old key", lambda: not signs_in(secure_hq.url, old_key, secure_hq.certificates))
    assert "refused this terminal's sign-in" in sync("--credentials", str(old_key)).stderr
    office.serve()
    done = sync("--credentials", str(keys[store.terminal]))
    assert done.returncode == 0, done.stderr
    assert_verifies(db)


def test_a_plaintext_client_gets_nothing_from_the_tls_server(secure_hq: SecureChain) -> None:
    with socket.create_connection(("127.0.0.1", secure_hq.server.port), timeout=10) as line:
        greeting = line.recv(4096)
        assert greeting.startswith(b"INFO ") and json.loads(greeting[5:])["tls_required"] is True
        line.sendall(b'CONNECT {"verbose":false}\r\nPING\r\n')
        answer = b""
        while chunk := line.recv(4096):  # the server closes the connection
            answer += chunk
    assert b"PONG" not in answer


def test_a_terminal_may_ask_head_office_about_stock_as_its_own_store_only(
        secure_hq: SecureChain, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = make_store(db)
    keys = secure_hq.add_store(store)
    store_id = store.ledger.store_info().store_id
    other = secure_hq.register("store-b", "T1")
    secure_hq.office.serve()
    # The till's own way: its key, the CA and head office's URL from pos.toml, over TLS.
    config = tmp_path / "pos.toml"
    config.write_text(f'[chain]\nurl = "{secure_hq.url}"\nnamespace = "{secure_hq.office.namespace}"\n'
                      f'credentials = "{keys[store.terminal]}"\nca_file = "{secure_hq.certificates.ca_file}"\n'
                      "ask_timeout_ms = 30000\n", encoding="utf-8")
    done = pos("transfer", "stock", "TEA-200", "--db", str(db), "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "TEA-200 at the other stores, as head office has them:\n  no other store has it\n" \
                          "  in transit: 0\n"
    # By hand with the same key: its own store's question is answered on its inbox; another store's
    # question subject and another terminal's inbox are refused by the server.
    said = asyncio.run(_ask_as(secure_hq, keys[store.terminal], store_id, store.terminal, other["T1"]))
    assert said["own question"].startswith('{"stock": [], "stores": [')
    assert said["store-b's question"].startswith("nats: permissions violation for publish to"), said
    assert said["store-b's inbox"].startswith("nats: permissions violation for subscription to"), said
    assert said["store-b asks as store-b"].startswith('{"stock": []'), said
    store.close()


async def _ask_as(chain: SecureChain, key: Path, store: str, terminal: str, other_key: Path) -> dict[str, str]:
    import nats

    channels = Channels(chain.office.namespace)
    errors: asyncio.Queue[str] = asyncio.Queue()

    async def on_error(error: Exception) -> None:
        await errors.put(str(error))

    tls = tls_context(chain.certificates.ca_file)
    nc = await nats.connect(chain.url, nkeys_seed=str(key), tls=tls, inbox_prefix=channels.inbox(store, terminal),
                            error_cb=on_error, allow_reconnect=False)
    said: dict[str, str] = {}
    reply = await nc.request(channels.stock_question(store), b'{"skus": ["TEA-200"]}', timeout=VIOLATION_DEADLINE_S)
    said["own question"] = reply.data.decode()
    with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError)):
        await nc.request(channels.stock_question("store-b"), b'{"skus": ["TEA-200"]}', timeout=1)
    said["store-b's question"] = await asyncio.wait_for(errors.get(), VIOLATION_DEADLINE_S)
    await nc.subscribe(f"{channels.inbox('store-b', 'T1')}.>")
    said["store-b's inbox"] = await asyncio.wait_for(errors.get(), VIOLATION_DEADLINE_S)
    await nc.close()
    # store-b's own key asks on store-b's subject: that is allowed (the permission is per store).
    other = await nats.connect(chain.url, nkeys_seed=str(other_key), tls=tls, allow_reconnect=False,
                               inbox_prefix=channels.inbox("store-b", "T1"))
    reply = await other.request(channels.stock_question("store-b"), b'{"skus": ["TEA-200"]}',
                                timeout=VIOLATION_DEADLINE_S)
    said["store-b asks as store-b"] = reply.data.decode()
    await other.close()
    return said


def test_a_terminal_whose_permissions_predate_the_stock_question_is_told_what_head_office_must_do(
        secure_hq: SecureChain, tmp_path: Path) -> None:
    import signal

    db = tmp_path / "store.db"
    store = make_store(db)
    keys = secure_hq.add_store(store)
    question = Channels(secure_hq.office.namespace).stock_question(store.ledger.store_info().store_id)
    secure_hq.office.serve()
    # The authorization as `pos hq nats-config` wrote it before terminals could ask.
    written = secure_hq.directory / "authorization.conf"
    text = written.read_text(encoding="utf-8")
    assert f', "{question}"' in text
    written.write_text(text.replace(f', "{question}"', ""), encoding="utf-8")
    secure_hq.server.process.send_signal(signal.SIGHUP)
    config = tmp_path / "pos.toml"
    config.write_text(f'[chain]\nurl = "{secure_hq.url}"\nnamespace = "{secure_hq.office.namespace}"\n'
                      f'credentials = "{keys[store.terminal]}"\nca_file = "{secure_hq.certificates.ca_file}"\n',
                      encoding="utf-8")

    def refused() -> str:
        done = pos("transfer", "stock", "TEA-200", "--db", str(db), "--config", str(config))
        return done.stderr if done.returncode == 1 and "does not let this terminal ask" in done.stderr else ""

    said = wait_for("the reload to take the question away", refused)
    assert "runs `pos hq nats-config` again and reloads nats-server" in said and "Traceback" not in said
    store.close()
