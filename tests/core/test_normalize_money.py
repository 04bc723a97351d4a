"""Budgets as published: units in the value or in the header, negotiable, unparsable."""

from __future__ import annotations

import pytest

from core.normalize.money import parse_money


@pytest.mark.parametrize(
    ("text", "multiplier", "expected"),
    [
        ("500万元", 1, 5_000_000),
        ("0.5亿元", 1, 50_000_000),
        ("5,000,000元", 1, 5_000_000),
        ("5，000，000元", 1, 5_000_000),
        ("约300万", 1, 3_000_000),
        ("３００万元", 1, 3_000_000),
        ("300", 10_000, 3_000_000),  # 预算（万元）
        (300.0, 10_000, 3_000_000),
        (12.5, 10_000, 125_000),
    ],
)
def test_amounts(text: object, multiplier: int, expected: int) -> None:
    money = parse_money(text, multiplier=multiplier)
    assert money.amount_cny == expected and not money.negotiable and not money.unparsed


@pytest.mark.parametrize("text", ["面议", "价格面议", "待定", "双方协商"])
def test_negotiable_is_null_with_a_flag(text: str) -> None:
    money = parse_money(text)
    assert money.amount_cny is None and money.negotiable


def test_empty_and_unparsable() -> None:
    assert parse_money(None).amount_cny is None
    assert parse_money("-") == parse_money("")
    bad = parse_money("很多")
    assert bad.amount_cny is None and bad.unparsed
