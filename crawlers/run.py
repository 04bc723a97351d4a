"""Run one crawl in this process (Twisted reactors cannot restart: callers use a subprocess).

``scenehub crawl`` starts ``python -P -m crawlers.run OPTIONS_JSON`` (see
``crawlers.launch``): the child crawls, stores, writes the report to the database and prints
it as JSON on stdout. A killed crawl can simply be run again: finished pages are skipped
(their state is in ``crawl_pages``), unfinished ones re-fetched.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.misc import load_object

from core.settings import get_settings, normalize_database_url
from core.store import RecordStore
from crawlers import settings as crawl_settings
from crawlers.errors import CrawlError, CrawlOptionsError
from crawlers.launch import die_with_parent
from crawlers.netguard import parse_networks
from crawlers.options import CrawlKind, CrawlOptions
from crawlers.outcome import outcome, stored_status
from crawlers.report import build_report
from crawlers.sources import Source, SourceError, get_source, source_for_url
from crawlers.spiders import SPIDERS, PortalSpider
from crawlers.state import CrawlState


def spider_class(source: Source) -> type[PortalSpider]:
    """The source's own site spider if it names one, else the base spider of its shape."""
    if not source.spider:
        return SPIDERS[source.shape]
    try:
        cls = load_object(source.spider)
    except (ImportError, AttributeError, ValueError, NameError) as exc:
        raise SourceError(
            f"{source.path}: spider {source.spider!r} cannot be loaded: {exc}"
        ) from exc
    if not (isinstance(cls, type) and issubclass(cls, PortalSpider)):
        raise SourceError(f"{source.path}: spider {source.spider!r} is not a PortalSpider")
    return cls


def scrapy_settings(
    source: Source,
    database_url: str,
    options: CrawlOptions,
    allow_networks: tuple[str, ...] = (),
    distributed: dict[str, Any] | None = None,
) -> Settings:
    """Our defaults, the source's politeness, then the options (``--set`` last: it wins)."""
    settings = Settings()
    settings.setmodule(crawl_settings, priority="project")
    settings.set("SCENEHUB_DATABASE_URL", database_url)
    settings.set("ROBOTSTXT_OBEY", source.obey_robots)
    if source.download_delay is not None:
        settings.set("DOWNLOAD_DELAY", source.download_delay)
    if source.concurrency is not None:
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", source.concurrency)
    if options.fast:
        settings.setdict(crawl_settings.LOOPBACK_OVERRIDES, priority="cmdline")
    if distributed:
        settings.setdict(distributed, priority="cmdline")
    settings.set("SCENEHUB_ALLOW_NETWORKS", list(allow_networks), priority="cmdline")
    settings.set("CLOSESPIDER_PAGECOUNT", options.page_limit, priority="cmdline")
    settings.set("DEPTH_LIMIT", options.depth_limit, priority="cmdline")
    settings.set("SCENEHUB_PROGRESS", options.progress, priority="cmdline")
    settings.setdict(options.settings, priority="cmdline")
    return settings


def crawl(
    source: Source,
    database_url: str,
    options: CrawlOptions,
    allow_networks: tuple[str, ...] = (),
    distributed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Crawl one source to the end (or to a shutdown signal) and return its stored report.

    ``distributed``: scrapy-redis settings from :func:`crawlers.distributed.redis_settings`.
    """
    store = RecordStore.from_url(normalize_database_url(database_url))
    state = CrawlState(store.engine)
    run_id, resumed = state.start_run(
        source.name, source.kind, list(source.start_urls), shared=bool(distributed)
    )
    page_states = state.pages(source.state_key)
    started = time.perf_counter()
    settings = scrapy_settings(source, database_url, options, allow_networks, distributed)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_class(source))
    process.crawl(crawler, source=source, run_id=run_id, page_states=page_states)
    crashed = True
    try:
        process.start()
        report = build_report(crawler, source, run_id, resumed, time.perf_counter() - started)
        crashed = False
    finally:
        if crashed:
            report = {"run_id": run_id, "source": source.name, "status": "failed"}
        state.finish_run(run_id, report, stored_status(report))
        store.engine.dispose()
    return report


def resolve_source(options: CrawlOptions, home: Path) -> Source:
    """The source to crawl: a named entry or an ad-hoc one for the URL, with the options'
    kind and base URL applied. Raises :class:`SourceError` naming the file and the key."""
    if options.source:
        source = get_source(options.source, home / "sources")
        if options.kind:
            source = replace(source, kind=options.kind.value)
    else:
        source = source_for_url(str(options.url), (options.kind or CrawlKind.AUTO).value)
    if options.base_url:
        source = source.with_base_url(options.base_url)
    spider_class(source)  # fail here, with the file's name, not inside Scrapy
    return source


def run(options: CrawlOptions) -> dict[str, Any]:
    """The child's work: crawl as the options say and return the report (with its outcome)."""
    settings = get_settings()
    try:
        source = resolve_source(options, settings.home)
    except SourceError as exc:
        raise CrawlOptionsError(str(exc)) from None
    entries = [
        *settings.crawl_allow_networks.split(","),
        *source.allow_networks,
        *options.allow_networks,
    ]
    networks = tuple(dict.fromkeys(str(network) for network in parse_networks(entries)))
    distributed = None
    if options.distributed or options.join:
        from crawlers.distributed import redis_settings

        distributed = redis_settings(source, settings.redis_url, join=options.join)
    return crawl(source, settings.resolved_database_url, options, networks, distributed)


def main(argv: list[str] | None = None) -> int:
    """``python -P -m crawlers.run OPTIONS_JSON``: prints one JSON line on stdout, the report
    or ``{"error": ..., "exit_code": ...}``, and exits with the outcome's code."""
    args = sys.argv[1:] if argv is None else argv
    try:
        if len(args) != 1:
            raise CrawlOptionsError("usage: python -P -m crawlers.run OPTIONS_JSON")
        options = CrawlOptions.from_json(args[0])
        die_with_parent(options.parent_pid)
        report = run(options)
    except CrawlError as exc:
        print(json.dumps({"error": str(exc), "exit_code": exc.exit_code}, ensure_ascii=False))
        return exc.exit_code
    print(json.dumps(report, ensure_ascii=False, default=str))
    error = outcome(report)
    return 0 if error is None else error.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
