"""Published headers -> record fields, through the one synonym table in ``core.headers``.

Also settles the kind (``auto``: from the headers, then the list's heading) and fills
fields the page gave around the row: list name, batch, section (as the domain), publish date.
Unknown columns stay only in the raw row.
"""

from __future__ import annotations

from core.headers import join_repeated, map_headers
from crawlers.extraction.classify import classify
from crawlers.items import RowItem
from crawlers.pipelines.base import FieldPipeline


class MapColumnsPipeline(FieldPipeline):
    def process_row(self, item: RowItem) -> None:
        headers = [h for h in item.row if not h.startswith("_")]
        for mapping in map_headers(headers):
            value = item.row[mapping.header]
            if mapping.field is None:
                self.stats.inc_value("scenehub/columns/unmapped")
                continue
            if value is None or value == "":
                continue
            if mapping.field in item.fields and mapping.field not in {"title", "id"}:
                item.fields[mapping.field] = join_repeated(
                    mapping.field, item.fields[mapping.field], value
                )
            else:
                item.fields.setdefault(mapping.field, value)
            item.columns.setdefault(mapping.field, mapping.header)
            if mapping.multiplier != 1:
                item.fields["_budget_multiplier"] = mapping.multiplier
        item.fields.pop("id", None)  # list serial numbers are not identities
        if item.continued_org:
            self.flag(item, "org_from_row_above")  # the published firm cell was blank
        if item.section and "domain_raw" not in item.fields:
            item.fields["domain_raw"] = item.section
        if item.list_name and "list_name" not in item.fields:
            item.fields["list_name"] = item.list_name
        if item.batch and "batch" not in item.fields:
            item.fields["batch"] = item.batch
        if item.page_published and "published_at" not in item.fields:
            item.fields["published_at"] = item.page_published
        if item.kind in (None, "auto"):
            kind = classify(headers, item.list_name, item.row.get("标题"))
            item.kind = kind.value if kind else None
            self.stats.inc_value(f"scenehub/kind/auto/{item.kind or 'undecided'}")
