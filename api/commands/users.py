"""``scenehub users add|list|disable``: accounts for the web pages and the API."""

from __future__ import annotations

from typing import Annotated

import typer

from api.services import accounts
from api.services.policy import Role
from api.services.stores import get_store


def add(
    username: Annotated[str, typer.Argument(help="Login name, no spaces.")],
    role: Annotated[Role, typer.Option("--role", help="publisher | supplier | committee | admin")],
    org: Annotated[
        str | None,
        typer.Option("--org", help="The organisation a publisher or supplier acts for."),
    ] = None,
    password: Annotated[
        str,
        typer.Option(
            "--password",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="Asked for when not given (at least 8 characters).",
        ),
    ] = "",
) -> None:
    """Create an account."""
    user = accounts.add_user(get_store(), username=username, password=password, role=role, org=org)
    where = f" for {user.org}" if user.org else ""
    typer.echo(f"user {user.username!r} added: {user.role.value}{where}")


def list_users() -> None:
    """Every account with its role, organisation and state."""
    users = accounts.list_users(get_store())
    if not users:
        typer.echo("no users yet: scenehub users add NAME --role admin")
    for user in users:
        state = "disabled" if user.disabled else "active"
        typer.echo(f"{user.username}  {user.role.value}  {user.org or '-'}  {state}")


def disable(username: Annotated[str, typer.Argument(help="The account to disable.")]) -> None:
    """Disable an account: it can no longer sign in and its API tokens stop working."""
    accounts.set_disabled(get_store(), username)
    typer.echo(f"user {username!r} disabled")


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Accounts and roles for the site and the API.", no_args_is_help=True)
    group.command("add")(add)
    group.command("list")(list_users)
    group.command("disable")(disable)
    app.add_typer(group, name="users")
