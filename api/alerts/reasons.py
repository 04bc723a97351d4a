"""Why a record matched, in Chinese, from a match explanation (the same one `match` prints)."""

from __future__ import annotations

from typing import Any

FIELD_NAMES = {
    "title": "标题",
    "description": "描述",
    "org": "单位",
    "tech_requirements": "技术要求",
    "domain_raw": "领域",
    "product": "产品",
    "cases": "案例",
    "qualifications": "资质",
    "cooperation_mode": "合作方式",
    "list_name": "清单",
}
LEG_NAMES = {"bm25": "关键词检索", "dense": "语义检索"}
FACET_NAMES = {"domains": "领域", "district": "区县", "region": "地区", "batch": "批次"}


def _join(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def reasons(explanation: dict[str, Any]) -> list[str]:
    """One line per reason: matched words per field, each search leg's rank, facets met."""
    out: list[str] = []
    for field, terms in (explanation.get("matched_terms") or {}).items():
        out.append(f"{FIELD_NAMES.get(field, field)}命中关键词：{_join(terms)}")
    for leg, hit in (explanation.get("legs") or {}).items():
        if hit:
            out.append(f"{LEG_NAMES.get(leg, leg)}排名第 {hit['rank']}（得分 {hit['score']:.3f}）")
    for name, value in (explanation.get("facets") or {}).items():
        out.append(f"{FACET_NAMES.get(name, name)}一致：{_join(value)}")
    for name, value in (explanation.get("filters") or {}).items():
        if value not in (None, [], ""):
            out.append(f"满足筛选条件（{FACET_NAMES.get(name, name)}）：{_join(value)}")
    return out or ["综合得分达到订阅阈值"]
