"""Parse dates as published: 2025年7月15日, 2025.07.15, 2025/7/15, 2025-07-15, 7月15日."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

_FULL = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*[日号]?")
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_COMPACT = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
_EXCEL_EPOCH = date(1899, 12, 30)


class DateParseError(ValueError):
    pass


def parse_date(value: object, *, default_year: int | None = None) -> date | None:
    """Parse one date; a month-day form takes ``default_year`` (the page's year).

    Returns None for empty cells; raises :class:`DateParseError` for text that holds no date.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial day number
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise DateParseError(f"not a date: {value!r}")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text or text in {"-", "—", "/", "无", "长期", "常年"}:
        return None
    for pattern in (_FULL, _COMPACT):
        match = pattern.search(text)
        if match:
            return _build(int(match.group(1)), int(match.group(2)), int(match.group(3)), text)
    match = _MONTH_DAY.search(text)
    if match:
        if default_year is None:
            raise DateParseError(f"no year in {text!r} and no page year to take it from")
        return _build(default_year, int(match.group(1)), int(match.group(2)), text)
    raise DateParseError(f"not a date: {text!r}")


def _build(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateParseError(f"impossible date in {text!r}: {exc}") from exc
