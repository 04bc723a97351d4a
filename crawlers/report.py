"""The end-of-crawl report: built from the crawler's stats, printed and stored with the run."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from scrapy.crawler import Crawler

from crawlers.extraction.ocr import HOW_TO_ENABLE
from crawlers.middlewares.limits import DEPTH_SKIPPED, START_PAGES_OK
from crawlers.pipelines.store import StorePipeline
from crawlers.pipelines.validate import ValidatePipeline
from crawlers.sources import Source
from crawlers.spiders.base import PortalSpider

_SHOWN_URLS = 10


def build_report(
    crawler: Crawler, source: Source, run_id: int, resumed: bool, elapsed: float
) -> dict[str, Any]:
    stats = crawler.stats.get_stats() if crawler.stats else {}
    # typed components, looked up the Scrapy way (nothing hung on the crawler object)
    spider = crawler.spider if isinstance(crawler.spider, PortalSpider) else None
    store = crawler.get_item_pipeline(StorePipeline)
    validate = crawler.get_item_pipeline(ValidatePipeline)
    failures: dict[str, list[dict[str, str]]] = defaultdict(list)
    for failure in spider.failures if spider else []:
        failures[failure["reason"]].append({"url": failure["url"], "detail": failure["detail"]})
    ids = store.ids if store else {"new": set(), "updated": set(), "unchanged": set()}
    field_problems = {
        key.removeprefix("scenehub/field/"): value
        for key, value in sorted(stats.items())
        if key.startswith("scenehub/field/")
    }
    incremental = {
        key.removeprefix("scenehub/incremental/"): value
        for key, value in sorted(stats.items())
        if key.startswith("scenehub/incremental/")
    }
    links_skipped = {
        key.removeprefix("scenehub/links/skipped/"): int(value)
        for key, value in sorted(stats.items())
        if key.startswith("scenehub/links/skipped/")
    }
    mechanisms = {
        key.removeprefix("scenehub/list_mechanism/"): int(value)
        for key, value in sorted(stats.items())
        if key.startswith("scenehub/list_mechanism/")
    }
    postbacks = {
        key.removeprefix("scenehub/postback/"): int(value)
        for key, value in sorted(stats.items())
        if key.startswith("scenehub/postback/")
    }
    ocr = {
        key.removeprefix("scenehub/ocr/"): int(value)
        for key, value in sorted(stats.items())
        if key.startswith("scenehub/ocr/")
    }
    if ocr.get("pages"):
        ocr["ms_per_page"] = ocr.get("milliseconds", 0) // ocr["pages"]
    if ocr.get("skipped"):
        ocr["how_to_enable"] = HOW_TO_ENABLE  # type: ignore[assignment]
    finish = str(stats.get("finish_reason", "unknown"))
    return {
        "run_id": run_id,
        "source": source.name,
        "kind": source.kind,
        "shape": source.shape,
        "start_urls": list(source.start_urls),
        "status": "finished" if finish in _FINISHED else "interrupted",
        "finish_reason": finish,
        "resumed": resumed,
        "elapsed_s": round(elapsed, 3),
        "pages_fetched": int(stats.get("downloader/response_count", 0)),
        "list_pages": spider.list_pages if spider else 0,
        "list_mechanisms": mechanisms,
        "item_links": int(stats.get("scenehub/links/items", 0)),
        # WebForms pages posted back: reached, refused (the server said no), repeated
        "postback_pages": postbacks,
        "frames_followed": int(stats.get("scenehub/frames/followed", 0)),
        "rows_with_detail": int(stats.get("scenehub/rows/with_detail", 0)),
        "items_folded": int(stats.get("scenehub/items/folded", 0)),
        # scanned pages and table images: pages, cells, low_confidence_cells, milliseconds,
        # ms_per_page; skipped (OCR off or missing) with how_to_enable
        "ocr": ocr,
        "links_skipped": links_skipped,
        "detail_pages": int(stats.get("scenehub/pages/detail", 0)),
        "attachments_read": int(stats.get("scenehub/attachments/read", 0)),
        "items_scraped": int(stats.get("scenehub/items/valid", 0)),
        "items_new": len(ids["new"]),
        "items_updated": len(ids["updated"]),
        "items_unchanged": len(ids["unchanged"] - ids["new"] - ids["updated"]),
        "dropped_schema": int(stats.get("scenehub/items/dropped/schema", 0)),
        "dropped_duplicate": int(stats.get("scenehub/items/dropped/duplicate", 0)),
        "retries": int(stats.get("retry/count", 0)),
        "encoding_corrected": int(stats.get("scenehub/encoding/corrected", 0)),
        "incremental": incremental,
        "field_problems": field_problems,
        "failure_count": sum(len(v) for v in failures.values()),
        "failures": dict(failures),
        "rejected": list(validate.rejected) if validate else [],
        "robots": {"obey": source.obey_robots, "reason": source.robots_reason},
        **_bounds(crawler, stats, source),
    }


#: a crawl stopped by its page limit finished (the report says so), it was not interrupted
_FINISHED = {"finished", "closespider_pagecount"}


def _bounds(crawler: Crawler, stats: dict[str, Any], source: Source) -> dict[str, Any]:
    """Start pages reached, limits hit, addresses refused: what the exit status is read from."""
    settings = crawler.settings
    return {
        "start_pages": 0 if settings.getbool("SCENEHUB_JOIN") else len(source.start_urls),
        "start_pages_ok": int(stats.get(START_PAGES_OK, 0)),
        "list_pages_empty": int(stats.get("scenehub/list_pages/empty", 0)),
        "limits": {
            "max_pages": settings.getint("CLOSESPIDER_PAGECOUNT"),
            "max_depth": settings.getint("DEPTH_LIMIT"),
            "page_limit_reached": stats.get("finish_reason") == "closespider_pagecount",
            "depth_skipped": int(stats.get(DEPTH_SKIPPED, 0)),
        },
        "refused": {
            key.removeprefix("scenehub/refused/"): int(value)
            for key, value in sorted(stats.items())
            if key.startswith("scenehub/refused/")
        },
    }


def format_report(report: dict[str, Any]) -> str:
    """A short human summary; ``scenehub crawls show`` prints the rest."""
    lines = [
        f"crawl #{report['run_id']} of {report['source']}: {report['status']}"
        f"{' (resumed an interrupted crawl)' if report.get('resumed') else ''}"
        f" in {report['elapsed_s']:.1f}s",
        f"  pages fetched: {report['pages_fetched']} ({report['list_pages']} list, "
        f"{report.get('detail_pages', 0)} detail pages; {report['attachments_read']} "
        f"attachments read)",
        f"  items: {report['items_new']} new, {report['items_updated']} updated, "
        f"{report['items_unchanged']} unchanged; dropped {report['dropped_schema']} invalid, "
        f"{report['dropped_duplicate']} duplicate",
    ]
    skipped = report.get("links_skipped") or {}
    lines.append(
        f"  list entries: {report.get('item_links', 0)} item links"
        + (
            f" ({', '.join(f'{k} {v}' for k, v in report['list_mechanisms'].items())})"
            if report.get("list_mechanisms")
            else ""
        )
        + "; links skipped: "
        + (", ".join(f"{k} {v}" for k, v in skipped.items()) if skipped else "none")
    )
    if report.get("postback_pages") or report.get("frames_followed"):
        postbacks = ", ".join(f"{k} {v}" for k, v in report.get("postback_pages", {}).items())
        lines.append(
            f"  postback pages: {postbacks or 'none'}; frames followed: "
            f"{report.get('frames_followed', 0)}"
        )
    ocr = report.get("ocr") or {}
    if ocr.get("pages"):
        lines.append(
            f"  OCR: {ocr['pages']} page(s), {ocr.get('cells', 0)} cells "
            f"({ocr.get('low_confidence_cells', 0)} low-confidence, kept in raw), "
            f"{ocr.get('ms_per_page', 0)} ms a page"
        )
    if ocr.get("skipped"):
        lines.append(f"  OCR skipped for {ocr['skipped']} file(s): {ocr['how_to_enable']}")
    if report.get("list_pages_empty"):
        lines.append(
            f"  list pages that yielded no items: {report['list_pages_empty']} (see list_empty)"
        )
    if report.get("incremental"):
        skipped = ", ".join(f"{k} {v}" for k, v in report["incremental"].items())
        lines.append(f"  incremental: {skipped}")
    if report.get("field_problems"):
        problems = ", ".join(f"{k} {v}" for k, v in report["field_problems"].items())
        lines.append(f"  field problems: {problems}")
    robots = report.get("robots", {})
    if robots and not robots.get("obey"):
        lines.append(f"  robots.txt ignored: {robots.get('reason')}")
    lines.extend(_limit_lines(report))
    lines.append(f"  failures: {report['failure_count']}")
    for reason, entries in sorted(report.get("failures", {}).items()):
        lines.append(f"    {reason} ({len(entries)}):")
        for entry in entries[:_SHOWN_URLS]:
            lines.append(f"      {entry['url']}  {entry['detail']}")
        if len(entries) > _SHOWN_URLS:
            lines.append(f"      … {len(entries) - _SHOWN_URLS} more (scenehub crawls show)")
    return "\n".join(lines)


def _limit_lines(report: dict[str, Any]) -> list[str]:
    limits = report.get("limits") or {}
    lines = []
    if limits.get("page_limit_reached"):
        lines.append(
            f"  stopped at the page limit ({limits['max_pages']} pages): "
            "raise it with --max-pages N (0: no limit)"
        )
    if limits.get("depth_skipped"):
        lines.append(
            f"  depth limit {limits['max_depth']}: {limits['depth_skipped']} deeper links not "
            "followed (--max-depth N, 0: no limit)"
        )
    if report.get("refused"):
        refused = ", ".join(f"{k} {v}" for k, v in report["refused"].items())
        lines.append(f"  refused addresses: {refused} (SCENEHUB_CRAWL_ALLOW_NETWORKS)")
    return lines
