"""Dates as published on Chinese portals."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core.normalize.dates import DateParseError, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025年7月15日", date(2025, 7, 15)),
        ("2025.07.15", date(2025, 7, 15)),
        ("2025/7/15", date(2025, 7, 15)),
        ("2025-07-15", date(2025, 7, 15)),
        ("２０２５年７月１５日", date(2025, 7, 15)),  # full-width digits
        ("截止2025年7月15日17:00前", date(2025, 7, 15)),
        ("20250715", date(2025, 7, 15)),
        (45853, date(2025, 7, 15)),  # an Excel serial day
        (datetime(2025, 7, 15, 9, 30), date(2025, 7, 15)),
    ],
)
def test_full_dates(text: object, expected: date) -> None:
    assert parse_date(text) == expected


def test_month_day_takes_the_page_year() -> None:
    assert parse_date("7月15日", default_year=2024) == date(2024, 7, 15)
    with pytest.raises(DateParseError, match="no year"):
        parse_date("7月15日")


@pytest.mark.parametrize("text", [None, "", "-", "长期", "常年"])
def test_empty_or_open_ended(text: object) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["另行通知", "2025年13月1日", "2025年2月30日", 12])
def test_not_a_date(text: object) -> None:
    with pytest.raises(DateParseError):
        parse_date(text)
