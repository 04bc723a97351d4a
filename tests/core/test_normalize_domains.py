"""Domains onto the policy taxonomy."""

from __future__ import annotations

import pytest

from core.normalize.domains import DOMAINS, normalize_domains


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AI+制造", ["制造"]),
        ("ＡＩ＋医疗", ["医疗"]),
        ("智慧交通", ["交通"]),
        ("城市治理", ["治理"]),
        ("低空经济", ["低空经济"]),
        ("具身智能", ["具身智能/机器人"]),
        ("人形机器人", ["具身智能/机器人"]),
        ("AI+文旅", ["文创"]),
        ("新零售", ["消费"]),
        ("金融科技", ["金融"]),
        ("大模型应用", ["大模型"]),
        ("医院物流机器人", ["医疗", "交通", "具身智能/机器人"]),
    ],
)
def test_published_wordings(text: str, expected: list[str]) -> None:
    assert normalize_domains(text) == expected


def test_policy_fields_are_all_in_the_taxonomy() -> None:
    for name in (
        "制造",
        "医疗",
        "消费",
        "金融",
        "交通",
        "教育",
        "文创",
        "科学",
        "治理",
        "低空经济",
        "具身智能/机器人",
        "智能终端",
        "大模型",
    ):
        assert name in DOMAINS


def test_nothing_recognised() -> None:
    assert normalize_domains("其他") == []
    assert normalize_domains(None, "") == []
