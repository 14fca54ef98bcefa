"""`pos api`: tokens for integrations, the HTTP service, webhook subscriptions and their dispatcher."""

from __future__ import annotations

from contextlib import closing
from typing import Annotated

import typer

from pos_tui.cli.common import (
    ConfigOption,
    DbOption,
    UserOption,
    acting_session,
    command_group,
    reports_errors,
    session_from,
)

api_app = command_group(help="The HTTP/JSON API for integrations: tokens, the service, webhooks.")
token_app = command_group(help="API tokens: one per integration, with scopes; only their hash is kept.")
webhook_app = command_group(help="Webhook subscriptions: signed deliveries of journal events.")
webhooks_app = command_group(help="The webhook dispatcher (its own process).")
api_app.add_typer(token_app, name="token")
api_app.add_typer(webhook_app, name="webhook")
api_app.add_typer(webhooks_app, name="webhooks")

ScopeOption = Annotated[list[str], typer.Option("--scope", help="items:read, items:write, inventory:read, "
                                                "inventory:write, sales:read, sales:write, reports:read (repeat).")]


@token_app.command("add")
@reports_errors
def token_add(
    name: Annotated[str, typer.Argument(help="The integration, e.g. webshop.")],
    scope: ScopeOption,
    acts_as: Annotated[str | None, typer.Option("--as", help="The user whose role the token's writes are checked "
                                                             "against (default: the acting --user).")] = None,
    expires: Annotated[int | None, typer.Option("--expires", help="Days until the token stops working.")] = None,
    rate_limit: Annotated[str, typer.Option("--rate-limit", help="Requests a minute, e.g. 120/min.")] = "",
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Make a token and print it once: only its sha256 is stored."""
    from pos_tui.services.api import tokens

    with closing(acting_session(db, config, user)) as session:
        new = tokens.add_token(session, name, scope, acts_as=acts_as or session.username, expires_days=expires,
                               rate_limit_per_minute=tokens.parse_rate_limit(rate_limit))
    typer.echo(new.secret)
    typer.echo(f"Token {new.token.token_id} for {new.token.name}: {', '.join(new.token.scopes)}. It is shown this "
               "once; keep it in the integration's secrets.", err=True)


@token_app.command("list")
@reports_errors
def token_list(db: DbOption = None, config: ConfigOption = None) -> None:
    """Every token: id, name, state, scopes, expiry, first use."""
    from pos_tui.services.api import tokens

    with closing(session_from(db, config, read_only=True)) as session:
        found = tokens.list_tokens(session)
    for token in found:
        used = f"first used at seq {token.first_used_seq}" if token.first_used_seq else "never used"
        expires = f"expires {token.expires_at[:16]}" if token.expires_at else "no expiry"
        typer.echo(f"{token.token_id}  {token.name:<16} {token.state:<8} {','.join(token.scopes)}  {expires}, "
                   f"{used}, acts as {token.acts_as}")
    typer.echo(f"{len(found)} token(s).")


@token_app.command("revoke")
@reports_errors
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (from `pos api token list`).")],
    reason: Annotated[str, typer.Option(help="Why, for the audit.")] = "",
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Revoke a token: every request with it is refused from now on."""
    from pos_tui.services.api import tokens

    with closing(acting_session(db, config, user)) as session:
        token = tokens.revoke_token(session, token_id, reason)
    typer.echo(f"Token {token.token_id} ({token.name}) is revoked.")


@api_app.command("serve")
@reports_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default [api] host, 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default [api] port, 8080).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Serve the API (its own process; see systemd/pos-api.service). Stops on Ctrl-C or SIGTERM."""
    import uvicorn

    from pos_tui.api.app import create_app
    from pos_tui.cli.common import PROCESS, settings_from

    settings = settings_from(config)
    app = create_app(settings, db, read_only=PROCESS.read_only)
    bind_host, bind_port = host or settings.api.host, port or settings.api.port
    typer.echo(f"pos api listening on http://{bind_host}:{bind_port}/api/ (OpenAPI at /api/openapi.json)", err=True)
    uvicorn.run(app, host=bind_host, port=bind_port, log_level="warning", access_log=False)


@webhook_app.command("add")
@reports_errors
def webhook_add(
    url: Annotated[str, typer.Argument(help="Where to POST deliveries.")],
    event: Annotated[list[str], typer.Option("--event", help="sale.completed, stock.low, ... (repeat).")],
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Subscribe URL to events from the next journal entry on; prints the signing secret once."""
    from pos_tui.services.api import webhooks

    with closing(acting_session(db, config, user)) as session:
        hook, secret = webhooks.add_webhook(session, url, event)
    typer.echo(secret)
    typer.echo(f"Webhook {hook.webhook_id} -> {hook.url}: {', '.join(hook.events)}. The secret above signs every "
               "delivery (Standard Webhooks); it is shown this once.", err=True)


@webhook_app.command("list")
@reports_errors
def webhook_list(db: DbOption = None, config: ConfigOption = None) -> None:
    """Every subscription, its state and how far it is delivered."""
    from pos_tui.services.api import webhooks

    with closing(session_from(db, config, read_only=True)) as session:
        for hook in webhooks.list_webhooks(session):
            state = f"disabled: {hook.disabled_reason}" if hook.disabled_seq else "enabled"
            through = webhooks.delivered_through(session, hook.webhook_id)
            typer.echo(f"{hook.webhook_id}  {hook.url}  {','.join(hook.events)}  {state}, delivered through seq "
                       f"{hook.starts_after_seq if through is None else through}")


@webhook_app.command("replay")
@reports_errors
def webhook_replay(
    webhook_id: Annotated[str, typer.Argument(help="The subscription (from `pos api webhook list`).")],
    from_seq: Annotated[int, typer.Option("--from-seq", help="Journal seq to deliver again from.")],
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Deliver again from a journal seq (same ids as before), enabling the subscription if it was disabled."""
    from pos_tui.services.api import webhooks

    with closing(acting_session(db, config, user)) as session:
        hook = webhooks.replay_webhook(session, webhook_id, from_seq)
    typer.echo(f"Webhook {hook.webhook_id} delivers again from seq {from_seq}.")


@webhooks_app.command("run")
@reports_errors
def webhooks_run(db: DbOption = None, config: ConfigOption = None) -> None:
    """Deliver webhooks until stopped (its own process; see systemd/pos-api-webhooks.service)."""
    import signal
    import threading

    from pos_tui.services.api.dispatcher import Dispatcher

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with closing(session_from(db, config, user="system")) as session:
        dispatcher = Dispatcher(session)
        typer.echo("pos api webhooks: delivering", err=True)
        try:
            dispatcher.run(stop)
        finally:
            dispatcher.close()
