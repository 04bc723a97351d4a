"""The end-of-crawl report: built from the crawler's stats, printed and stored with the run."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from scrapy.crawler import Crawler

from crawlers.sources import Source

_SHOWN_URLS = 10


def build_report(
    crawler: Crawler, source: Source, run_id: int, resumed: bool, elapsed: float
) -> dict[str, Any]:
    stats = crawler.stats.get_stats() if crawler.stats else {}
    spider = crawler.spider
    failures: dict[str, list[dict[str, str]]] = defaultdict(list)
    for failure in getattr(spider, "failures", []):
        failures[failure["reason"]].append({"url": failure["url"], "detail": failure["detail"]})
    ids = getattr(
        crawler, "scenehub_store_ids", {"new": set(), "updated": set(), "unchanged": set()}
    )
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
    finish = str(stats.get("finish_reason", "unknown"))
    return {
        "run_id": run_id,
        "source": source.name,
        "kind": source.kind,
        "shape": source.shape,
        "start_urls": list(source.start_urls),
        "status": "finished" if finish == "finished" else "interrupted",
        "finish_reason": finish,
        "resumed": resumed,
        "elapsed_s": round(elapsed, 3),
        "pages_fetched": int(stats.get("downloader/response_count", 0)),
        "list_pages": int(getattr(spider, "list_pages", 0)),
        "list_pages_empty": int(stats.get("scenehub/list_pages/empty", 0)),
        "list_mechanisms": mechanisms,
        "item_links": int(stats.get("scenehub/links/items", 0)),
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
        "rejected": list(getattr(crawler, "scenehub_rejected", [])),
        "robots": {"obey": source.obey_robots, "reason": source.robots_reason},
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
    lines.append(f"  failures: {report['failure_count']}")
    for reason, entries in sorted(report.get("failures", {}).items()):
        lines.append(f"    {reason} ({len(entries)}):")
        for entry in entries[:_SHOWN_URLS]:
            lines.append(f"      {entry['url']}  {entry['detail']}")
        if len(entries) > _SHOWN_URLS:
            lines.append(f"      … {len(entries) - _SHOWN_URLS} more (scenehub crawls show)")
    return "\n".join(lines)
