"""Crawl bounds and start-page bookkeeping, as counted stats the report reads.

* :class:`CountingDepthMiddleware` is Scrapy's ``DEPTH_LIMIT`` that also counts the links it
  drops (``scenehub/limits/depth_skipped``): a crawl that hit its depth limit says so.
* :class:`StartPagesMiddleware` counts start pages that reached the spider with a response
  (``scenehub/start_pages/ok``; redirects followed, HTTP errors already filtered out), so a
  crawl whose start pages all failed can end with its own exit status.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.depth import DepthMiddleware
from scrapy.statscollectors import StatsCollector

DEPTH_SKIPPED = "scenehub/limits/depth_skipped"
START_PAGES_OK = "scenehub/start_pages/ok"


class CountingDepthMiddleware(DepthMiddleware):
    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        processed = super().get_processed_request(request, response)
        if processed is None:
            self.stats.inc_value(DEPTH_SKIPPED)
        return processed


class StartPagesMiddleware:
    """Placed after HttpErrorMiddleware: only responses a callback will parse arrive here."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StartPagesMiddleware:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_spider_input(self, response: Response, spider: Spider) -> None:
        # start requests carry no depth; everything they lead to has depth >= 1
        if response.meta.get("depth", 0) == 0:
            self.stats.inc_value(START_PAGES_OK)
