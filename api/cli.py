"""The ``scenehub`` command line: one typer app, one module per command group.

Every command is a module-level function (importable and testable); failures are
:class:`~api.services.errors.ServiceError` s mapped to one ``error:`` line and an exit
status by :class:`~api.commands.common.CommandGroup`, in one place.
"""

from __future__ import annotations

import typer

from api.commands import (
    alerts,
    contrib,
    crawl,
    db,
    demo,
    ingest,
    jobs,
    loop,
    match,
    notify,
    records,
    scheduler,
    serve,
    users,
)
from api.commands.common import CommandGroup
from core.settings import SettingsError

app = typer.Typer(
    name="scenehub",
    help="Scene opportunity and capability lists: crawl, store, match, rank contributors.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=CommandGroup,
)

for module in (db, ingest, records, serve, demo, crawl, match, alerts, contrib, users, loop):
    module.register(app)
for module in (scheduler, jobs, notify):
    module.register(app)


def main() -> None:
    try:
        app()
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()
