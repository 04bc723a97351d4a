"""Drop an item that could not become a :class:`Record`, its raw row kept in the report.

The record is built by ``BuildRecordPipeline`` (the one row-to-record path in core)."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from core.ingest.build import json_safe
from crawlers.items import RowItem

MAX_REJECTED_KEPT = 500


class ValidatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        #: rows that could not become records, with why: they end up in the crawl report
        self.rejected: list[dict[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Spider) -> Any:
        if not isinstance(item, RowItem):
            return item
        reason = None
        if item.record is None:
            reason = item.rejection or "not built (BuildRecordPipeline missing?)"
        if reason is None:
            self.stats.inc_value("scenehub/items/valid")
            return item
        self.stats.inc_value("scenehub/items/dropped/schema")
        if len(self.rejected) < MAX_REJECTED_KEPT:
            self.rejected.append(
                {"location": item.location, "reason": reason, "raw": json_safe(item.row)}
            )
        raise DropItem(f"{item.location}: {reason}")
