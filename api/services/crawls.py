"""Crawl sources, runs and reports; running a crawl (:func:`run_source`, the one launcher the
CLI, the admin page's background crawl and the scheduler share)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.services.errors import InvalidInput, NotFound
from api.services.policy import Action, Principal, authorize
from core.settings import get_settings
from core.store import RecordStore
from crawlers.launch import run_in_child
from crawlers.options import CrawlOptions
from crawlers.outcome import outcome
from crawlers.sources import Source, SourceError, load_sources
from crawlers.state import CrawlState


@dataclass
class SourceInfo:
    name: str
    kind: str
    shape: str
    start_urls: list[str]
    obey_robots: bool
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


def _sources() -> dict[str, Source]:
    try:
        return load_sources(get_settings().home / "sources")
    except SourceError as exc:
        raise InvalidInput(str(exc)) from exc


def list_sources(store: RecordStore) -> list[SourceInfo]:
    last = CrawlState(store.engine).last_runs()
    return [
        SourceInfo(
            name=name,
            kind=str(entry.kind),
            shape=str(entry.shape),
            start_urls=list(entry.start_urls),
            obey_robots=bool(entry.obey_robots),
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
