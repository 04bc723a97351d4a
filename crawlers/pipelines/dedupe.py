"""Drop an item seen twice in one crawl at the same place with the same raw row.

The same item on two pages is *not* a duplicate: both go to the store, which keeps one
record with both sources.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawlers.items import RowItem


class DedupePipeline:
    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Spider) -> Any:
        if not isinstance(item, RowItem) or item.record is None:
            return item
        record = item.record
        key = json.dumps(
            [record.id, record.source_url, record.attachment_url, record.raw],
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
        if digest in self.seen:
            self.stats.inc_value("scenehub/items/dropped/duplicate")
            raise DropItem(f"{item.location}: duplicate of an item already stored in this crawl")
        self.seen.add(digest)
        return item
