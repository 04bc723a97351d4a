"""Budgets: 500万元, 0.5亿元, 5,000,000元, a unit in the header; 面议 -> None plus a flag."""

from __future__ import annotations

from core.normalize.money import parse_money
from crawlers.items import RowItem
from crawlers.pipelines.base import FieldPipeline


class NormalizeMoneyPipeline(FieldPipeline):
    def process_row(self, item: RowItem) -> None:
        multiplier = int(item.fields.pop("_budget_multiplier", 1))
        if "budget_cny" not in item.fields:
            return
        money = parse_money(item.fields["budget_cny"], multiplier=multiplier)
        item.fields["budget_cny"] = money.amount_cny
        if money.negotiable:
            self.problem("negotiable", "budget_cny")
            self.flag(item, "budget_negotiable")
        elif money.unparsed:
            self.problem("unparsed", "budget_cny")
