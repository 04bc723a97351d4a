"""Districts: Hangzhou's districts and counties (old names folded), other cities as region."""

from __future__ import annotations

from core.normalize.districts import normalize_district
from crawlers.items import RowItem
from crawlers.pipelines.base import FieldPipeline


class NormalizeDistrictsPipeline(FieldPipeline):
    def process_row(self, item: RowItem) -> None:
        value = item.fields.get("district")
        if not value:
            return
        place = normalize_district(value)
        if place.unparsed:
            self.problem("unparsed", "district")  # kept as published
            return
        item.fields["district"] = place.district or value
        if place.region and not item.fields.get("region"):
            item.fields["region"] = place.region
