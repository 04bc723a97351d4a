"""Store records in batches through ``RecordStore.upsert_many``; then commit page state.

Order matters for resuming: a page's :class:`PageDone` is queued behind its items, and page
state is written only after the batch holding those items is committed. A crawl killed
between the two re-fetches the page; the id-keyed upsert makes the repeat harmless.

Sightings of one id within one crawl are folded (:mod:`crawlers.pipelines.fold`): each is
stored with the item's folded content and its own provenance, so a list row and its detail
page make one record, one version, with both sources.
"""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from sqlalchemy.exc import IntegrityError

from core.records import Record
from core.settings import normalize_database_url
from core.store import RecordStore
from crawlers.distributed import STORE_COMMITTED
from crawlers.items import PageDone, RowItem
from crawlers.pipelines.fold import fill_in, with_provenance
from crawlers.state import CrawlState


class StorePipeline:
    def __init__(self, crawler: Crawler, url: str, batch_size: int) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.signals = crawler.signals
        self.store = RecordStore.from_url(normalize_database_url(url))
        self.state = CrawlState(self.store.engine)
        self.batch_size = batch_size
        self.records: list[Record] = []
        self.pages: list[PageDone] = []
        self.ids: dict[str, set[str]] = {"new": set(), "updated": set(), "unchanged": set()}
        self.folded: dict[str, Record] = {}  # id -> the item's content so far in this crawl

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        url = crawler.settings.get("SCENEHUB_DATABASE_URL")
        if not url:
            raise NotConfigured("SCENEHUB_DATABASE_URL is not set: items are not stored")
        return cls(crawler, url, crawler.settings.getint("SCENEHUB_STORE_BATCH", 200))

    def process_item(self, item: Any, spider: Spider) -> Any:
        if isinstance(item, RowItem) and item.record is not None:
            sighting = self.fold(item.record.with_id())  # may rewrite the pending batch
            self.records.append(sighting)
        elif isinstance(item, PageDone):
            self.pages.append(item)
        if len(self.records) >= self.batch_size or len(self.pages) >= self.batch_size * 4:
            self.flush(spider)
        return item

    def fold(self, record: Record) -> Record:
        """The sighting with the item's content folded over this crawl's earlier sightings;
        earlier sightings still waiting in the batch take the fuller content too."""
        assert record.id is not None
        earlier = self.folded.get(record.id)
        if earlier is None:
            self.folded[record.id] = record
            return record
        content, conflicts = fill_in(earlier, record)
        self.stats.inc_value("scenehub/items/folded")
        if conflicts:
            self.stats.inc_value("scenehub/items/folded_conflicts", conflicts)
        if content is not earlier:
            self.folded[record.id] = content
            self.records = [
                with_provenance(content, r) if r.id == record.id else r for r in self.records
            ]
        return with_provenance(content, record)

    def flush(self, spider: Spider) -> None:
        if self.records:
            try:
                report = self.store.upsert_many(self.records)
            except IntegrityError:
                # another writer (a distributed peer, an import) inserted one of these ids
                # between our read and our insert; the batch rolled back whole: run it again
                self.stats.inc_value("scenehub/store/retried_batch")
                report = self.store.upsert_many(self.records)
            for name in ("new", "updated", "unchanged"):
                ids = getattr(report, name)
                self.ids[name].update(ids)
                self.stats.inc_value(f"scenehub/items/{name}", len(ids))
            self.records = []
        if self.pages:
            run_id = getattr(spider, "run_id", None)
            self.state.save_pages(spider.name_for_state(), self.pages, run_id)  # type: ignore[attr-defined]
            self.pages = []
        # distributed workers acknowledge their requests only now (crawlers.reliable)
        self.signals.send_catch_log(signal=STORE_COMMITTED)

    def close_spider(self, spider: Spider) -> None:
        self.flush(spider)
        self.store.engine.dispose()
