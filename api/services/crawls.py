"""Crawl sources, runs and reports; running a crawl (:func:`run_source`, the one launcher the
CLI, the admin page's background crawl and the scheduler share); the offline sample portal.

The faces reach ``crawlers`` only through here: the crawl options model and the report's
text form are re-exported for the CLI's options and output."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.services.errors import InvalidInput, NotFound, UsageError
from api.services.policy import Action, Principal, authorize
from core.settings import get_settings
from core.store import RecordStore
from crawlers.errors import EXIT_CODES, CrawlError
from crawlers.launch import run_in_child
from crawlers.options import URL_CRAWL_MAX_DEPTH, URL_CRAWL_MAX_PAGES, CrawlKind, CrawlOptions
from crawlers.outcome import outcome
from crawlers.report import format_report
from crawlers.sources import Source, SourceError, load_sources
from crawlers.state import CrawlState

__all__ = [
    "EXIT_CODES",
    "URL_CRAWL_MAX_DEPTH",
    "URL_CRAWL_MAX_PAGES",
    "CrawlKind",
    "CrawlOptions",
    "SourceInfo",
    "crawl_failure",
    "crawl_sample_portal",
    "format_report",
    "get_run",
    "list_runs",
    "list_sources",
    "raise_for_outcome",
    "run_source",
    "sample_portal_server",
    "scheduled_sources",
    "start_crawl",
]


@dataclass
class SourceInfo:
    name: str
    kind: str
    shape: str
    start_urls: list[str]
    obey_robots: bool
    robots_reason: str | None
    last_run: dict[str, Any] | None


def _run_dict(run: Any) -> dict[str, Any]:
    return {
        "id": run.id,
        "source": run.source,
        "status": run.status,
        "started_at": run.started_at,
        "pages_fetched": run.pages_fetched,
        "items_new": run.items_new,
        "items_updated": run.items_updated,
        "items_unchanged": run.items_unchanged,
        "failures": run.failures,
    }


def _sources(home: Path | None = None) -> dict[str, Source]:
    try:
        return load_sources((home or get_settings().home) / "sources")
    except SourceError as exc:
        raise UsageError(str(exc)) from exc


def list_sources(store: RecordStore) -> list[SourceInfo]:
    last = CrawlState(store.engine).last_runs()
    return [
        SourceInfo(
            name=name,
            kind=str(entry.kind),
            shape=str(entry.shape),
            start_urls=list(entry.start_urls),
            obey_robots=bool(entry.obey_robots),
            robots_reason=entry.robots_reason,
            last_run=_run_dict(last[name]) if name in last else None,
        )
        for name, entry in sorted(_sources().items())
    ]


def list_runs(
    store: RecordStore, source: str | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    if not 1 <= limit <= 200:
        raise InvalidInput("limit must lie in 1..200", field="limit")
    return [_run_dict(run) for run in CrawlState(store.engine).runs(source, limit)]


def get_run(store: RecordStore, run_id: int) -> dict[str, Any]:
    run = CrawlState(store.engine).run(run_id)
    if run is None:
        raise NotFound(f"no crawl with id {run_id}")
    return _run_dict(run) | {"report": run.report or {}}


def run_source(
    options: CrawlOptions, *, on_interrupt: Callable[[], None] = lambda: None
) -> dict[str, Any]:
    """Crawl as ``options`` say in a child process (Twisted reactors cannot restart) and return
    its stored report, whatever its outcome (:func:`crawl_failure` reads it).

    Raises :class:`crawlers.errors.CrawlError` when the child could not crawl at all (bad
    source entry or options, a crash); its message is the child's own one-line reason.
    """
    return run_in_child(options, get_settings().home, on_interrupt=on_interrupt)


def crawl_failure(report: dict[str, Any]) -> str | None:
    """The one reader of a report's outcome: None for a crawl that did its job, else why not
    (one line: start pages unreachable, nothing found, interrupted, crashed)."""
    error = outcome(report)
    return None if error is None else str(error)


def raise_for_outcome(report: dict[str, Any]) -> None:
    """Raise the crawl's own error (with its exit status) when it did not do its job."""
    error = outcome(report)
    if error is not None:
        raise error


def scheduled_sources(home: Path | None = None) -> dict[str, str]:
    """Source name -> schedule, for the operator's sources (``$SCENEHUB_HOME/sources/*.toml``)
    that have one; the built-in entries (a template, the offline sample portal) are crawled
    only on request."""
    folder = ((home or get_settings().home) / "sources").resolve()
    return {
        name: source.schedule
        for name, source in _sources(home).items()
        if source.schedule and source.path and Path(source.path).resolve().parent == folder
    }


def crawl_for_job(source: str) -> dict[str, Any]:
    """The scheduler's crawl of one source through :func:`run_source`; a crawl that could not
    run or did not do its job raises :class:`CrawlError` with its one-line reason."""
    report = run_source(CrawlOptions(source=source))
    failure = crawl_failure(report)
    if failure is not None:
        raise CrawlError(failure)
    return report


#: the demo serves the portal on one port, so its pages keep their URLs from run to run
#: (a new port each run would make every item "seen at a new source" again)
DEMO_PORT = 8750


def crawl_sample_portal(
    scale: int = 1,
    port: int = DEMO_PORT,
    *,
    say: Callable[[str], None] = lambda _line: None,
    on_interrupt: Callable[[], None] = lambda: None,
) -> dict[str, Any]:
    """For the demo: serve the sample portal on loopback (``port``, or any free port when it
    is taken), crawl it into the store (politeness off: loopback), stop it, return the report."""
    from crawlers.sample_portal import serve_in_thread

    try:
        portal = serve_in_thread(port=port, scale=scale)
    except OSError:
        say(f"port {port} is taken: serving the sample portal on a free port")
        portal = serve_in_thread(scale=scale)
    # the portal is served here, on loopback: allowed explicitly (crawls refuse it by default)
    options = CrawlOptions(
        source="sample-portal", base_url=portal.url, fast=True, allow_networks=("127.0.0.0/8",)
    )
    with portal:
        return run_source(options, on_interrupt=on_interrupt)


def sample_portal_server(
    host: str, port: int, scale: int, *, say: Callable[[str], None] = lambda _line: None
) -> None:
    """Serve the sample portal in the foreground until Ctrl-C (``say`` gets its URL)."""
    from crawlers.sample_portal.server import make_server, serve_until_interrupted

    try:
        server = make_server(host, port, scale)
    except OSError as exc:
        raise CrawlError(f"cannot listen on {host}:{port}: {exc}") from None
    say(f"sample portal at http://{host}:{server.server_address[1]} (Ctrl-C stops)")
    serve_until_interrupted(server)


def start_crawl(source: str, *, who: Principal | None, base_url: str | None = None) -> int:
    """Start ``scenehub crawl --source NAME`` (which calls :func:`run_source`) as a detached
    child; return its pid. The request only starts it: the crawl stores its own run and
    report, which ``GET /api/v1/crawls`` lists once it begins.
    """
    authorize(who, Action.CRAWL_START)
    if source not in _sources():
        raise NotFound(f"no crawl source named {source!r}")
    args = [sys.executable, "-m", "api.cli", "crawl", "--source", source]
    if base_url:
        args += ["--base-url", base_url]
    log_dir = get_settings().home / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log = (log_dir / f"crawl-{source}.log").open("ab")
    env = dict(os.environ, SCENEHUB_HOME=str(Path(get_settings().home).resolve()))
    child = subprocess.Popen(
        args, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    log.close()
    return child.pid
