"""Read a crawl report's outcome: did it do its job, and if not, why (one line)?

A crawl "finishes" even when nothing worked, because single failures belong in the report;
but a crawl whose start pages all failed, or that read pages and found no items, did not do
what it was run for, and scripts and the scheduler must be able to tell by the exit status.
"""

from __future__ import annotations

from typing import Any

from crawlers.errors import (
    CrawlCrashed,
    CrawlError,
    CrawlInterrupted,
    NothingFound,
    StartPagesFailed,
)

#: per source: what to say when none of its start pages answers
UNREACHABLE_HINTS = {
    "sample-portal": "is the sample portal running? Start it with `scenehub sample-portal serve` "
    "(then pass --base-url if it is not on port 8750)",
}


def outcome(report: dict[str, Any]) -> CrawlError | None:
    """None for a crawl that did its job, else the error to end with (carrying the report)."""
    status = report.get("status")
    if status == "interrupted":
        return CrawlInterrupted("interrupted: run the same command again to resume.", report)
    if status != "finished":
        return CrawlCrashed(f"the crawl failed ({status}); see the messages above", report)
    starts = int(report.get("start_pages", 0))
    if starts and not report.get("start_pages_ok"):
        return StartPagesFailed(_start_failure(report, starts), report)
    if _found_nothing(report):
        return NothingFound(_nothing_found(report), report)
    return None


def stored_status(report: dict[str, Any]) -> str:
    """The run's status in ``crawl_runs``: ``failed`` when no start page could be fetched,
    ``empty`` when nothing was found; the one-line reason is kept in the report."""
    error = outcome(report)
    if isinstance(error, StartPagesFailed | NothingFound):
        report["reason"] = str(error)
        return "failed" if isinstance(error, StartPagesFailed) else "empty"
    return str(report.get("status", "failed"))


def _start_failure(report: dict[str, Any], starts: int) -> str:
    pages = "the start page" if starts == 1 else f"none of the {starts} start pages"
    first = _first_failure(report, set(report.get("start_urls", ())))
    if first is None:
        why = "no response reached the spider"
    else:
        reason, entry = first
        detail = entry["detail"]
        why = (
            f"{reason}: {detail}"
            if entry["url"] in detail
            else f"{reason}: {entry['url']} {detail}"
        )
    verb = "could not be fetched" if starts == 1 else "could be fetched"
    message = f"{pages} {verb} ({why})"
    hint = UNREACHABLE_HINTS.get(str(report.get("source")))
    if hint and first is not None and first[0] in {"connection", "timeout", "dns"}:
        message += f"; {hint}"
    return message


def _first_failure(
    report: dict[str, Any], start_urls: set[str]
) -> tuple[str, dict[str, str]] | None:
    """The failure of a start URL if there is one, else the first failure reported."""
    found = None
    for reason, entries in sorted(report.get("failures", {}).items()):
        for entry in entries:
            if entry["url"] in start_urls:
                return reason, entry
            if found is None:
                found = reason, entry
    return found


def _found_nothing(report: dict[str, Any]) -> bool:
    touched = (
        int(report.get("items_scraped", 0))
        + int(report.get("dropped_schema", 0))
        + int(report.get("dropped_duplicate", 0))
        + sum(int(v) for v in (report.get("incremental") or {}).values())
    )
    return touched == 0


def _nothing_found(report: dict[str, Any]) -> str:
    pages = int(report.get("pages_fetched", 0))
    parts = [f"no items found ({pages} page{'s' if pages != 1 else ''} fetched)"]
    empty = int(report.get("list_pages_empty", 0))
    if empty:
        parts.append(f"{empty} list page{'s' if empty != 1 else ''} without entries")
    limits = report.get("limits") or {}
    if limits.get("page_limit_reached"):
        parts.append(f"stopped at the page limit of {limits['max_pages']}")
    failures = int(report.get("failure_count", 0))
    if failures:
        first = _first_failure(report, set(report.get("start_urls", ())))
        if first is not None:
            parts.append(f"{failures} failure(s), e.g. {first[0]}: {first[1]['url']}")
    return "; ".join(parts) + " (is this a list page, detail page or list file?)"
