"""Crawler test helpers: a spider without a running crawler, stats as a plain dict."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from portal_helpers import Stats

from crawlers.sources import Source
from crawlers.spiders.base import PortalSpider

DATA = Path(__file__).parents[1] / "data" / "crawlers"


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
