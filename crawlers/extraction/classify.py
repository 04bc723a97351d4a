"""``--kind auto``: tell a scene (demand) list from a capability (supply) list.

Column headers decide first (a 企业资质 or 公司名称 column means suppliers); the list's
heading or the page title second. None means "cannot tell": the item is then counted
and dropped as a schema violation rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.headers import header_key
from core.records import RecordKind

_CAPABILITY_HEADERS = {
    "企业资质",
    "资质",
    "公司名称",
    "企业名称",
    "企业与产品简介",
    "场景能力",
    "能力名称",
    "能力描述",
    "揭榜单位",
    "申报单位",
    "供给单位",
    "典型客户",
    "主要产品",
    "核心产品",
    "产品名称",
    "可应用落地场景",
    "技术能力",
    "解决方案名称",
    "供给能力",
}
_SCENE_HEADERS = {
    "需求单位",
    "场景机会名称",
    "应用场景名称",
    "场景需求名称",
    "牵头部门",
    "合作需求",
    "预算",
    "预算金额",
    "截止时间",
    "截止日期",
    "需求描述",
    "场景简介",
    "拟落地应用区域",
    "场景提供方",
    "场景发布单位",
    "需求名称",
}
_CAPABILITY_WORDS = ("能力清单", "供给清单", "能力", "揭榜单位", "供给", "企业名单", "入围")
_SCENE_WORDS = ("机会清单", "需求清单", "场景清单", "场景需求", "机会", "需求", "应用场景")

_CAP_KEYS = {header_key(h) for h in _CAPABILITY_HEADERS}
_SCENE_KEYS = {header_key(h) for h in _SCENE_HEADERS}


def kind_from_headers(headers: Iterable[str]) -> RecordKind | None:
    keys = {header_key(h) for h in headers}
    capability, scene = len(keys & _CAP_KEYS), len(keys & _SCENE_KEYS)
    if capability > scene:
        return RecordKind.CAPABILITY
    if scene > capability:
        return RecordKind.SCENE
    return None


def kind_from_text(*texts: str | None) -> RecordKind | None:
    for text in texts:
        if not text:
            continue
        if any(word in text for word in _CAPABILITY_WORDS):
            return RecordKind.CAPABILITY
        if any(word in text for word in _SCENE_WORDS):
            return RecordKind.SCENE
    return None


def classify(headers: Iterable[str], *texts: str | None) -> RecordKind | None:
    return kind_from_headers(headers) or kind_from_text(*texts)
