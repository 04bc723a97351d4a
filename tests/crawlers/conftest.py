"""Crawler test helpers: a spider without a running crawler, stats as a plain dict."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from crawlers.sources import Source
from crawlers.spiders.base import PortalSpider

DATA = Path(__file__).parents[1] / "data" / "crawlers"


class Stats(Counter[str]):
    """The slice of Scrapy's StatsCollector that our code uses."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] += count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.get(key, default)

    def get_stats(self) -> dict[str, Any]:
        return dict(self)


@pytest.fixture(autouse=True)
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Crawler tests crawl servers they start on 127.0.0.1: they allow loopback explicitly
    (crawls refuse it by default); the guard's own tests take this away again."""
    monkeypatch.setenv("SCENEHUB_CRAWL_ALLOW_NETWORKS", "127.0.0.0/8")


@pytest.fixture
def public_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default policy: no network allowed beyond public addresses."""
    monkeypatch.delenv("SCENEHUB_CRAWL_ALLOW_NETWORKS", raising=False)


@pytest.fixture
def stats() -> Stats:
    return Stats()


@pytest.fixture
def make_spider(stats: Stats) -> Any:
    def make(cls: type[PortalSpider] = PortalSpider, **source: Any) -> PortalSpider:
        spec = {"name": "test", "start_urls": ("http://h/",), **source}
        spider = cls(source=Source(**spec))
        spider.crawler = SimpleNamespace(stats=stats)  # type: ignore[assignment]
        return spider

    return make
