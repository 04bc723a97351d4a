"""Per-record facets (domains, place, deadline, budget, batch, source) and the filters on them.

Filters turn into a boolean mask over index rows *before* any ranking: BM25 scores of
masked rows are dropped and FAISS searches only the allowed keys. A filter value that no
record carries is an error (a typo would otherwise silently return nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from core.normalize.districts import normalize_district
from core.normalize.domains import DOMAINS
from core.records import StoredRecord
from matching.errors import FilterError

Mask = npt.NDArray[np.bool_]


def record_facets(record: StoredRecord) -> dict[str, Any]:
    """What filters, explanations and collapsing need of a record, JSON-ready."""
    return {
        "title": record.title,
        "org": record.org,
        "domains": list(record.domains),
        "district": record.district,
        "region": record.region,
        "deadline": record.deadline.isoformat() if record.deadline else None,
        "budget_cny": record.budget_cny,
        "budget_low_cny": record.budget_low_cny,
        "budget_high_cny": record.budget_high_cny,
        "batch": record.batch,
        "sources": [s for s in [record.list_name, record.source_url, *record.sources] if s],
    }


def budget_bounds(facets: dict[str, Any]) -> tuple[int | None, int | None]:
    """(low, high) of a record's budget; facets saved before ranges carry only budget_cny."""
    if "budget_low_cny" in facets or "budget_high_cny" in facets:
        return facets.get("budget_low_cny"), facets.get("budget_high_cny")
    single = facets.get("budget_cny")
    return single, single


class FacetTable:
    """Column view of the row facets: inverted lists for labels, arrays for numbers."""

    def __init__(self, rows: Sequence[dict[str, Any]]) -> None:
        self.size = len(rows)
        self.labels: dict[str, dict[str, list[int]]] = {
            "domains": {},
            "district": {},
            "region": {},
            "batch": {},
            "sources": {},
        }
        self.deadline = np.zeros(self.size, dtype=np.int64)  # 0 = no deadline
        # a record's budget range; -1 = that bound not given (both -1: no budget at all)
        self.budget_low = np.full(self.size, -1, dtype=np.int64)
        self.budget_high = np.full(self.size, -1, dtype=np.int64)
        for row, facets in enumerate(rows):
            for name, inverted in self.labels.items():
                values = facets.get(name)
                for value in values if isinstance(values, list) else [values]:
                    if value:
                        inverted.setdefault(value, []).append(row)
            if facets.get("deadline"):
                self.deadline[row] = date.fromisoformat(facets["deadline"]).toordinal()
            low, high = budget_bounds(facets)
            if low is not None:
                self.budget_low[row] = low
            if high is not None:
                self.budget_high[row] = high

    def rows_with(self, name: str, values: Iterable[str]) -> Mask:
        mask = np.zeros(self.size, dtype=bool)
        for value in values:
            mask[self.labels[name].get(value, [])] = True
        return mask


@dataclass
class Filters:
    """Conditions every result must meet. Empty lists / None mean "any"."""

    domains: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    batches: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    open_on: date | None = None  # keep records whose deadline is on/after this day (or unset)
    budget_min: int | None = None
    budget_max: int | None = None

    def is_empty(self) -> bool:
        return not (
            self.domains
            or self.districts
            or self.regions
            or self.batches
            or self.sources
            or self.open_on
            or self.budget_min is not None
            or self.budget_max is not None
        )

    def describe(self) -> dict[str, Any]:
        """The active filters, for explanations and stored subscriptions."""
        out: dict[str, Any] = {}
        for name in ("domains", "districts", "regions", "batches", "sources"):
            if getattr(self, name):
                out[name] = list(getattr(self, name))
        if self.open_on:
            out["open_on"] = self.open_on.isoformat()
        if self.budget_min is not None:
            out["budget_min"] = self.budget_min
        if self.budget_max is not None:
            out["budget_max"] = self.budget_max
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Filters:
        data = dict(data)
        if data.get("open_on"):
            data["open_on"] = date.fromisoformat(data["open_on"])
        return cls(**data)

    def mask(self, table: FacetTable) -> Mask | None:
        """Rows that pass, or ``None`` when nothing is filtered; unknown values raise."""
        if (
            self.budget_min is not None
            and self.budget_max is not None
            and self.budget_min > self.budget_max
        ):
            raise FilterError(
                f"budget range is empty: min {self.budget_min} > max {self.budget_max}"
            )
        if self.is_empty():
            return None
        mask = np.ones(table.size, dtype=bool)
        for name, column in (
            ("domains", "domains"),
            ("districts", "district"),
            ("regions", "region"),
            ("batches", "batch"),
        ):
            wanted = [self._canonical(name, value) for value in getattr(self, name)]
            if wanted:
                self._check_known(
                    name, wanted, table.labels[column], allow=DOMAINS if name == "domains" else ()
                )
                mask &= table.rows_with(column, wanted)
        if self.sources:
            matching = [
                label
                for label in table.labels["sources"]
                if any(label == s or label.startswith(s) for s in self.sources)
            ]
            if not matching:
                raise FilterError(f"no record comes from source {', '.join(self.sources)!r}")
            mask &= table.rows_with("sources", matching)
        if self.open_on:
            mask &= (table.deadline == 0) | (table.deadline >= self.open_on.toordinal())
        if self.budget_min is not None or self.budget_max is not None:
            mask &= self._budget_overlaps(table)
        return mask

    def _budget_overlaps(self, table: FacetTable) -> Mask:
        """Records whose budget range overlaps [budget_min, budget_max] (bounds included).

        An open bound of the record (``50万以上``: no upper; ``不超过100万``: no lower) reaches
        as far as it can; a record with no budget at all never passes a budget filter.
        """
        known = (table.budget_low >= 0) | (table.budget_high >= 0)
        mask = known.copy()
        if self.budget_min is not None:  # the record's top reaches the asked minimum
            mask &= (table.budget_high < 0) | (table.budget_high >= self.budget_min)
        if self.budget_max is not None:  # the record's bottom is within the asked maximum
            mask &= (table.budget_low < 0) | (table.budget_low <= self.budget_max)
        return mask

    def empty_reason(self, table: FacetTable, what: str) -> str:
        """Why no row passes: each active filter alone, and what it keeps of ``table``."""
        alone: list[tuple[str, int, str]] = []  # (description, rows kept alone, why)
        with_budget = int(((table.budget_low >= 0) | (table.budget_high >= 0)).sum())
        for name, value in self.describe().items():
            single = Filters.from_dict({name: value})
            mask = single.mask(table)
            kept = table.size if mask is None else int(mask.sum())
            why = ""
            if name.startswith("budget") and with_budget == 0:
                why = f"none of the {table.size} {what} carries a budget"
            elif name.startswith("budget"):
                why = f"{with_budget} of the {table.size} {what} carry a budget; none fits"
            elif name == "open_on":
                why = f"every deadline is before {value}"
            shown = "、".join(map(str, value)) if isinstance(value, list) else value
            alone.append((f"{name.replace('_', ' ')} {shown}", kept, why))
        empty = [(label, why) for label, kept, why in alone if kept == 0]
        if empty:
            return "no match: " + "; ".join(
                f"filter {label} leaves none of the {table.size} {what}"
                + (f" ({why})" if why else "")
                for label, why in empty
            )
        kept_alone = ", ".join(f"{label} keeps {kept}" for label, kept, _ in alone)
        return (
            f"no match: the filters together leave none of the {table.size} {what} ({kept_alone})"
        )

    @staticmethod
    def _canonical(name: str, value: str) -> str:
        value = value.strip()
        if name == "districts":
            place = normalize_district(value)
            return place.district or value
        return value

    @staticmethod
    def _check_known(
        name: str, wanted: list[str], present: dict[str, list[int]], allow: Iterable[str] = ()
    ) -> None:
        known = set(present) | set(allow)
        unknown = [value for value in wanted if value not in known]
        if unknown:
            choices = "、".join(sorted(known)[:40]) or "(none in the index)"
            raise FilterError(
                f"unknown {name[:-1] if name.endswith('s') else name} "
                f"{'、'.join(unknown)!r}; known values: {choices}"
            )
