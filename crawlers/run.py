"""Run one crawl in this process (Twisted reactors cannot restart: callers use a subprocess).

``python -m crawlers.run --source NAME`` / ``--url URL --kind auto`` crawls, stores, writes
the report to the database and prints it as JSON on stdout. ``scenehub crawl`` runs exactly
this in a child process, so a killed crawl can simply be run again: finished pages are
skipped (their state is in ``crawl_pages``), unfinished ones re-fetched.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.misc import load_object

from core.settings import get_settings, normalize_database_url
from core.store import RecordStore
from crawlers import settings as crawl_settings
from crawlers.distributed import DistributedError
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
    fast: bool = False,
    overrides: dict[str, Any] | None = None,
    distributed: dict[str, Any] | None = None,
) -> Settings:
    settings = Settings()
    settings.setmodule(crawl_settings, priority="project")
    settings.set("SCENEHUB_DATABASE_URL", database_url)
    settings.set("ROBOTSTXT_OBEY", source.obey_robots)
    if source.download_delay is not None:
        settings.set("DOWNLOAD_DELAY", source.download_delay)
    if source.concurrency is not None:
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", source.concurrency)
    if fast:
        settings.setdict(crawl_settings.LOOPBACK_OVERRIDES, priority="cmdline")
    if distributed:
        settings.setdict(distributed, priority="cmdline")
    settings.setdict(overrides or {}, priority="cmdline")
    return settings


def crawl(
    source: Source,
    database_url: str,
    fast: bool = False,
    overrides: dict[str, Any] | None = None,
    distributed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Crawl one source to the end (or to a shutdown signal) and return its stored report.

    ``distributed``: scrapy-redis settings from :func:`crawlers.distributed.redis_settings`.
    """
    store = RecordStore.from_url(normalize_database_url(database_url))
    state = CrawlState(store.engine)
    if distributed:  # one run for all workers of the crawl
        from crawlers.distributed import open_shared_run

        run_id, resumed = open_shared_run(state, source, distributed)
    else:
        run_id, resumed = state.start_run(source.name, source.kind, list(source.start_urls))
    page_states = state.pages(source.state_key)
    started = time.perf_counter()
    process = CrawlerProcess(scrapy_settings(source, database_url, fast, overrides, distributed))
    crawler = process.create_crawler(spider_class(source))
    process.crawl(crawler, source=source, run_id=run_id, page_states=page_states)
    status = "failed"
    try:
        process.start()
        report = build_report(crawler, source, run_id, resumed, time.perf_counter() - started)
        status = report["status"]
    finally:
        if status == "failed":
            report = {"run_id": run_id, "source": source.name, "status": "failed"}
        if distributed:  # the last worker of the crawl writes the merged report
            from crawlers.distributed import close_shared_run

            merged = close_shared_run(state, report, status, distributed)
            if merged is not None:
                state.finish_run(run_id, merged, merged["status"])
        else:
            state.finish_run(run_id, report, status)
        store.engine.dispose()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawlers.run")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--source")
    target.add_argument("--url")
    parser.add_argument("--kind", default=None, choices=["scene", "capability", "auto"])
    parser.add_argument("--base-url", default=None)
    parser.add_argument("--fast", action="store_true")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--distributed", action="store_true", help="share a scrapy-redis queue")
    parser.add_argument("--join", action="store_true", help="join a distributed crawl")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    settings = get_settings()
    try:
        if args.source:
            source = get_source(args.source, settings.home / "sources")
            if args.kind:
                from dataclasses import replace

                source = replace(source, kind=args.kind)
        else:
            source = source_for_url(args.url, args.kind or "auto")
        if args.base_url:
            source = source.with_base_url(args.base_url)
        spider_class(source)  # fail here, with the file's name, not inside Scrapy
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    overrides: dict[str, Any] = {"SCENEHUB_PROGRESS": args.progress}
    try:
        overrides.update(parse_overrides(args.set))
    except ValueError as exc:
        print(f"error: --set {exc}", file=sys.stderr)
        return 2
    distributed = None
    if args.distributed or args.join:
        from crawlers.distributed import redis_settings

        distributed = redis_settings(source, settings.redis_url, join=args.join)
    try:
        report = crawl(source, settings.resolved_database_url, args.fast, overrides, distributed)
    except DistributedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False, default=str))
    return 0 if report.get("status") in {"finished", "interrupted"} else 1


def parse_overrides(items: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` Scrapy settings; values parsed as JSON when they are (numbers, true,
    lists). A value whose type disagrees with Scrapy's default for a number or a switch is
    refused here, not discovered as a failure on every request."""
    from scrapy.settings import default_settings

    overrides: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip() or not key.replace("_", "").isalnum() or not key.isupper():
            raise ValueError(f"{item!r}: expected KEY=VALUE with an upper-case Scrapy setting name")
        try:
            value: Any = json.loads(text)
        except ValueError:
            value = text
        default = getattr(default_settings, key, None)
        if isinstance(default, bool) and not isinstance(value, bool):
            raise ValueError(f"{key} takes true or false, not {text!r}")
        if (
            isinstance(default, int | float)
            and not isinstance(default, bool)
            and (isinstance(value, bool) or not isinstance(value, int | float))
        ):
            raise ValueError(f"{key} takes a number, not {text!r}")
        overrides[key] = value
    return overrides


if __name__ == "__main__":
    raise SystemExit(main())
