"""``scenehub db upgrade``: apply schema migrations."""

from __future__ import annotations

import typer

from core.db import make_engine, upgrade
from core.settings import get_settings


def upgrade_command() -> None:
    """Apply every pending migration to the configured store."""
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    revisions = upgrade(make_engine(settings.resolved_database_url))
    typer.echo(f"schema at {', '.join(revisions)}")


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Database schema management.", no_args_is_help=True)
    group.command("upgrade")(upgrade_command)
    app.add_typer(group, name="db")
