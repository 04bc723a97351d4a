"""Sightings of one item within one crawl fold into one record, one version, both sources."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from portal_helpers import Stats
from scrapy.signalmanager import SignalManager

from crawlers.extraction.row_links import RowIndex, fill_row
from crawlers.items import RowItem
from crawlers.pipelines.build_record import BuildRecordPipeline
from crawlers.pipelines.store import StorePipeline

LIST_ROW = {
    "序号": "1",
    "项目名称": "萧山医院智能导诊场景",
    "需求单位": "萧山医院",
    "所属领域": "医疗",
}
DETAIL_ROW = {
    "标题": "萧山医院智能导诊场景",
    "发布单位": "萧山医院",
    "所属领域": "AI+医疗",
    "需求描述": "门诊高峰期分诊排队长，需要智能导诊",
    "预算金额": "80万元",
    "联系方式": "王老师 0571-87000000",
}


def _pipeline(tmp_path: Path, batch: int) -> tuple[StorePipeline, Any]:
    crawler: Any = SimpleNamespace(stats=Stats(), signals=SignalManager())
    return StorePipeline(crawler, f"sqlite:///{tmp_path / 'store.db'}", batch), crawler


def _built(crawler: Any, row: dict[str, str], url: str) -> RowItem:
    item = RowItem(row=dict(row), source_url=url, kind="scene", page_year=2025)
    return BuildRecordPipeline(crawler.stats).process_item(item, None)  # type: ignore[arg-type]


class _Spider:
    run_id = None

    def name_for_state(self) -> str:
        return "test"


def _spider() -> Any:
    return _Spider()


def test_row_then_detail_in_one_batch_is_one_new_version(tmp_path: Path) -> None:
    store, crawler = _pipeline(tmp_path, 200)
    store.process_item(_built(crawler, LIST_ROW, "http://p/list.aspx"), _spider())
    store.process_item(_built(crawler, DETAIL_ROW, "http://p/d/1.html"), _spider())
    store.close_spider(_spider())
    assert len(store.ids["new"]) == 1 and store.ids["updated"] == set()
    (record_id,) = store.ids["new"]
    from core.store import RecordStore

    records = RecordStore.from_url(f"sqlite:///{tmp_path / 'store.db'}")
    record = records.get(record_id)
    assert record.version == 1
    assert record.domain_raw == "医疗"  # the row's wording stays; the detail fills blanks
    assert record.budget_cny == 800_000 and (record.description or "").startswith("门诊高峰期")
    assert len(records.sources(record_id)) == 2  # both places it was seen, each raw row
    assert crawler.stats.get_value("scenehub/items/folded") == 1
    assert crawler.stats.get_value("scenehub/items/folded_conflicts") == 1  # 医疗 / AI+医疗


def test_a_later_sighting_with_nothing_new_is_no_update_across_batches(tmp_path: Path) -> None:
    store, crawler = _pipeline(tmp_path, 1)  # every item its own batch
    store.process_item(_built(crawler, DETAIL_ROW, "http://p/d/1.html"), _spider())
    store.process_item(_built(crawler, LIST_ROW, "http://p/list.aspx"), _spider())
    store.close_spider(_spider())
    assert len(store.ids["new"]) == 1 and store.ids["updated"] == set()


def test_rows_are_found_by_their_links_title_and_filled_by_the_detail() -> None:
    index = RowIndex(enumerate([LIST_ROW, {"项目名称": "城市大脑", "需求单位": "数据局"}]))
    assert index.find("萧山医院智能导诊场景") == 0
    assert index.find("萧山医院智能导诊…") == 0  # a title cut short in the list
    assert index.find("城市大脑") == 1 and index.find("别的场景") is None
    merged = fill_row(LIST_ROW | {"预算": ""}, DETAIL_ROW)
    assert merged["项目名称"] == "萧山医院智能导诊场景" and "标题" not in merged
    assert merged["所属领域"] == "医疗" and merged["预算金额"] == "80万元"
    assert "预算" not in merged  # the row's empty cell gives way to the detail's value
