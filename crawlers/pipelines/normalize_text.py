"""Full-width/half-width folding and whitespace for every text field."""

from __future__ import annotations

from core.normalize.text import clean_text
from crawlers.items import RowItem
from crawlers.pipelines.base import FieldPipeline

TEXT_FIELDS = (
    "title",
    "org",
    "domain_raw",
    "description",
    "tech_requirements",
    "district",
    "region",
    "contact",
    "cooperation_mode",
    "qualifications",
    "cases",
    "product",
    "batch",
    "list_name",
)


class NormalizeTextPipeline(FieldPipeline):
    def process_row(self, item: RowItem) -> None:
        for name in TEXT_FIELDS:
            if name in item.fields:
                item.fields[name] = clean_text(item.fields[name])
