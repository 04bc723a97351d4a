"""Column-header synonyms: the Chinese (and English) names real lists use, per record field.

One table, shared by ``scenehub ingest`` (CSV/XLSX) and the crawlers (HTML tables, xlsx,
docx, pdf). Extend it here and both follow. Headers are compared after :func:`header_key`
folds full-width forms, whitespace, brackets' units and trailing colons / asterisks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: field -> header names seen in published lists (crawl.md §1.3)
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "编号", "清单编号", "场景编号", "需求编号"),
    "kind": ("kind",),  # scene | capability, as `records export` writes it
    "title": (
        "title",
        "name",
        "场景名称",
        "应用场景名称",
        "场景机会名称",
        "项目名称",
        "场景需求名称",
        "需求名称",
        "机会名称",
        "名称",
        "标题",
        "场景能力",
        "能力名称",
        "技术能力",
        "解决方案名称",
        "供给能力",
        "揭榜项目名称",
    ),
    "org": (
        "org",
        "company",
        "需求单位",
        "单位名称",
        "申报单位",
        "公司名称",
        "企业名称",
        "发布单位",
        "牵头部门",
        "需求方",
        "场景提供方",
        "场景发布单位",
        "揭榜单位",
        "供给单位",
        "供应商",
        "企业",
        "单位",
        "责任单位",
        "提出单位",
    ),
    "domain_raw": (
        "domain",
        "domain_raw",
        "所属领域",
        "应用领域",
        "行业",
        "类别",
        "领域",
        "场景类型",
        "所属行业",
        "行业领域",
        "场景类别",
        "揭榜方向",
        "行业分类",
        "产业领域",
        "能力类别",
    ),
    "description": (
        "description",
        "场景简介",
        "需求描述",
        "企业与产品简介",
        "能力描述",
        "场景描述",
        "需求简介",
        "简介",
        "项目简介",
        "场景内容",
        "建设内容",
        "需求内容",
        "具体需求",
        "痛点描述",
        "场景需求",
        "产品简介",
        "能力简介",
        "主要内容",
        "正文",
        "需求概述",
        "能力介绍",
    ),
    "tech_requirements": (
        "tech_requirements",
        "技术要求",
        "技术需求",
        "主要技术",
        "技术标准",
        "技术指标",
        "所需技术",
        "需求能力",
        "所需能力",
        "关键技术",
    ),
    "district": (
        "district",
        "区县",
        "所属地区",
        "拟落地应用区域",
        "所属区县",
        "区域",
        "地区",
        "落地区域",
        "所在地",
        "所在区县",
        "所在地区",
        "落地区县",
        "所属区域",
    ),
    "region": ("region", "城市", "所在城市", "省份", "所属城市"),
    "budget_cny": (
        "budget",
        "budget_cny",
        "预算",
        "投资额",
        "预算金额",
        "项目预算",
        "投资规模",
        "金额",
        "投资金额",
        "资金规模",
    ),
    "deadline": (
        "deadline",
        "截止时间",
        "截止日期",
        "报名截止",
        "截止",
        "申报截止时间",
        "报名截止时间",
        "揭榜截止时间",
    ),
    "published_at": ("published_at", "发布时间", "发布日期"),
    "contact": ("contact", "联系方式", "联系人", "联系电话", "联系人及电话", "联系人及联系方式"),
    "cooperation_mode": ("cooperation_mode", "合作需求", "合作模式", "合作方式", "合作形式"),
    "qualifications": ("qualifications", "企业资质", "资质", "资质要求", "资质荣誉", "企业荣誉"),
    "cases": (
        "cases",
        "参考案例",
        "典型案例",
        "应用案例",
        "典型客户",
        "成功案例",
        "落地案例",
        "可应用落地场景",
        "适用场景",
    ),
    "product": ("product", "产品", "主要产品", "产品名称", "潜在企业及产品", "核心产品"),
    "batch": ("batch", "批次"),
    "list_name": ("list_name", "清单名称", "清单"),
    "source_url": ("source_url",),
    "attachment_url": ("attachment_url",),
}

_UNIT_RE = re.compile(r"[（(]\s*(万元|亿元|元|万|亿)\s*[)）]")
_NOISE_RE = re.compile(r"[\s:：*＊★]+")
_MULTIPLIER = {"元": 1, "万元": 10_000, "万": 10_000, "亿元": 100_000_000, "亿": 100_000_000}


def header_key(header: str) -> str:
    """Fold a header to its comparison form: NFKC, no unit, no whitespace, colons or stars."""
    folded = unicodedata.normalize("NFKC", str(header))
    folded = _UNIT_RE.sub("", folded)
    folded = re.sub(r"[(（][^)）]*[)）]", "", folded)  # 联系人（电话） -> 联系人
    return _NOISE_RE.sub("", folded).lower()


_INDEX: dict[str, str] = {
    header_key(name): field_name for field_name, names in HEADER_SYNONYMS.items() for name in names
}


@dataclass(frozen=True)
class ColumnMapping:
    """Where one source column goes: a record field (or None: kept in ``raw`` only)."""

    header: str
    field: str | None
    multiplier: int = 1  # e.g. 10_000 for 预算（万元）


def map_header(header: str) -> ColumnMapping:
    key = header_key(header)
    unit = _UNIT_RE.search(unicodedata.normalize("NFKC", str(header)))
    multiplier = _MULTIPLIER[unit.group(1)] if unit else 1
    return ColumnMapping(header=header, field=_INDEX.get(key), multiplier=multiplier)


def map_headers(headers: list[str]) -> list[ColumnMapping]:
    """Map a header row; the first column claiming ``title`` or ``id`` wins, others stay raw."""
    mappings: list[ColumnMapping] = []
    claimed: set[str] = set()
    for header in headers:
        mapping = map_header(header)
        if mapping.field in {"title", "id"} and mapping.field in claimed:
            mapping = ColumnMapping(header=header, field=None)
        if mapping.field:
            claimed.add(mapping.field)
        mappings.append(mapping)
    return mappings


def header_score(cells: list[str]) -> int:
    """How many cells of a row look like known headers: used to find the header row."""
    return sum(1 for cell in cells if cell and _INDEX.get(header_key(cell)))


def join_repeated(field: str, existing: str, value: str) -> str:
    """Two columns mapped to one field (联系人 + 联系电话, 简介 + 正文): keep both, one rule
    for every importer so the same row hashes the same whichever way it came in."""
    joint = " " if field == "contact" else "；"
    return f"{existing}{joint}{value}"
