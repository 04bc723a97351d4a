"""Keep a distributed worker open while the shared queue is briefly empty.

Another worker may still be parsing a page that will enqueue more requests; a worker closes
only after ``SCENEHUB_IDLE_CLOSE`` seconds without any request or response of its own.
"""

from __future__ import annotations

import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured


class IdleCloseExtension:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.idle_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IdleCloseExtension:
        seconds = crawler.settings.getfloat("SCENEHUB_IDLE_CLOSE", 0.0)
        if seconds <= 0:
            raise NotConfigured
        extension = cls(seconds)
        crawler.signals.connect(extension.busy, signal=signals.request_scheduled)
        crawler.signals.connect(extension.busy, signal=signals.response_received)
        crawler.signals.connect(extension.idle, signal=signals.spider_idle)
        return extension

    def busy(self) -> None:
        self.idle_since = None

    def idle(self) -> None:
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.seconds:
            raise DontCloseSpider
