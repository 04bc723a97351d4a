"""The normalisation pipelines, one job each: values, flags and stats counters."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import DropItem

from crawlers.items import PageDone, RowItem
from crawlers.pipelines.build_record import BuildRecordPipeline
from crawlers.pipelines.dedupe import DedupePipeline
from crawlers.pipelines.validate import ValidatePipeline


def run(stats: Any, item: RowItem) -> RowItem:
    crawler = SimpleNamespace(stats=stats)
    spider: Any = None
    for pipeline in (
        BuildRecordPipeline(stats),
        ValidatePipeline(crawler),  # type: ignore[arg-type]
    ):
        item = pipeline.process_item(item, spider)
    return item


def test_detail_row_becomes_a_normalised_scene(stats: Any) -> None:
    row = {
        "标题": "杭州市第一人民医院门诊智能导诊场景需求",
        "发布单位": "杭州市第一人民医院",
        "所属领域": "ＡＩ＋医疗",
        "落地区域": "杭州市江干区",
        "预算金额": "0.5亿元",
        "截止时间": "7月15日",
        "发布时间": "2025-06-28",
        "来源": "场景创新中心",
        "联系方式": "王老师　0571-87000000",
    }
    item = run(stats, RowItem(row=row, source_url="http://h/d.html", kind="auto", page_year=2024))
    record = item.record
    assert record is not None
    assert record.kind.value == "scene"  # auto: 截止时间/预算金额 are demand-side columns
    assert record.org == "杭州市第一人民医院"
    assert record.budget_cny == 50_000_000
    assert record.deadline == date(2025, 7, 15)  # year from the publish date, not page_year
    assert record.published_at == date(2025, 6, 28)
    assert record.district == "上城区" and record.region == "杭州"  # 江干 merged into 上城
    assert record.domains == ["医疗"] and record.domain_raw == "AI+医疗"  # full-width folded
    assert record.contact == "王老师 0571-87000000"
    assert record.raw["来源"] == "场景创新中心"  # unknown column kept raw
    assert record.source_url == "http://h/d.html"
    assert record.id and record.id.startswith("S-")


def test_negotiable_budget_is_null_with_a_flag(stats: Any) -> None:
    row = {"场景名称": "智能客服", "需求单位": "杭州银行", "预算": "面议"}
    record = run(stats, RowItem(row=row, source_url="u", kind="scene")).record
    assert record is not None and record.budget_cny is None
    assert record.raw["_flags"] == ["budget_negotiable"]
    assert stats["scenehub/field/budget_cny/negotiable"] == 1


def test_budget_unit_in_the_header(stats: Any) -> None:
    row = {"场景名称": "巡检", "需求单位": "电力公司", "预算（万元）": "300"}
    assert run(stats, RowItem(row=row, source_url="u", kind="scene")).record.budget_cny == 3_000_000  # type: ignore[union-attr]


def test_problems_are_counted_and_the_item_kept(stats: Any) -> None:
    row = {
        "场景名称": "巡检",
        "需求单位": "某局",
        "截止时间": "另行通知",
        "所在区县": "火星",
        "预算": "很多",
        "领域": "其他",
    }
    record = run(stats, RowItem(row=row, source_url="u", kind="scene")).record
    assert record is not None
    assert record.deadline is None and record.budget_cny is None
    assert record.district == "火星"  # kept as published
    assert record.raw["截止时间"] == "另行通知"
    assert stats["scenehub/field/deadline/unparsed"] == 1
    assert stats["scenehub/field/budget_cny/unparsed"] == 1
    assert stats["scenehub/field/district/unparsed"] == 1
    assert stats["scenehub/field/domains/none"] == 1


def test_capability_continuation_row(stats: Any) -> None:
    row = {
        "公司名称": "杭州灵足机器人有限公司",
        "场景能力": "服务机器人",
        "类别": "机器人",
        "企业资质": "国家高新技术企业",
    }
    item = RowItem(
        row=row,
        source_url="u",
        attachment_url="u.xlsx",
        kind="auto",
        continued_org=True,
        list_name="能力清单（第一批）",
        batch="第一批",
    )
    record = run(stats, item).record
    assert record is not None and record.kind.value == "capability"
    assert record.org == "杭州灵足机器人有限公司" and record.title == "服务机器人"
    assert record.batch == "第一批" and record.list_name == "能力清单(第一批)"
    assert record.raw["_flags"] == ["org_from_row_above"]
    assert record.attachment_url == "u.xlsx"


def test_schema_violation_is_dropped_with_its_raw_row_kept(stats: Any) -> None:
    crawler = SimpleNamespace(stats=stats)
    build = BuildRecordPipeline(stats)
    validate = ValidatePipeline(crawler)  # type: ignore[arg-type]
    item = RowItem(row={"备注": "无标题行"}, source_url="u", kind="scene", location="f.xlsx:7")
    with pytest.raises(DropItem):
        validate.process_item(build.process_item(item, None), None)  # type: ignore[arg-type]
    undecided = RowItem(row={"名称": "x"}, source_url="u", kind=None, location="p:2")
    with pytest.raises(DropItem):
        validate.process_item(build.process_item(undecided, None), None)  # type: ignore[arg-type]
    assert [r["location"] for r in validate.rejected] == ["f.xlsx:7", "p:2"]
    assert validate.rejected[0]["raw"] == {"备注": "无标题行"}
    assert stats["scenehub/items/dropped/schema"] == 2


def test_duplicates_dropped_but_other_sources_kept(stats: Any) -> None:
    crawler = SimpleNamespace(stats=stats)
    dedupe = DedupePipeline(crawler)  # type: ignore[arg-type]
    row = {"场景名称": "巡检", "需求单位": "电力公司"}
    first = run(stats, RowItem(row=dict(row), source_url="a", kind="scene"))
    again = run(stats, RowItem(row=dict(row), source_url="a", kind="scene"))
    elsewhere = run(stats, RowItem(row=dict(row), source_url="b", kind="scene"))
    dedupe.process_item(first, None)  # type: ignore[arg-type]
    with pytest.raises(DropItem):
        dedupe.process_item(again, None)  # type: ignore[arg-type]
    assert dedupe.process_item(elsewhere, None) is elsewhere  # type: ignore[arg-type]
    assert stats["scenehub/items/dropped/duplicate"] == 1


def test_page_markers_pass_through(stats: Any) -> None:
    marker = PageDone(url="u", role="detail")
    assert BuildRecordPipeline(stats).process_item(marker, None) is marker  # type: ignore[arg-type]


def test_progress_line_and_switch(stats: Any) -> None:
    from scrapy.exceptions import NotConfigured
    from scrapy.settings import Settings

    from crawlers.extensions.progress import ProgressExtension

    with pytest.raises(NotConfigured):
        ProgressExtension.from_crawler(SimpleNamespace(settings=Settings()))  # type: ignore[arg-type]
    stats.inc_value("downloader/response_count", 12)
    stats.inc_value("scenehub/items/valid", 30)
    stats.inc_value("scenehub/items/new", 20)
    stats.inc_value("scenehub/incremental/skipped/detail", 4)
    stats.inc_value("scenehub/failures/http_500", 2)
    line = ProgressExtension(SimpleNamespace(stats=stats), 1.0).line()  # type: ignore[arg-type]
    assert line == (
        "pages 12 · items 30 (stored new 20, updated 0) · unchanged pages skipped 4 · failures 2"
    )
