"""The shared shape of a field pipeline: stats at hand, page markers passed through."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawlers.items import RowItem


class FieldPipeline:
    """Subclasses implement :meth:`process_row`; a problem is counted, never fatal."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FieldPipeline:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any, spider: Spider) -> Any:
        if isinstance(item, RowItem):
            self.process_row(item)
        return item

    def process_row(self, item: RowItem) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def problem(self, name: str, field: str) -> None:
        """Count a data-quality problem: ``scenehub/field/<field>/<name>``."""
        self.stats.inc_value(f"scenehub/field/{field}/{name}")
