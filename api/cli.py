"""The ``scenehub`` command line: one typer app, one module per command group.

Every command is a module-level function (importable and testable); failures are
:class:`~api.services.errors.ServiceError` s mapped to one ``error:`` line and an exit
status by :class:`~api.commands.group.CommandGroup`, in one place.

The commands are listed from :data:`COMMANDS` and their modules imported only when one runs
(:class:`~api.commands.group.LazyGroup`): ``scenehub --help`` imports no engine, no web
framework and no database driver. A new command group adds its line here.
"""

from __future__ import annotations

import typer

from api.commands.group import Lazy, LazyGroup

#: name -> the module whose ``register(app)`` defines it, and its help's first paragraph
COMMANDS: dict[str, Lazy] = {
    "ingest": Lazy(
        "api.commands.ingest",
        "Import FILE. A bad line stops the import and nothing of the file is stored.",
    ),
    "records": Lazy("api.commands.records", "List, show and export stored records."),
    "db": Lazy("api.commands.db", "Database schema management."),
    "serve": Lazy(
        "api.commands.serve", "Serve the site and the JSON API (/api/v1, docs at /docs)."
    ),
    "demo": Lazy(
        "api.commands.demo",
        "Run the whole job offline: ingest, crawl, index and match, pull and rank.",
    ),
    "crawl": Lazy(
        "api.commands.crawl",
        "Crawl URL (or --source NAME) into the store and print the crawl report.",
    ),
    "sources": Lazy("api.commands.crawl", "Declarative crawl sources (crawlers/sources/*.toml)."),
    "crawls": Lazy("api.commands.crawl", "Crawl runs and their reports."),
    "sample-portal": Lazy(
        "api.commands.crawl", "The offline sample portal (demo, tests, benchmark)."
    ),
    "index": Lazy(
        "api.commands.match", "Build or update the scene and capability indexes from the store."
    ),
    "match": Lazy(
        "api.commands.match",
        "Match a scene to suppliers, a supplier to scenes, or free text to either.",
    ),
    "eval": Lazy(
        "api.commands.match",
        "nDCG@10, Recall@10/50, MRR and missed@10 for BM25, each embedder, and fused.",
    ),
    "alerts": Lazy(
        "api.commands.alerts",
        "Per subscription: new records since its last run that match above its threshold.",
    ),
    "subscribe": Lazy("api.commands.alerts", "Saved profile queries that `scenehub alerts` runs."),
    "contrib": Lazy("api.commands.contrib", "Hub contribution tracker and award ranking."),
    "sample-hub": Lazy(
        "api.commands.contrib", "The offline sample hub (HF, ModelScope, GitHub API shapes)."
    ),
    "users": Lazy("api.commands.users", "Accounts and roles for the site and the API."),
    "loop": Lazy(
        "api.commands.loop",
        "The matchmaking loop's figures: funnel, supply/demand, unanswered needs.",
    ),
    "scheduler": Lazy(
        "api.commands.scheduler",
        "Run scheduled jobs until stopped (Ctrl-C): source crawls on their `schedule`, each "
        "followed by an index refresh and the alerts; the monthly hub pull; alert retries.",
    ),
    "jobs": Lazy("api.commands.jobs", "Scheduled jobs: list them, run one now, see past runs."),
    "notify": Lazy("api.commands.notify", "Deliver alerts: email, signed webhook, Atom feed."),
}


class ScenehubGroup(LazyGroup):
    table = COMMANDS


app = typer.Typer(
    name="scenehub",
    help="Scene opportunity and capability lists: crawl, store, match, rank contributors.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=ScenehubGroup,
)


@app.callback()
def scenehub() -> None:
    """Scene opportunity and capability lists: crawl, store, match, rank contributors."""


def main() -> None:
    try:
        app()
    except Exception as exc:
        # imported only on failure: the settings (pydantic) are not needed to print --help
        from core.settings import SettingsError

        if not isinstance(exc, SettingsError):
            raise
        typer.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()
