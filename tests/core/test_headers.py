from __future__ import annotations

import pytest

from core.headers import header_score, map_header, map_headers


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("场景名称", "title"),
        ("应用场景名称", "title"),
        ("场景机会名称", "title"),
        ("项目名称", "title"),
        ("需求单位", "org"),
        ("单位名称", "org"),
        ("申报单位", "org"),
        ("公司名称", "org"),
        ("企业名称", "org"),
        ("所属领域", "domain_raw"),
        ("应用领域", "domain_raw"),
        ("行业", "domain_raw"),
        ("类别", "domain_raw"),
        ("场景简介", "description"),
        ("需求描述", "description"),
        ("企业与产品简介", "description"),
        ("能力描述", "description"),
        ("联系方式", "contact"),
        ("联系人", "contact"),
        ("合作需求", "cooperation_mode"),
        ("合作模式", "cooperation_mode"),
        ("合作方式", "cooperation_mode"),
        ("区县", "district"),
        ("所属地区", "district"),
        ("拟落地应用区域", "district"),
        ("预算", "budget_cny"),
        ("投资额", "budget_cny"),
        ("截止时间", "deadline"),
        ("截止日期", "deadline"),
        (" 场景名称： ", "title"),
        ("联系人（电话）", "contact"),
        ("*需求单位", "org"),
        ("序号", None),
        ("备注", None),
    ],
)
def test_published_headers_map_to_fields(header: str, field: str | None) -> None:
    assert map_header(header).field == field


def test_units_in_headers_become_multipliers() -> None:
    assert map_header("预算（万元）").multiplier == 10_000
    assert map_header("投资额(亿元)").multiplier == 100_000_000
    assert map_header("预算").multiplier == 1


def test_second_title_column_stays_raw() -> None:
    fields = [m.field for m in map_headers(["项目名称", "场景名称", "申报单位"])]
    assert fields == ["title", None, "org"]


def test_header_score_finds_header_rows() -> None:
    assert header_score(["杭州市场景机会清单", "", ""]) == 0
    assert header_score(["序号", "场景名称", "需求单位", "联系方式"]) == 3
