"""Parse budgets as published: 500万元, 0.5亿元, 5,000,000元, 面议 (negotiable)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_UNITS = {"亿": Decimal(100_000_000), "万": Decimal(10_000), "千": Decimal(1000), "元": Decimal(1)}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(亿|万|千)?\s*(?:元|人民币|rmb|cny)?", re.IGNORECASE)
_NEGOTIABLE = ("面议", "待定", "协商", "议定", "不限", "另行")


@dataclass(frozen=True)
class Money:
    """A parsed budget: ``amount_cny`` is None when absent or negotiable (flagged)."""

    amount_cny: int | None
    negotiable: bool = False
    unparsed: bool = False


def parse_money(value: object, *, multiplier: int = 1) -> Money:
    """Parse a budget cell. ``multiplier`` carries a unit from the header, e.g. 预算（万元）.

    >>> parse_money("500万元").amount_cny
    5000000
    >>> parse_money("面议").negotiable
    True
    """
    if value is None:
        return Money(None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Money(int(Decimal(str(value)) * multiplier))
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").replace("，", "")
    if not text or text in {"-", "—", "/", "无"}:
        return Money(None)
    if any(word in text for word in _NEGOTIABLE):
        return Money(None, negotiable=True)
    match = _AMOUNT.search(text)
    if not match:
        return Money(None, unparsed=True)
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:  # pragma: no cover - the regex only admits decimals
        return Money(None, unparsed=True)
    unit = match.group(2)
    scale = _UNITS[unit] if unit else Decimal(multiplier)
    return Money(int(number * scale))
