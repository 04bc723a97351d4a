"""Parse budgets as published, into a range of whole yuan.

Published forms: ``500万元``, ``0.5亿元``, ``5,000,000元``, ranges (``50-100万元``,
``40万-60万``, ``30至50万``), open ranges (``50万以上``, ``不超过100万``), per year
(``20万元/年``, ``每年50万``), Chinese and financial numerals (``约三百万元``, ``壹佰万元``,
``五十万``; read by cn2an, not by hand), and ``面议`` (negotiable). A unit in the header
(``预算（万元）``) applies to a bare number.

The parser refuses what it cannot read exactly instead of guessing: negative amounts,
exponent notation (``1e3``), booleans, non-finite numbers, more than two amounts, words it
does not know, and magnitudes above :data:`MAX_BUDGET_CNY`. A refusal carries the reason.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

#: 10^12 yuan (一万亿元): far above any published scene budget, far below bigint's limit;
#: anything larger is a typo or an attack, not a budget
MAX_BUDGET_CNY = 10**12

_UNITS = {
    "亿": Decimal(100_000_000),
    "千万": Decimal(10_000_000),
    "百万": Decimal(1_000_000),
    "万": Decimal(10_000),
    "千": Decimal(1000),
}
_UNIT = "(?:亿|千万|百万|万|千)"
_NEGOTIABLE = ("面议", "面谈", "另议", "待定", "协商", "议定", "不限", "另行")
_EMPTY = {"", "-", "—", "/", "无", "暂无"}
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬点"
_NUMBER = rf"(?:\d+(?:\.\d+)?|[{_CN_DIGITS}]+)"
_AMOUNT = re.compile(rf"(?P<num>{_NUMBER})(?P<unit>{_UNIT})?(?:元|人民币)?")
_RANGE = re.compile(
    rf"(?P<a>{_NUMBER}{_UNIT}?(?:元|人民币)?)"
    rf"(?:(?:-|~|至|到|—|－|–)(?P<b>{_NUMBER}{_UNIT}?(?:元|人民币)?))?"
)
_PER_YEAR = re.compile(r"/年|每年度?|年均|每一年|/每年|一年")
_AT_LEAST = ("以上", "不低于", "不少于", "至少", "起")
_AT_MOST = ("以下", "以内", "不超过", "不高于", "最高", "最多", "上限", "封顶")
#: words around an amount that change nothing about it
_FILLER = re.compile(
    r"约|大约|左右|预计|预算|总投资|投资|金额|人民币|rmb|cny|含税|共计|合计|总计|计"
)
_NOTE = re.compile(r"[(（][^)）]*[)）]")  # a note in brackets: 500万元（含设备）


@dataclass(frozen=True)
class Money:
    """A parsed budget in whole yuan.

    ``low_cny``/``high_cny`` bound the range (equal for a single amount; one of them None for
    an open range); ``amount_cny`` is the single figure kept for compatibility: the upper
    bound, or the lower one when only that is known. ``problem`` says why a value was refused.
    """

    low_cny: int | None = None
    high_cny: int | None = None
    per_year: bool = False
    negotiable: bool = False
    problem: str | None = None

    @property
    def amount_cny(self) -> int | None:
        return self.high_cny if self.high_cny is not None else self.low_cny

    @property
    def unparsed(self) -> bool:
        return self.problem is not None

    @property
    def is_empty(self) -> bool:
        return self.low_cny is None and self.high_cny is None


class ExponentFloat(float):
    """A number written in exponent notation (JSON ``1e3``): readers that can tell keep it so,
    and :func:`check_amount` refuses it as a budget, as it refuses the text ``1e3``."""


def json_float(literal: str) -> float:
    """``json.loads(..., parse_float=json_float)``: remembers exponent notation."""
    return ExponentFloat(literal) if "e" in literal.lower() else float(literal)


class _Refused(ValueError):
    """A value the parser will not guess at; the message is the reason."""


def parse_money(value: object, *, multiplier: int = 1) -> Money:
    """Parse a budget cell. ``multiplier`` carries a unit from the header, e.g. 预算（万元）.

    >>> parse_money("500万元").amount_cny
    5000000
    >>> money = parse_money("50-100万元")
    >>> money.low_cny, money.high_cny
    (500000, 1000000)
    >>> parse_money("壹佰万元").amount_cny
    1000000
    >>> parse_money("面议").negotiable
    True
    >>> parse_money("-5万").problem
    'negative amount'
    """
    try:
        return _parse(value, multiplier)
    except _Refused as exc:
        return Money(problem=str(exc))


def check_amount(value: object, *, multiplier: int = 1) -> int:
    """One amount given as a number (JSON, a spreadsheet cell): whole yuan, or ValueError."""
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not an amount")
    if isinstance(value, int):
        return _to_yuan(Decimal(value), Decimal(multiplier))
    if isinstance(value, ExponentFloat):
        raise _Refused("exponent notation is not a published amount")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not an amount")
        return _to_yuan(Decimal(repr(value)), Decimal(multiplier))
    raise ValueError(f"{value!r} is not an amount")


def _parse(value: object, multiplier: int) -> Money:
    if value is None:
        return Money()
    if isinstance(value, bool | int | float):
        try:
            amount = check_amount(value, multiplier=multiplier)
        except ValueError as exc:
            raise _Refused(str(exc)) from exc
        return Money(amount, amount)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = re.sub(r"[\s,，]", "", text).lower()
    if text in _EMPTY:
        return Money()
    if any(word in text for word in _NEGOTIABLE):
        return Money(negotiable=True)
    if re.search(r"\d\.?\d*e[+-]?\d", text):
        raise _Refused("exponent notation is not a published amount")
    if re.match(r"^[-−](?=[\d" + _CN_DIGITS + "])", text) or "负" in text:
        raise _Refused("negative amount")
    text = _NOTE.sub("", text)
    per_year = bool(_PER_YEAR.search(text))
    text = _PER_YEAR.sub("", text)
    at_least = any(word in text for word in _AT_LEAST)
    at_most = any(word in text for word in _AT_MOST)
    if at_least and at_most:
        raise _Refused("says both 'at least' and 'at most'")
    for word in (*_AT_LEAST, *_AT_MOST):
        text = text.replace(word, "")
    text = _FILLER.sub("", text).strip("：:")
    match = _RANGE.fullmatch(text)
    if not match:
        raise _Refused("not an amount")
    first, second = match.group("a"), match.group("b")
    if second is None:
        amount = _amount(first, None, multiplier)
        low: int | None = amount
        high: int | None = amount
        if at_least:
            high = None
        if at_most:
            low = None
    else:
        if at_least or at_most:
            raise _Refused("a range with 'at least'/'at most'")
        unit = _AMOUNT.fullmatch(second)
        shared = unit.group("unit") if unit else None
        low = _amount(first, shared, multiplier)
        high = _amount(second, None, multiplier)
        if low > high:
            raise _Refused("range runs backwards (low above high)")
    return Money(low, high, per_year=per_year)


def _amount(text: str, shared_unit: str | None, multiplier: int) -> int:
    """One amount; ``shared_unit`` is the unit written after the second half of a range."""
    match = _AMOUNT.fullmatch(text)
    if match is None:  # pragma: no cover - the range grammar admits only amounts
        raise _Refused("not an amount")
    digits, unit = match.group("num"), match.group("unit") or shared_unit
    if digits[0].isdigit():
        try:
            number = Decimal(digits)
        except InvalidOperation as exc:  # pragma: no cover - the regex admits decimals only
            raise _Refused("not an amount") from exc
    else:
        import cn2an  # only when a Chinese numeral is met: its import costs ~0.3 s

        try:
            number = Decimal(str(cn2an.cn2an(digits.replace("萬", "万"), "normal")))
        except (ValueError, KeyError, IndexError) as exc:
            raise _Refused(f"{digits!r} is not a Chinese numeral") from exc
    scale = _UNITS[unit] if unit else Decimal(multiplier)
    return _to_yuan(number, scale)


def _to_yuan(number: Decimal, scale: Decimal) -> int:
    if number < 0:
        raise _Refused("negative amount")
    exact = number * scale
    if exact > MAX_BUDGET_CNY:  # checked before rounding: quantize fails on huge values
        raise _Refused(f"implausible amount (over {MAX_BUDGET_CNY:,} yuan)")
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
