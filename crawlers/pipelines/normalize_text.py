"""Full-width/half-width folding and whitespace for every text field."""

from __future__ import annotations

from core.normalize.text import clean_text
from core.records import TEXT_FIELDS as RECORD_TEXT_FIELDS
from crawlers.items import RowItem
from crawlers.pipelines.base import FieldPipeline

TEXT_FIELDS = ("title", *RECORD_TEXT_FIELDS)


class NormalizeTextPipeline(FieldPipeline):
    def process_row(self, item: RowItem) -> None:
        for name in TEXT_FIELDS:
            if name in item.fields:
                item.fields[name] = clean_text(item.fields[name])
