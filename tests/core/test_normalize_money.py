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


@pytest.mark.parametrize(
    ("text", "multiplier", "low", "high"),
    [
        ("50-100万元", 1, 500_000, 1_000_000),  # read as 50 yuan before
        ("40万-60万", 1, 400_000, 600_000),  # upper bound was lost before
        ("30至50万", 1, 300_000, 500_000),
        ("50～100", 10_000, 500_000, 1_000_000),  # 预算（万元）: the header's unit
        ("约三百万元", 1, 3_000_000, 3_000_000),  # Chinese numerals, through cn2an
        ("壹佰万元", 1, 1_000_000, 1_000_000),  # financial numerals
        ("五十万", 1, 500_000, 500_000),
        ("两百万", 1, 2_000_000, 2_000_000),
        ("1千万", 1, 10_000_000, 10_000_000),
        ("50万以上", 1, 500_000, None),
        ("不超过100万元", 1, None, 1_000_000),
        ("500万元（含设备）", 1, 5_000_000, 5_000_000),
    ],
)
def test_ranges_and_chinese_numerals(text: str, multiplier: int, low: int, high: int) -> None:
    money = parse_money(text, multiplier=multiplier)
    assert (money.low_cny, money.high_cny, money.problem) == (low, high, None)


@pytest.mark.parametrize(
    ("text", "per_year"), [("20万元/年", True), ("每年50万", True), ("50万", False)]
)
def test_per_year(text: str, per_year: bool) -> None:
    assert parse_money(text).per_year is per_year


@pytest.mark.parametrize(
    ("value", "multiplier", "why"),
    [
        ("1e30", 10_000, "exponent"),  # was stored as 10,000
        ("1e3", 10_000, "exponent"),
        ("-5", 10_000, "negative"),  # was stored as 50,000
        ("-5万", 1, "negative"),
        (True, 1, "yes/no"),  # JSONL budget_cny: true was stored as 1
        (-3, 1, "negative"),
        (float("inf"), 1, "not an amount"),
        (10**19, 1, "implausible"),  # overflowed bigint before
        ("10000000000000000000", 1, "implausible"),
        (1e30, 10_000, "implausible"),  # a numeric spreadsheet cell
        ("100-50万", 1, "backwards"),
        ("50万或面谈另议", 1, ""),  # negotiable wins: no figure is stored
        ("很多", 1, "not an amount"),
        ("三百万美元", 1, "not an amount"),  # another currency is not yuan
    ],
)
def test_refuses_what_it_cannot_read_exactly(value: object, multiplier: int, why: str) -> None:
    money = parse_money(value, multiplier=multiplier)
    assert money.amount_cny is None
    if why:
        assert money.problem is not None and why in money.problem
    else:
        assert money.negotiable
