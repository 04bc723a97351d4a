"""One progress line on stderr every few seconds (``scenehub crawl`` on a terminal).

Switched on by ``SCENEHUB_PROGRESS``; raises ``NotConfigured`` otherwise, like Scrapy's own
optional components.
"""

from __future__ import annotations

import sys

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ProgressExtension:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        if not crawler.settings.getbool("SCENEHUB_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler, crawler.settings.getfloat("SCENEHUB_PROGRESS_INTERVAL", 2.0))
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def line(self) -> str:
        stats = self.crawler.stats
        assert stats is not None

        def get(key: str) -> int:
            return int(stats.get_value(key, 0) or 0)

        skipped = sum(
            int(v) for k, v in stats.get_stats().items() if k.startswith("scenehub/incremental/")
        )
        failures = sum(
            int(v) for k, v in stats.get_stats().items() if k.startswith("scenehub/failures/")
        )
        return (
            f"pages {get('downloader/response_count')} · items {get('scenehub/items/valid')} "
            f"(stored new {get('scenehub/items/new')}, updated {get('scenehub/items/updated')}) "
            f"· unchanged pages skipped {skipped} · failures {failures}"
        )

    def show(self) -> None:
        print(f"\r{self.line()}", end="", file=sys.stderr, flush=True)

    def opened(self) -> None:
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.show()
        print(file=sys.stderr, flush=True)
