from datetime import date

import numpy as np
import pytest

from matching.errors import FilterError
from matching.facets import FacetTable, Filters

ROWS = [
    {
        "domains": ["医疗"],
        "district": "西湖区",
        "region": "杭州",
        "deadline": "2026-01-31",
        "budget_cny": 1_000_000,
        "batch": "第一批",
        "sources": ["清单A", "https://a.example/1"],
    },
    {
        "domains": ["医疗", "大模型"],
        "district": "上城区",
        "region": "杭州",
        "deadline": None,
        "budget_cny": None,
        "batch": "第二批",
        "sources": ["清单B"],
    },
    {
        "domains": ["制造"],
        "district": None,
        "region": "宁波",
        "deadline": "2025-01-01",
        "budget_cny": 5_000_000,
        "batch": "第二批",
        "sources": ["https://b.example/x"],
    },
]
TABLE = FacetTable(ROWS)


def rows(filters: Filters) -> list[int]:
    mask = filters.mask(TABLE)
    assert mask is not None
    return [int(i) for i in np.flatnonzero(mask)]


def test_no_filters_means_no_mask() -> None:
    assert Filters().mask(TABLE) is None


def test_each_filter() -> None:
    assert rows(Filters(domains=["医疗"])) == [0, 1]
    assert rows(Filters(domains=["医疗", "制造"])) == [0, 1, 2]  # any of
    assert rows(Filters(districts=["西湖"])) == [0]  # aliases normalised
    assert rows(Filters(regions=["宁波"])) == [2]
    assert rows(Filters(batches=["第二批"])) == [1, 2]
    assert rows(Filters(sources=["https://a.example"])) == [0]  # URL prefix
    assert rows(Filters(open_on=date(2025, 6, 1))) == [0, 1]  # no deadline counts as open
    assert rows(Filters(budget_min=2_000_000)) == [2]
    assert rows(Filters(budget_max=2_000_000)) == [0]  # unknown budget excluded
    assert rows(Filters(domains=["医疗"], batches=["第二批"])) == [1]  # all must hold


def test_unknown_values_are_errors() -> None:
    with pytest.raises(FilterError, match="unknown domain"):
        Filters(domains=["不存在"]).mask(TABLE)
    with pytest.raises(FilterError, match="unknown district"):
        Filters(districts=["火星区"]).mask(TABLE)
    with pytest.raises(FilterError, match="unknown batch"):
        Filters(batches=["第九批"]).mask(TABLE)
    with pytest.raises(FilterError, match="source"):
        Filters(sources=["https://nowhere"]).mask(TABLE)
    with pytest.raises(FilterError, match="empty"):
        Filters(budget_min=10, budget_max=5).mask(TABLE)


def test_taxonomy_domain_absent_from_index_is_allowed_and_empty() -> None:
    assert rows(Filters(domains=["金融"])) == []


def test_describe_roundtrip() -> None:
    f = Filters(domains=["医疗"], open_on=date(2026, 1, 1), budget_max=10)
    assert Filters.from_dict(f.describe()) == f
