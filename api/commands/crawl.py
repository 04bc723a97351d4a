"""``scenehub crawl``, ``sources``, ``crawls`` and ``sample-portal``: crawl portals into the store.

A crawl runs in a child process (``crawlers.launch``): Twisted's reactor cannot be restarted,
and a child that is killed leaves the CLI able to say so. Running the same command again
resumes: pages whose items were stored are skipped, the rest re-fetched. Every command calls
:mod:`api.services.crawls`; every way a crawl can fail is a crawl error, and the CLI's one
error idiom
(:class:`api.commands.group.CommandGroup` through :func:`api.services.errors.translate`)
turns it into ``error: …`` and the crawl's own exit status.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from api.services import crawls as service
from api.services.crawls import (
    EXIT_CODES,
    URL_CRAWL_MAX_DEPTH,
    URL_CRAWL_MAX_PAGES,
    CrawlKind,
    CrawlOptions,
    format_report,
)
from api.services.stores import get_store


def _stopping() -> None:
    typer.echo("\nstopping after the pages in flight (Ctrl-C again to force)…", err=True)


def run_crawl(options: CrawlOptions) -> dict[str, Any]:
    """Crawl in a child process; the report, whatever its outcome."""
    return service.run_source(options, on_interrupt=_stopping)


def crawl_sample_portal(scale: int = 1, port: int = service.DEMO_PORT) -> dict[str, Any]:
    """For the demo: crawl the sample portal served on loopback; the report."""
    return service.crawl_sample_portal(
        scale, port, say=lambda line: typer.echo(line, err=True), on_interrupt=_stopping
    )


_EXIT_HELP = "Exit status: " + "; ".join(
    f"{code} {meaning}" for code, meaning in EXIT_CODES.items()
)


def crawl(
    url: Annotated[str | None, typer.Argument(help="A list page, detail page or file URL.")] = None,
    kind: Annotated[
        CrawlKind | None,
        typer.Option(
            help="scene | capability | auto (decided per list from its headers). "
            "Default: the source's own kind; auto for a URL."
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="A source entry (scenehub sources list).")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="Serve a source's start URLs from another host:port.")
    ] = None,
    fast: Annotated[
        bool,
        typer.Option("--fast", help="Politeness off (no delay, no AutoThrottle): loopback only."),
    ] = False,
    max_pages: Annotated[
        int | None,
        typer.Option(
            min=0,
            help=f"Stop after this many pages (0: no limit). "
            f"Default: {URL_CRAWL_MAX_PAGES} for a URL, no limit for a source.",
        ),
    ] = None,
    max_depth: Annotated[
        int | None,
        typer.Option(
            min=0,
            help=f"Follow links at most this many hops from a start page (0: no limit). "
            f"Default: {URL_CRAWL_MAX_DEPTH} for a URL, no limit for a source.",
        ),
    ] = None,
    allow_network: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-network",
            help="A non-public network this crawl may reach, as CIDR (repeatable); "
            "adds to SCENEHUB_CRAWL_ALLOW_NETWORKS.",
        ),
    ] = None,
    setting: Annotated[
        list[str] | None, typer.Option("--set", help="Scrapy setting KEY=VALUE (repeatable).")
    ] = None,
    distributed: Annotated[
        bool,
        typer.Option(
            "--distributed",
            help="Start a crawl whose queue is shared in Redis (SCENEHUB_REDIS_URL).",
        ),
    ] = False,
    join: Annotated[
        bool, typer.Option("--join", help="Join the source's running distributed crawl.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the whole report as one JSON line.")
    ] = False,
) -> None:
    """Crawl URL (or --source NAME) into the store and print the crawl report.

    Loopback, private, link-local and cloud-metadata addresses are refused unless
    SCENEHUB_CRAWL_ALLOW_NETWORKS, --allow-network or the source lists their network.
    """
    options = CrawlOptions.build(
        url=url,
        source=source,
        kind=kind,
        base_url=base_url,
        fast=fast,
        max_pages=max_pages,
        max_depth=max_depth,
        allow_networks=tuple(allow_network or ()),
        distributed=distributed,
        join=join,
        progress=sys.stderr.isatty() and not as_json,
        set_items=setting,
    )
    report = run_crawl(options)
    typer.echo(
        json.dumps(report, ensure_ascii=False, default=str) if as_json else format_report(report)
    )
    service.raise_for_outcome(report)


crawl.__doc__ = f"{crawl.__doc__}\n\n    {_EXIT_HELP}."


def sources_list() -> None:
    """Every source with its start URLs and its last crawl."""
    for entry in service.list_sources(get_store()):
        run = entry.last_run
        when = (
            f"last crawl #{run['id']} {run['started_at']:%Y-%m-%d %H:%M} {run['status']}: "
            f"{run['items_new']} new, {run['items_updated']} updated, {run['failures']} failures"
            if run
            else "never crawled"
        )
        robots = "" if entry.obey_robots else f" [robots.txt ignored: {entry.robots_reason}]"
        typer.echo(f"{entry.name}  ({entry.kind}, {entry.shape}){robots}  {when}")
        for start in entry.start_urls:
            typer.echo(f"    {start}")


def crawls_list(
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many runs.")] = 20,
) -> None:
    """Recent crawl runs, newest first."""
    runs = service.list_runs(get_store(), source, limit)
    if not runs:
        typer.echo("no crawls yet.")
    for run in runs:
        typer.echo(
            f"#{run['id']}  {run['started_at']:%Y-%m-%d %H:%M:%S}  {run['source']}  "
            f"{run['status']}  pages {run['pages_fetched']}  new {run['items_new']}  "
            f"updated {run['items_updated']}  unchanged {run['items_unchanged']}  "
            f"failures {run['failures']}"
        )


def crawls_show(
    run_id: Annotated[int, typer.Argument(help="A run id from `scenehub crawls list`.")],
    as_json: Annotated[bool, typer.Option("--json", help="The whole stored report.")] = False,
) -> None:
    """One crawl's report: counts, failures by reason with URLs, rejected rows."""
    run = service.get_run(get_store(), run_id)
    report = run["report"]
    if as_json or (not report.get("pages_fetched") and run["status"] != "finished"):
        typer.echo(json.dumps(report or {"status": run["status"]}, ensure_ascii=False, indent=2))
        return
    typer.echo(format_report(report))
    if report.get("reason"):
        typer.echo(f"  outcome: {report['reason']}")
    for rejected in report.get("rejected", [])[:20]:
        typer.echo(f"  rejected {rejected['location']}: {rejected['reason']}")


def portal_serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free port).")] = 8750,
    scale: Annotated[int, typer.Option(min=1, help="N×60 detail pages.")] = 1,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
) -> None:
    """Serve the sample portal until Ctrl-C; crawl it with
    ``scenehub crawl --source sample-portal --base-url URL``."""
    service.sample_portal_server(host, port, scale, say=typer.echo)


def register(app: typer.Typer) -> None:
    app.command("crawl", help=crawl.__doc__)(crawl)
    sources_app = typer.Typer(help="Declarative crawl sources (crawlers/sources/*.toml).")
    sources_app.command("list")(sources_list)
    app.add_typer(sources_app, name="sources")
    crawls_app = typer.Typer(help="Crawl runs and their reports.")
    crawls_app.command("list")(crawls_list)
    crawls_app.command("show")(crawls_show)
    app.add_typer(crawls_app, name="crawls")
    portal_app = typer.Typer(help="The offline sample portal (demo, tests, benchmark).")
    portal_app.command("serve")(portal_serve)
    app.add_typer(portal_app, name="sample-portal")
