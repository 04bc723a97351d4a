"""``scenehub crawl``, ``sources``, ``crawls`` and ``sample-portal``: crawl portals into the store.

A crawl runs in a child process (``crawlers.launch``): Twisted's reactor cannot be restarted,
and a child that is killed leaves the CLI able to say so. Running the same command again
resumes: pages whose items were stored are skipped, the rest re-fetched. Every way a crawl
can fail is a :class:`crawlers.errors.CrawlError`; the CLI's one error idiom
(:class:`api.commands.common.CommandGroup` through :func:`api.services.errors.translate`)
turns it into ``error: …`` and the crawl's own exit status.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from api.deps import get_store
from api.services.crawls import run_source
from api.services.errors import NotFound
from core.settings import get_settings
from crawlers.errors import EXIT_CODES, CrawlError, CrawlOptionsError
from crawlers.options import URL_CRAWL_MAX_DEPTH, URL_CRAWL_MAX_PAGES, CrawlKind, CrawlOptions
from crawlers.outcome import outcome
from crawlers.report import format_report
from crawlers.sources import SourceError, load_sources
from crawlers.state import CrawlState


def _stopping() -> None:
    typer.echo("\nstopping after the pages in flight (Ctrl-C again to force)…", err=True)


def run_crawl(options: CrawlOptions) -> dict[str, Any]:
    """Crawl in a child process; the report, whatever its outcome."""
    return run_source(options, on_interrupt=_stopping)


#: the demo serves the portal on one port, so its pages keep their URLs from run to run
#: (a new port each run would make every item "seen at a new source" again)
DEMO_PORT = 8750


def crawl_sample_portal(scale: int = 1, port: int = DEMO_PORT) -> dict[str, Any]:
    """For the demo: serve the sample portal on loopback (``port``, or any free port when it
    is taken), crawl it into the store (politeness off: loopback), stop it, return the report."""
    from crawlers.sample_portal import serve_in_thread

    try:
        portal = serve_in_thread(port=port, scale=scale)
    except OSError:
        typer.echo(f"port {port} is taken: serving the sample portal on a free port", err=True)
        portal = serve_in_thread(scale=scale)
    # the portal is served here, on loopback: allowed explicitly (crawls refuse it by default)
    options = CrawlOptions(
        source="sample-portal", base_url=portal.url, fast=True, allow_networks=("127.0.0.0/8",)
    )
    with portal:
        return run_crawl(options)


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
    error = outcome(report)
    if error is not None:
        raise error


crawl.__doc__ = f"{crawl.__doc__}\n\n    {_EXIT_HELP}."


def sources_list() -> None:
    """Every source with its start URLs and its last crawl."""
    try:
        sources = load_sources(get_settings().home / "sources")
    except SourceError as exc:
        raise CrawlOptionsError(str(exc)) from None
    last = CrawlState(get_store().engine).last_runs()
    for name, entry in sorted(sources.items()):
        run = last.get(name)
        when = (
            f"last crawl #{run.id} {run.started_at:%Y-%m-%d %H:%M} {run.status}: "
            f"{run.items_new} new, {run.items_updated} updated, {run.failures} failures"
            if run
            else "never crawled"
        )
        robots = "" if entry.obey_robots else f" [robots.txt ignored: {entry.robots_reason}]"
        typer.echo(f"{name}  ({entry.kind}, {entry.shape}){robots}  {when}")
        for start in entry.start_urls:
            typer.echo(f"    {start}")


def crawls_list(
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many runs.")] = 20,
) -> None:
    """Recent crawl runs, newest first."""
    runs = CrawlState(get_store().engine).runs(source, limit)
    if not runs:
        typer.echo("no crawls yet.")
    for run in runs:
        typer.echo(
            f"#{run.id}  {run.started_at:%Y-%m-%d %H:%M:%S}  {run.source}  {run.status}  "
            f"pages {run.pages_fetched}  new {run.items_new}  updated {run.items_updated}  "
            f"unchanged {run.items_unchanged}  failures {run.failures}"
        )


def crawls_show(
    run_id: Annotated[int, typer.Argument(help="A run id from `scenehub crawls list`.")],
    as_json: Annotated[bool, typer.Option("--json", help="The whole stored report.")] = False,
) -> None:
    """One crawl's report: counts, failures by reason with URLs, rejected rows."""
    run = CrawlState(get_store().engine).run(run_id)
    if run is None:
        raise NotFound(f"no crawl with id {run_id}")
    if as_json or (not run.report.get("pages_fetched") and run.status != "finished"):
        typer.echo(json.dumps(run.report or {"status": run.status}, ensure_ascii=False, indent=2))
        return
    typer.echo(format_report(run.report))
    if run.report.get("reason"):
        typer.echo(f"  outcome: {run.report['reason']}")
    for rejected in run.report.get("rejected", [])[:20]:
        typer.echo(f"  rejected {rejected['location']}: {rejected['reason']}")


def portal_serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free port).")] = 8750,
    scale: Annotated[int, typer.Option(min=1, help="N×60 detail pages.")] = 1,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
) -> None:
    """Serve the sample portal until Ctrl-C; crawl it with
    ``scenehub crawl --source sample-portal --base-url URL``."""
    from crawlers.sample_portal.server import make_server, serve_until_interrupted

    try:
        server = make_server(host, port, scale)
    except OSError as exc:
        raise CrawlError(f"cannot listen on {host}:{port}: {exc}") from None
    typer.echo(f"sample portal at http://{host}:{server.server_address[1]} (Ctrl-C stops)")
    serve_until_interrupted(server)


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
