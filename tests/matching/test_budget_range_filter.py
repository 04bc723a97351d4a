"""Budget filters on ranges (issue 12): a record passes when its budget range overlaps the
asked range; open bounds reach as far as they can; no budget never passes."""

from __future__ import annotations

import numpy as np

from matching.facets import FacetTable, Filters

ROWS = [
    {"budget_low_cny": 500_000, "budget_high_cny": 1_000_000},  # 0: 50-100万
    {"budget_low_cny": 3_000_000, "budget_high_cny": 3_000_000},  # 1: 300万
    {"budget_low_cny": 5_000_000, "budget_high_cny": None},  # 2: 500万以上
    {"budget_low_cny": None, "budget_high_cny": 400_000},  # 3: 不超过40万
    {"budget_low_cny": None, "budget_high_cny": None},  # 4: 面议 / none
    {"budget_cny": 2_000_000},  # 5: facets saved before ranges existed
]
TABLE = FacetTable(ROWS)


def rows(filters: Filters) -> list[int]:
    mask = filters.mask(TABLE)
    assert mask is not None
    return [int(i) for i in np.flatnonzero(mask)]


def test_min_keeps_ranges_reaching_it() -> None:
    # 50-100万 reaches 80万 although its lower bound is below; a single budget_cny (the
    # upper bound) filter would agree here, the lower bound alone would not
    assert rows(Filters(budget_min=800_000)) == [0, 1, 2, 5]


def test_max_keeps_ranges_starting_below_it() -> None:
    # 50-100万 starts at 50万, within 60万; budget_cny (100万) alone would drop it
    assert rows(Filters(budget_max=600_000)) == [0, 3]


def test_both_bounds_mean_overlap() -> None:
    assert rows(Filters(budget_min=900_000, budget_max=2_500_000)) == [0, 5]
    assert rows(Filters(budget_min=10_000_000, budget_max=20_000_000)) == [2]  # open upper end
    assert rows(Filters(budget_min=1_100_000, budget_max=1_900_000)) == []  # a gap


def test_no_budget_never_passes() -> None:
    assert 4 not in rows(Filters(budget_min=0))
    assert 4 not in rows(Filters(budget_max=10**12))
