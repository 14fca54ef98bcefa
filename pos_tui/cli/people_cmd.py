"""`pos user`: add users, list them, set PINs, change roles, lift lockouts, show the role matrix."""

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
    new_pin,
    reports_errors,
    session_from,
    settings_from,
)
from pos_tui.domain.permissions import Action
from pos_tui.services.staff import authz, users

ROLE_HELP = "cashier, supervisor, manager, admin, or a role from the config (see `pos user roles`)."
user_app = command_group(help="Users and PINs.", no_args_is_help=True)


def _pin(pin: str | None, username: str) -> str:
    if pin is not None:
        return pin
    return new_pin(username, "nothing was changed")


@user_app.command("add")
@reports_errors
def add(
    username: Annotated[str, typer.Argument(help="Login name, e.g. ayesha.")],
    role: Annotated[str, typer.Option(help=ROLE_HELP)] = "cashier",
    name: Annotated[str, typer.Option(help="Name shown on screen and receipts.")] = "",
    pin: Annotated[str | None, typer.Option(help="PIN (asked for when not given; never shown or logged).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Add a user with a role and a PIN."""
    with closing(acting_session(db, config, user)) as session:
        added = users.add_user(session, username, _pin(pin, username), role=role, display_name=name)
    typer.echo(f"Added {added.username} ({added.display_name}), role {added.role}.")


@user_app.command("list")
@reports_errors
def list_(db: DbOption = None, config: ConfigOption = None) -> None:
    """List users and their roles."""
    with closing(session_from(db, config, read_only=True)) as session:
        for found in users.list_users(session):
            typer.echo(f"{found.username:<16} {found.role:<11} {found.display_name}")


@user_app.command("set-pin")
@reports_errors
def set_pin(
    username: str,
    pin: Annotated[str | None, typer.Option(help="New PIN (asked for when not given).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Give a user a new PIN (an admin's reset)."""
    with closing(acting_session(db, config, user)) as session:
        users.set_pin(session, username, _pin(pin, username))
    typer.echo(f"New PIN set for {username}.")


@user_app.command("unlock")
@reports_errors
def unlock(
    username: str,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Lift a PIN lockout before it runs out."""
    with closing(acting_session(db, config, user)) as session:
        users.unlock_user(session, username)
    typer.echo(f"{username} is unlocked.")


@user_app.command("role")
@reports_errors
def role(
    username: str,
    new_role: Annotated[str, typer.Argument(help=ROLE_HELP)],
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Give a user another role."""
    with closing(acting_session(db, config, user)) as session:
        users.change_role(session, username, new_role)
    typer.echo(f"{username} is now a {new_role}.")


@user_app.command("roles")
@reports_errors
def roles(config: ConfigOption = None, db: DbOption = None) -> None:
    """The permission matrix: which role may take which action alone."""
    settings = settings_from(config)
    names = authz.known_roles(settings)
    matrix = {name: authz.role_actions(settings, name) for name in names}
    width = max(len(action.value) for action in Action)
    typer.echo(f"{'action':<{width}}  " + "  ".join(names))
    for action in Action:
        marks = "  ".join(f"{'yes' if action in matrix[name] else '-':^{len(name)}}" for name in names)
        typer.echo(f"{action.value:<{width}}  {marks}")
