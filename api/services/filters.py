"""One filter object for every face: ``RecordFilter`` → matching's ``Filters``.

The CLI fills it from ``--domain``/``--budget-min``…, the API from query parameters, the
pages from a form; all three get the same parsing and the same error for a bad value.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from api.services.errors import InvalidInput
from core.normalize.dates import DateParseError, parse_date
from core.normalize.money import parse_money
from matching.facets import Filters

#: every free-text input is bounded: a long query holds a CPU for seconds (issue 8)
MAX_QUERY_CHARS = 2000
MAX_VALUES = 50  # repeatable filter values per field


class RecordFilter(BaseModel):
    """Conditions on records; empty means "any". Money and dates as people write them."""

    model_config = ConfigDict(extra="forbid")

    domains: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    districts: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    regions: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    batches: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    sources: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    open_only: bool = False
    open_on: str | None = Field(default=None, max_length=40)
    budget_min: str | None = Field(default=None, max_length=40)
    budget_max: str | None = Field(default=None, max_length=40)

    def to_filters(self, today: date | None = None) -> Filters:
        day: date | None = (today or date.today()) if self.open_only else None
        if self.open_on:
            try:
                day = parse_date(self.open_on)
            except DateParseError as exc:
                raise InvalidInput(f"open_on: {exc}", field="open_on") from exc
        for name, values in self._labels().items():
            for value in values:
                if len(value) > 200:
                    raise InvalidInput(f"{name}: a value is longer than 200 characters", field=name)
        return Filters(
            domains=[v.strip() for v in self.domains if v.strip()],
            districts=[v.strip() for v in self.districts if v.strip()],
            regions=[v.strip() for v in self.regions if v.strip()],
            batches=[v.strip() for v in self.batches if v.strip()],
            sources=[v.strip() for v in self.sources if v.strip()],
            open_on=day,
            budget_min=_money(self.budget_min, "budget_min"),
            budget_max=_money(self.budget_max, "budget_max"),
        )

    def _labels(self) -> dict[str, list[str]]:
        return {
            "domains": self.domains,
            "districts": self.districts,
            "regions": self.regions,
            "batches": self.batches,
            "sources": self.sources,
        }


def _money(value: str | None, name: str) -> int | None:
    if value is None or not value.strip():
        return None
    parsed = parse_money(value)
    if parsed.unparsed or parsed.amount_cny is None:
        raise InvalidInput(f"{name} {value!r} is not an amount (e.g. 500000 or 50万)", field=name)
    return parsed.amount_cny


def check_text(text: str, name: str = "q") -> str:
    """A stripped, bounded, non-empty query text."""
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInput(
            f"{name} is {len(text):,} characters; at most {MAX_QUERY_CHARS:,} are searched",
            field=name,
        )
    text = text.strip()
    if not text:
        raise InvalidInput(f"{name} is empty", field=name)
    return text
