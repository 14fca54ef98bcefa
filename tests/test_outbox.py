"""Receipts by email and SMS: queued in the outbox after the sale, sent by the sender to a real SMTP
server and a real HTTP gateway on 127.0.0.1; with the network cut they wait, and leave once, later."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pos_tui.config import Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.messaging import outbox
from pos_tui.services.messaging.sender import send_due
from pos_tui.services.messaging.settings import EmailSettings, OutboxSettings, SmsSettings
from pos_tui.services.selling import sales
from pos_tui.services.session import Session, open_session

from .conftest import TEA_BARCODE, assert_verifies, make_store
from .support.message_servers import free_port, sms_gateway, smtp_server

ADDRESS = "ayesha@example.org"


def _settings(smtp_port: int = 25, sms_url: str = "", token_file: Path | None = None) -> Settings:
    return Settings(
        email=EmailSettings(host="127.0.0.1", port=smtp_port, from_address="Shop <receipts@shop.example>",
                            starttls=False, timeout_s=5),
        sms=SmsSettings(url=sms_url, token_file=token_file, timeout_s=1),
        outbox=OutboxSettings(retry_s=[0], max_attempts=5),
    )


def _sale(session: Session) -> str:
    cart = Cart().add(products.resolve_scan(session, TEA_BARCODE))
    return sales.complete_sale(session, cart, [Tender("cash", 50_000)]).reference


def test_a_receipt_by_email_reaches_a_real_smtp_server_in_text_and_html(store_path: Path) -> None:
    with smtp_server() as (port, mailbox):
        session = make_store(store_path, _settings(port))
        reference = _sale(session)
        outbox.queue_receipt(session, reference, "email", ADDRESS)
        assert outbox.waiting_count(session) == 1
        report = send_due(session)
        assert len(report.sent) == 1 and outbox.waiting_count(session) == 0
        session.close()
    [message] = mailbox.messages
    assert mailbox.envelopes[0][1] == [ADDRESS] and message["To"] == ADDRESS
    assert reference in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"Sale {reference}" in text and "Tapal Danedar Tea 200g" in text and "TOTAL" in text and "450.00" in text
    assert "<pre" in html and f"Sale {reference}" in html
    assert_verifies(store_path)


def test_the_address_never_enters_the_journal(store_path: Path) -> None:
    session = make_store(store_path, _settings(free_port()))
    outbox.queue_receipt(session, _sale(session), "email", ADDRESS)
    outbox.queue_receipt(session, _sale(session), "sms", "+92 300 1234567")
    rows = session.ledger.conn.execute("SELECT payload FROM journal").fetchall()
    assert not any(ADDRESS in str(row[0]) or "3001234567" in str(row[0]) for row in rows)
    session.close()
    assert_verifies(store_path)


def test_a_bad_address_or_an_unknown_sale_is_refused_and_nothing_is_queued(store: Session) -> None:
    reference = _sale(store)
    with pytest.raises(InvalidInput, match="not an email address"):
        outbox.queue_receipt(store, reference, "email", "ayesha at example")
    with pytest.raises(InvalidInput, match="not a phone number"):
        outbox.queue_receipt(store, reference, "sms", "call me")
    with pytest.raises(Exception, match="no sale T1-000099"):
        outbox.queue_receipt(store, "T1-000099", "email", ADDRESS)
    assert outbox.waiting_count(store) == 0


def _pos(store_path: Path, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pos_tui.cli.main", *args, "--db", str(store_path),
                           "--config", str(config)], capture_output=True, text=True)


def test_a_receipt_queued_with_the_network_cut_leaves_once_after_the_sender_restarts(
    store_path: Path, tmp_path: Path
) -> None:
    port = free_port()  # nothing listens here yet: the mail server is "down"
    config = tmp_path / "pos.toml"
    config.write_text(f'[email]\nhost = "127.0.0.1"\nport = {port}\nfrom = "receipts@shop.example"\n'
                      'starttls = false\ntimeout_s = 5\n\n[outbox]\nretry_s = [0]\n', encoding="utf-8")
    session = make_store(store_path, _settings(port))
    reference = _sale(session)
    session.close()
    queued = _pos(store_path, config, "outbox", "add", "--sale", reference, "--email", ADDRESS)
    assert queued.returncode == 0, queued.stderr

    down = _pos(store_path, config, "outbox", "send")
    assert down.returncode == 1 and "could not be reached" in down.stderr and "Traceback" not in down.stderr
    assert "0 sent, 1 to retry, 0 failed; 1 waiting." in down.stdout
    listed = _pos(store_path, config, "outbox", "list")
    assert "waiting  tries 1" in listed.stdout and "1 receipts waiting." in listed.stdout

    with smtp_server(port) as (_, mailbox):
        up = _pos(store_path, config, "outbox", "send")  # a new sender process: the one before is gone
        assert up.returncode == 0, up.stderr
        assert "1 sent" in up.stdout and "0 waiting" in up.stdout
        again = _pos(store_path, config, "outbox", "send")
        assert "0 sent" in again.stdout
    assert len(mailbox.messages) == 1 and reference in mailbox.messages[0]["Subject"]
    assert "0 receipts waiting." in _pos(store_path, config, "outbox", "list").stdout
    purged = _pos(store_path, config, "outbox", "purge")
    assert "1 messages purged." in purged.stdout
    assert_verifies(store_path)


def test_an_sms_gateway_that_accepts_refuses_or_times_out(store_path: Path, tmp_path: Path) -> None:
    token = tmp_path / "sms-token"
    token.write_text("s3cret\n", encoding="utf-8")
    with sms_gateway("accept") as (url, gateway):
        session = make_store(store_path, _settings(free_port(), url, token))
        reference = _sale(session)
        outbox.queue_receipt(session, reference, "sms", "+92 300 1234567")
        assert send_due(session).sent
        assert gateway.received[0]["to"] == "+923001234567"
        assert reference in str(gateway.received[0]["text"]) and "450.00" in str(gateway.received[0]["text"])
        assert gateway.headers[0]["Authorization"] == "Bearer s3cret"

        gateway.mode = "refuse"  # a 400: the gateway will never take it, so it is not retried
        outbox.queue_receipt(session, reference, "sms", "+92 300 7654321")
        report = send_due(session)
        assert report.failed and "400" in report.failed[0][1]
        assert [m.state for m in outbox.messages(session)] == ["failed"]

        gateway.mode = "hold"  # no answer within the client's timeout: it waits for the next try
        outbox.queue_receipt(session, reference, "sms", "+92 300 1111111")
        report = send_due(session)
        assert report.retrying and "could not be reached" in report.retrying[0][1]
        states = {m.address: m.state for m in outbox.messages(session)}
        assert states["+923001111111"] == "waiting"

        gateway.mode = "accept"
        gateway.release.set()
        assert outbox.retry(session) == 2  # the failed one too, tries counted afresh
        assert len(send_due(session).sent) == 2 and outbox.waiting_count(session) == 0
        session.close()
    assert_verifies(store_path)


def test_two_senders_never_take_the_same_message(store_path: Path) -> None:
    session = make_store(store_path, _settings(free_port()))
    outbox.queue_receipt(session, _sale(session), "email", ADDRESS)
    other = open_session(session.settings, store_path, username="system")
    first = outbox.claim_next(session, "a")
    assert first is not None and outbox.claim_next(other, "b") is None
    other.close()
    session.close()


def test_pos_outbox_run_is_a_process_of_its_own_that_sends_until_it_is_stopped(
    store_path: Path, tmp_path: Path
) -> None:
    import signal

    with smtp_server() as (port, mailbox):
        config = tmp_path / "pos.toml"
        config.write_text(f'[email]\nhost = "127.0.0.1"\nport = {port}\nfrom = "receipts@shop.example"\n'
                          'starttls = false\n\n[outbox]\npoll_s = 0.2\n', encoding="utf-8")
        session = make_store(store_path, _settings(port))
        reference = _sale(session)
        sender = subprocess.Popen([sys.executable, "-m", "pos_tui.cli.main", "outbox", "run", "--db", str(store_path),
                                   "--config", str(config)], stderr=subprocess.PIPE, text=True)
        try:
            assert sender.stderr is not None and "outbox sender running" in sender.stderr.readline()
            message_id = outbox.queue_receipt(session, reference, "email", ADDRESS)  # queued while it runs
            assert sender.stderr.readline().strip() == f"sent {message_id}"
        finally:
            sender.send_signal(signal.SIGTERM)
            sender.communicate(timeout=60)
        assert sender.returncode == 0
        assert len(mailbox.messages) == 1 and outbox.waiting_count(session) == 0
        session.close()


def test_email_goes_over_starttls_with_a_login_whose_password_is_read_from_a_file(
    store_path: Path, tmp_path: Path
) -> None:
    from .support.message_servers import self_signed

    certificate, key = self_signed(tmp_path)
    password = tmp_path / "smtp-password"
    password.write_text("hunter2\n", encoding="utf-8")
    with smtp_server(tls=(certificate, key), login=("till", "hunter2")) as (port, mailbox):
        email_settings = EmailSettings(host="127.0.0.1", port=port, from_address="receipts@shop.example",
                                       starttls=True, user="till", password_file=password, ca_file=certificate,
                                       timeout_s=3)
        session = make_store(store_path, Settings(email=email_settings, outbox=OutboxSettings(retry_s=[0])))
        reference = _sale(session)
        outbox.queue_receipt(session, reference, "email", ADDRESS)
        assert send_due(session).sent
        password.write_text("wrong\n", encoding="utf-8")  # a refused login: the message waits, it is not lost
        outbox.queue_receipt(session, reference, "email", ADDRESS)
        report = send_due(session)
        assert not report.sent and outbox.waiting_count(session) == 1  # retried later, or failed and kept
        session.close()
    assert len(mailbox.messages) == 1 and reference in mailbox.messages[0]["Subject"]


def test_with_nothing_typed_the_attached_customers_consented_email_is_used_and_reaches_the_server(
        store_path: Path) -> None:
    from pos_tui.services.customers import accounts
    from pos_tui.services.customers.accounts import Person
    from pos_tui.services.messaging.recipients import recipient_for

    with smtp_server() as (port, mailbox):
        session = make_store(store_path, _settings(port))
        ayesha = accounts.add_customer(session, Person("Ayesha Khan", "0300 1234567", ADDRESS, email_ok=True))
        cart = Cart().add(products.resolve_scan(session, TEA_BARCODE))
        reference = sales.complete_sale(session, cart, [Tender("cash", 50_000)],
                                        customer_id=ayesha.customer_id).reference
        outbox.queue_receipt(session, reference, "email", recipient_for(session, "email", "", ayesha.customer_id))
        assert len(send_due(session).sent) == 1
        session.close()
    assert mailbox.envelopes[0][1] == [ADDRESS.lower()]
    assert_verifies(store_path)


def test_without_consent_or_an_address_the_customer_is_not_written_to_and_the_sentence_says_why(
        store: Session) -> None:
    from pos_tui.services.customers import accounts
    from pos_tui.services.customers.accounts import Person
    from pos_tui.services.messaging.recipients import customer_address, recipient_for

    bilal = accounts.add_customer(store, Person("Bilal Ahmed", "0321 7654321", "bilal@example.org",
                                                email_ok=False, sms_ok=True)).customer_id
    with pytest.raises(InvalidInput, match=f"#{bilal} has not agreed to receipts by email.*--email-receipts"):
        recipient_for(store, "email", "", bilal)
    assert recipient_for(store, "sms", "", bilal) == "03217654321"
    assert customer_address(store, "email", bilal) == "" and customer_address(store, "sms", bilal) == "03217654321"
    quiet = accounts.add_customer(store, Person("Quiet One", "0322 1111111")).customer_id
    with pytest.raises(InvalidInput, match=f"#{quiet} gave no email address"):
        recipient_for(store, "email", "", quiet)
    assert recipient_for(store, "email", "typed@example.org", quiet) == "typed@example.org"  # typed wins
    assert outbox.waiting_count(store) == 0


def test_pos_outbox_add_to_customer_uses_the_sales_customer_only_with_consent(store_path: Path, tmp_path: Path) -> None:
    from pos_tui.services.customers import accounts
    from pos_tui.services.customers.accounts import Person

    config = tmp_path / "pos.toml"
    config.write_text("", encoding="utf-8")
    session = make_store(store_path, _settings(free_port()))
    sana = accounts.add_customer(session, Person("Sana Mir", "0301 5550001", "sana@example.org", email_ok=True))
    cart = Cart().add(products.resolve_scan(session, TEA_BARCODE))
    hers = sales.complete_sale(session, cart, [Tender("cash", 50_000)], customer_id=sana.customer_id).reference
    nobodys = _sale(session)
    session.close()

    queued = _pos(store_path, config, "outbox", "add", "--sale", hers, "--to-customer", "email")
    assert queued.returncode == 0, queued.stderr
    refused = _pos(store_path, config, "outbox", "add", "--sale", hers, "--to-customer", "sms")
    assert refused.returncode != 0 and "has not agreed to receipts by SMS" in refused.stderr
    assert "Traceback" not in refused.stderr
    alone = _pos(store_path, config, "outbox", "add", "--sale", nobodys, "--to-customer", "email")
    assert alone.returncode != 0 and "has no customer attached" in alone.stderr
    session = open_session(Settings(), store_path)
    [message] = outbox.messages(session)
    assert (message.address, message.sale) == ("sana@example.org", hers)
    session.close()
    assert_verifies(store_path)
