"""Domains onto the policy taxonomy: from the 领域 cell, else from title and description."""

from __future__ import annotations

from core.normalize.domains import normalize_domains
from crawlers.items import RowItem
from crawlers.pipelines.base import FieldPipeline


class NormalizeDomainsPipeline(FieldPipeline):
    def process_row(self, item: RowItem) -> None:
        fields = item.fields
        domains = normalize_domains(fields.get("domain_raw"))
        if not domains:
            domains = normalize_domains(fields.get("title"), fields.get("description"))
            if fields.get("domain_raw"):
                self.problem("unmapped", "domains")
        if not domains:
            self.problem("none", "domains")
        fields["domains"] = domains
