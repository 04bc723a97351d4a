"""Hangzhou districts (with pre-2021 names and parks) and other cities."""

from __future__ import annotations

import pytest

from core.normalize.districts import normalize_district


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("上城区", "上城区"),
        ("杭州市江干区", "上城区"),
        ("下城区", "拱墅区"),
        ("杭州高新区（滨江）", "滨江区"),
        ("未来科技城", "余杭区"),
        ("钱塘新区", "钱塘区"),
        ("淳安县千岛湖镇", "淳安县"),
        ("建德市", "建德市"),
    ],
)
def test_hangzhou_districts(text: str, district: str) -> None:
    place = normalize_district(text)
    assert (place.district, place.region, place.unparsed) == (district, "杭州", False)


def test_city_level_and_other_cities() -> None:
    assert normalize_district("全市").region == "杭州"
    assert normalize_district("全市").district is None
    assert normalize_district("成都市高新区").region == "成都"
    assert normalize_district("成都市高新区").district is None  # not Hangzhou's 高新区
    assert normalize_district("浙江省宁波市").region == "宁波"


def test_unknown_place_is_flagged() -> None:
    assert normalize_district("火星基地").unparsed
    assert normalize_district(None).district is None
