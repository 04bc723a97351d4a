"""``scenehub crawl``, ``sources``, ``crawls`` and ``sample-portal``: crawl portals into the store.

A crawl runs in a child process (``python -m crawlers.run``): Twisted's reactor cannot be
restarted, and a child that is killed leaves the CLI able to say so. Running the same
command again resumes: pages whose items were stored are skipped, the rest re-fetched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Annotated, Any

import typer

from api.deps import get_store
from core.settings import get_settings
from crawlers.report import format_report
from crawlers.sources import SourceError, load_sources
from crawlers.state import CrawlState


def _run_crawl(args: list[str]) -> dict[str, Any]:
    env = dict(os.environ)
    env.setdefault("SCENEHUB_HOME", str(get_settings().home))
    command = [sys.executable, "-m", "crawlers.run", *args]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        out, _ = child.communicate()
    except KeyboardInterrupt:
        # the child got the same SIGINT: Scrapy finishes the pages in flight and stores them
        typer.echo("\nstopping after the pages in flight (Ctrl-C again to force)…", err=True)
        try:
            out, _ = child.communicate()
        except KeyboardInterrupt:
            child.kill()
            child.wait()
            typer.echo("killed: run the same command again to resume.", err=True)
            raise typer.Exit(130) from None
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if child.returncode == 2 or not lines:
        raise typer.Exit(child.returncode or 1)
    report: dict[str, Any] = json.loads(lines[-1])
    return report


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
    with portal:
        return _run_crawl(["--source", "sample-portal", "--base-url", portal.url, "--fast"])


def register(app: typer.Typer) -> None:
    @app.command("crawl")
    def crawl(
        url: Annotated[
            str | None, typer.Argument(help="A list page, detail page or file URL.")
        ] = None,
        kind: Annotated[
            str, typer.Option(help="scene | capability | auto (decided per list from its headers).")
        ] = "auto",
        source: Annotated[
            str | None, typer.Option("--source", help="A source entry (scenehub sources list).")
        ] = None,
        base_url: Annotated[
            str | None, typer.Option(help="Serve a source's start URLs from another host:port.")
        ] = None,
        fast: Annotated[
            bool,
            typer.Option(
                "--fast", help="Politeness off (no delay, no AutoThrottle): loopback only."
            ),
        ] = False,
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
    ) -> None:
        """Crawl URL (or --source NAME) into the store and print the crawl report."""
        if (url is None) == (source is None):
            typer.echo("error: give either a URL or --source NAME (not both).", err=True)
            raise typer.Exit(2)
        if join and source is None:
            typer.echo("error: --join needs --source NAME (the crawl to join).", err=True)
            raise typer.Exit(2)
        if kind not in {"scene", "capability", "auto"}:
            typer.echo(f"error: --kind must be scene, capability or auto, not {kind!r}", err=True)
            raise typer.Exit(2)
        args = ["--source", source] if source else ["--url", str(url)]
        if source is None or kind != "auto":
            args += ["--kind", kind]
        if base_url:
            args += ["--base-url", base_url]
        if fast:
            args.append("--fast")
        if distributed:
            args.append("--distributed")
        if join:
            args.append("--join")
        if sys.stderr.isatty():
            args.append("--progress")
        for item in setting or []:
            args += ["--set", item]
        report = _run_crawl(args)
        typer.echo(format_report(report))
        if report.get("status") == "interrupted":
            typer.echo("interrupted: run the same command again to resume.", err=True)
            raise typer.Exit(130)
        if report.get("status") != "finished":
            raise typer.Exit(1)

    sources_app = typer.Typer(help="Declarative crawl sources (crawlers/sources/*.toml).")
    app.add_typer(sources_app, name="sources")

    @sources_app.command("list")
    def sources_list() -> None:
        """Every source with its start URLs and its last crawl."""
        settings = get_settings()
        try:
            sources = load_sources(settings.home / "sources")
        except SourceError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
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

    crawls_app = typer.Typer(help="Crawl runs and their reports.")
    app.add_typer(crawls_app, name="crawls")

    @crawls_app.command("list")
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

    @crawls_app.command("show")
    def crawls_show(
        run_id: Annotated[int, typer.Argument(help="A run id from `scenehub crawls list`.")],
        as_json: Annotated[bool, typer.Option("--json", help="The whole stored report.")] = False,
    ) -> None:
        """One crawl's report: counts, failures by reason with URLs, rejected rows."""
        run = CrawlState(get_store().engine).run(run_id)
        if run is None:
            typer.echo(f"error: no crawl with id {run_id}", err=True)
            raise typer.Exit(1)
        if as_json or (not run.report.get("pages_fetched") and run.status != "finished"):
            typer.echo(
                json.dumps(run.report or {"status": run.status}, ensure_ascii=False, indent=2)
            )
            return
        typer.echo(format_report(run.report))
        for rejected in run.report.get("rejected", [])[:20]:
            typer.echo(f"  rejected {rejected['location']}: {rejected['reason']}")

    portal_app = typer.Typer(help="The offline sample portal (demo, tests, benchmark).")
    app.add_typer(portal_app, name="sample-portal")

    @portal_app.command("serve")
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
            typer.echo(f"error: cannot listen on {host}:{port}: {exc}", err=True)
            raise typer.Exit(1) from exc
        typer.echo(f"sample portal at http://{host}:{server.server_address[1]} (Ctrl-C stops)")
        serve_until_interrupted(server)
