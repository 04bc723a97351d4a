"""Dates: 2025年7月15日, 2025.07.15, 2025/7/15, and 7月15日 with the year from the page."""

from __future__ import annotations

from core.normalize.dates import DateParseError, parse_date
from crawlers.items import RowItem
from crawlers.pipelines.base import FieldPipeline


class NormalizeDatesPipeline(FieldPipeline):
    def process_row(self, item: RowItem) -> None:
        published = item.fields.get("published_at")
        for name in ("published_at", "deadline"):
            value = item.fields.get(name)
            if value is None:
                continue
            year = item.page_year
            if name == "deadline" and hasattr(published, "year"):
                year = published.year  # type: ignore[union-attr]
            try:
                item.fields[name] = parse_date(value, default_year=year)
            except DateParseError:
                item.fields[name] = None
                self.problem("unparsed", name)
            if name == "published_at":
                published = item.fields[name]
