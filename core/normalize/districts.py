"""Districts: Hangzhou's districts and counties (with pre-2021 names), and other cities."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

HANGZHOU = "杭州"

#: canonical Hangzhou district/county -> aliases seen in lists (old names, parks, short forms)
HANGZHOU_DISTRICTS: dict[str, tuple[str, ...]] = {
    "上城区": ("上城", "江干区", "江干"),  # 江干 merged into 上城 (2021)
    "拱墅区": ("拱墅", "下城区", "下城"),  # 下城 merged into 拱墅 (2021)
    "西湖区": ("西湖", "云栖小镇", "紫金港"),
    "滨江区": ("滨江", "高新区", "杭州高新区", "高新区(滨江)", "杭州高新区(滨江)"),
    "萧山区": ("萧山", "萧山经济技术开发区"),
    "余杭区": ("余杭", "未来科技城", "杭州未来科技城", "良渚"),
    "临平区": ("临平",),
    "钱塘区": ("钱塘", "钱塘新区", "下沙", "大江东"),
    "富阳区": ("富阳",),
    "临安区": ("临安", "青山湖"),
    "桐庐县": ("桐庐",),
    "淳安县": ("淳安", "千岛湖"),
    "建德市": ("建德",),
}

OTHER_CITIES: tuple[str, ...] = (
    "宁波",
    "温州",
    "嘉兴",
    "湖州",
    "绍兴",
    "金华",
    "衢州",
    "舟山",
    "台州",
    "丽水",
    "上海",
    "北京",
    "天津",
    "重庆",
    "深圳",
    "广州",
    "成都",
    "合肥",
    "苏州",
    "南京",
    "无锡",
    "武汉",
    "西安",
    "长沙",
    "郑州",
    "济南",
    "青岛",
    "厦门",
    "福州",
    "东莞",
    "佛山",
    "昆明",
    "贵阳",
    "南昌",
    "沈阳",
    "大连",
)

_ALIASES: list[tuple[str, str]] = sorted(
    ((alias, name) for name, aliases in HANGZHOU_DISTRICTS.items() for alias in (name, *aliases)),
    key=lambda pair: -len(pair[0]),  # longest alias first: 杭州高新区 before 高新区
)


@dataclass(frozen=True)
class Place:
    district: str | None  # canonical Hangzhou district/county, else None
    region: str | None  # city: 杭州 or another city's short name
    unparsed: bool = False


def normalize_district(value: object) -> Place:
    """Map a published place name to (Hangzhou district, city).

    >>> normalize_district("杭州市江干区")
    Place(district='上城区', region='杭州', unparsed=False)
    >>> normalize_district("成都市高新区").region
    '成都'
    """
    if value is None:
        return Place(None, None)
    text = "".join(unicodedata.normalize("NFKC", str(value)).split())
    if not text:
        return Place(None, None)
    for city in OTHER_CITIES:
        if text.startswith(city):
            return Place(None, city)
    for alias, name in _ALIASES:
        if alias in text:
            return Place(name, HANGZHOU)
    if "杭州" in text or text in {"全市", "市本级", "市级"}:
        return Place(None, HANGZHOU)
    for city in OTHER_CITIES:
        if city in text:
            return Place(None, city)
    return Place(None, None, unparsed=True)
