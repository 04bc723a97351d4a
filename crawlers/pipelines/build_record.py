"""A published row -> a :class:`Record`, through the one path ``scenehub ingest`` uses too
(``core.ingest.build.build_record``): header synonyms, text folding, dates, money, districts
and domains are normalised there, so a list imported as a file and crawled from a portal
hashes the same.

What is the crawler's own stays here: settling the kind (``auto``: from the headers, then
the list's heading) and the page around the row (list name, batch, section, publish date,
the year for dates printed without one). A value that cannot be read is left empty and
counted (``scenehub/field/<field>/<code>``); the item is kept with its raw row.
"""

from __future__ import annotations

from core.ingest.build import RowContext, build_record
from crawlers.extraction.classify import classify
from crawlers.items import RowItem
from crawlers.pipelines.base import FieldPipeline

#: problems that mean the row is no record at all; the validate pipeline drops it
_FATAL = frozenset({"missing", "invalid"})


class BuildRecordPipeline(FieldPipeline):
    def process_row(self, item: RowItem) -> None:
        headers = [h for h in item.row if not h.startswith("_")]
        if item.kind in (None, "auto"):
            kind = classify(headers, item.list_name, item.row.get("标题"))
            item.kind = kind.value if kind else None
            self.stats.inc_value(f"scenehub/kind/auto/{item.kind or 'undecided'}")
        context = RowContext(
            kind=item.kind,
            default_year=item.page_year,
            page_fields={
                "domain_raw": item.section,
                "list_name": item.list_name,
                "batch": item.batch,
                "published_at": item.page_published,
            },
            source_url=item.source_url,
            attachment_url=item.attachment_url,
            published_ids=False,  # list serial numbers are not identities
            flags=("org_from_row_above",) if item.continued_org else (),
        )
        built = build_record(item.row, context, strict=False)
        if built.unmapped_columns:
            self.stats.inc_value("scenehub/columns/unmapped", built.unmapped_columns)
        for problem in built.problems:
            if problem.code not in _FATAL:
                self.problem(problem.code, problem.field)
        item.record = built.record
        if built.record is None:
            item.rejection = "; ".join(p.message for p in built.problems if p.code in _FATAL)
