"""Build the :class:`Record`; a schema violation drops the item, its raw row kept in the report."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from core.ingest.build import json_safe
from core.records import Record
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
        if not item.kind:
            reason = "kind undecided (pass --kind scene|capability)"
        elif not item.fields.get("title"):
            reason = "no title (no 名称/标题 column or label)"
        else:
            try:
                item.record = Record.model_validate(
                    {
                        **{k: v for k, v in item.fields.items() if not k.startswith("_")},
                        "kind": item.kind,
                        "source_url": item.source_url,
                        "attachment_url": item.attachment_url,
                        "raw": json_safe(item.row),
                    }
                ).with_id()
            except ValidationError as exc:
                reason = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
                )
        if reason is None:
            self.stats.inc_value("scenehub/items/valid")
            return item
        self.stats.inc_value("scenehub/items/dropped/schema")
        if len(self.rejected) < MAX_REJECTED_KEPT:
            self.rejected.append(
                {"location": item.location, "reason": reason, "raw": json_safe(item.row)}
            )
        raise DropItem(f"{item.location}: {reason}")
