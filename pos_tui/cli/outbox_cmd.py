"""`pos outbox`: receipts by email or SMS waiting to leave; send them, see them, retry or purge them."""

from __future__ import annotations

from contextlib import closing
from typing import Annotated

import typer

from pos_tui.cli.common import ConfigOption, DbOption, command_group, reports_errors, session_from

outbox_app = command_group(help="Receipts by email or SMS: queue, send (once, or as a service), list, retry, purge.")


@outbox_app.command("add")
@reports_errors
def add(
    sale: Annotated[str, typer.Option("--sale", help="The sale number on the receipt, e.g. T1-000042.")],
    email: Annotated[str, typer.Option("--email", help="Send the receipt to this email address.")] = "",
    sms: Annotated[str, typer.Option("--sms", help="Send it by SMS to this phone number.")] = "",
    to_customer: Annotated[str, typer.Option(
        "--to-customer", help="Send it to the sale's customer by 'email' or 'sms' (only if they agreed).")] = "",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Queue a sale's receipt for an email address or a phone number (the sender sends it)."""
    from pos_tui.domain.errors import InvalidInput
    from pos_tui.services.messaging import outbox
    from pos_tui.services.messaging.recipients import recipient_for

    if to_customer not in ("", "email", "sms"):
        raise InvalidInput(f"--to-customer {to_customer!r} is not a way to send a receipt.", "Use email or sms.")
    if bool(email) + bool(sms) + bool(to_customer) != 1:
        raise InvalidInput("Say where the receipt goes: --email ADDRESS, --sms PHONE or --to-customer email|sms.",
                           "Give one of them.")
    channel = to_customer or ("email" if email else "sms")
    with closing(session_from(db, config)) as session:
        customer_id = outbox.sale_customer(session, sale) if to_customer else None
        if to_customer and customer_id is None:
            raise InvalidInput(f"Sale {sale} has no customer attached.", "Give --email ADDRESS or --sms PHONE.")
        address = recipient_for(session, channel, email or sms, customer_id)
        message_id = outbox.queue_receipt(session, sale, channel, address)
        typer.echo(f"Receipt {sale} queued for {channel} as message {message_id}.")


@outbox_app.command("send")
@reports_errors
def send(db: DbOption = None, config: ConfigOption = None) -> None:
    """Send every message that is due, once, and say what happened (exit 1 if any failed)."""
    from pos_tui.services.messaging import outbox
    from pos_tui.services.messaging.sender import send_due

    with closing(session_from(db, config)) as session:
        report = send_due(session)
        waiting = outbox.waiting_count(session)
    for message_id, error in [*report.retrying, *report.failed]:
        typer.echo(f"message {message_id}: {error}", err=True)
    typer.echo(f"{len(report.sent)} sent, {len(report.retrying)} to retry, {len(report.failed)} failed; "
               f"{waiting} waiting.")
    if report.retrying or report.failed:
        raise typer.Exit(1)


@outbox_app.command("run")
@reports_errors
def run(db: DbOption = None, config: ConfigOption = None) -> None:
    """Send receipts as they become due, until stopped (SIGTERM or Ctrl+C): the pos-outbox service."""
    import logging
    import signal
    import threading

    from pos_tui.services.messaging.sender import send_due

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with closing(session_from(db, config)) as session:
        typer.echo("outbox sender running", err=True)
        try:
            while not stop.is_set():
                report = send_due(session)
                for message_id in report.sent:
                    typer.echo(f"sent {message_id}", err=True)
                stop.wait(session.settings.outbox.poll_s)
        except KeyboardInterrupt:
            pass


@outbox_app.command("list")
@reports_errors
def list_messages(
    all_: Annotated[bool, typer.Option("--all", help="Sent messages too.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Messages in the outbox: waiting, being sent, failed (and sent with --all)."""
    from pos_tui.services.messaging import outbox

    with closing(session_from(db, config, read_only=True)) as session:
        rows = outbox.messages(session, include_sent=all_)
        for m in rows:
            typer.echo(f"{m.id:>6}  {m.sale:<10} {m.channel:<5} {m.state:<8} tries {m.attempts:<3} "
                       f"next {m.next_attempt_at[:19]}  {m.address}  {m.last_error[:60]}")
        typer.echo(f"{outbox.waiting_count(session)} receipts waiting.")


@outbox_app.command("retry")
@reports_errors
def retry(
    message: Annotated[int | None, typer.Argument(help="One message's id; all waiting or failed without it.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Send failed (or waiting) messages again at the next round, tries counted afresh."""
    from pos_tui.services.messaging import outbox

    with closing(session_from(db, config)) as session:
        count = outbox.retry(session, message)
        typer.echo(f"{count} messages will be sent at the next round.")


@outbox_app.command("purge")
@reports_errors
def purge(
    older_than: Annotated[int, typer.Option("--older-than", help="Only messages sent more than DAYS ago.")] = 0,
    failed: Annotated[bool, typer.Option("--failed", help="Failed messages too (they will not be sent).")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Delete sent messages (and their addresses) from the outbox."""
    from datetime import timedelta

    from pos_tui.services.messaging import outbox

    with closing(session_from(db, config)) as session:
        before = session.clock() - timedelta(days=older_than) if older_than else None
        count = outbox.purge(session, sent_before=before, failed=failed)
        typer.echo(f"{count} messages purged.")
