"""Issue 10 part 4: one path from a row to a record. The sample portal's detail scenes,
crawled from their pages and imported from a spreadsheet of the same items, get the same
ids and the same content hashes (so neither way of reading a list makes spurious versions).

The spreadsheet is written here from the portal's data (``crawlers.sample_portal.data``),
as a list-maker would: its own header names, the contact split over two columns.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from portal_helpers import crawl_env, run_crawl

from core.ingest.importer import load_file
from core.records import RecordKind, derive_record_id
from core.store import RecordStore
from crawlers.sample_portal import serve_in_thread
from crawlers.sample_portal.data import SceneItem, portal_data

pytestmark = pytest.mark.slow

HEADERS = (
    "序号",
    "场景名称",
    "需求单位",
    "所属领域",
    "落地区域",
    "需求描述",
    "技术要求",
    "预算金额",
    "截止时间",
    "合作方式",
    "联系人",
    "联系电话",
    "发布时间",
)


def _row(number: int, s: SceneItem) -> list[object]:
    return [
        number,
        s.title,
        s.org,
        s.domain_text,
        s.district_text,
        s.description,
        s.tech,
        s.budget_text,
        s.deadline_text,  # some without a year: it comes from 发布时间, as on the page
        s.cooperation,
        s.contact_name,
        s.contact_phone,
        s.published,  # a real date cell
    ]


def test_xlsx_import_and_portal_crawl_hash_the_same(tmp_path: Path) -> None:
    scenes = portal_data().detail_scenes
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    for number, scene in enumerate(scenes, start=1):
        sheet.append(_row(number, scene))
    path = tmp_path / "scenes.xlsx"
    workbook.save(path)
    imported = {r.with_id().id: r for r in load_file(path, kind=RecordKind.SCENE).records}

    url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with serve_in_thread() as portal:
        run_crawl(
            crawl_env(tmp_path, url),
            "--source",
            "sample-portal",
            "--base-url",
            portal.url,
            "--fast",
        )
    store = RecordStore.from_url(url)
    compared = 0
    for scene in scenes:
        record_id = derive_record_id(RecordKind.SCENE, scene.org, scene.title)
        crawled = next(
            v for v in store.history(record_id) if v.source_url and "/news/" in v.source_url
        )
        mine = imported[record_id]
        assert mine.content() == crawled.to_record().content(), scene.title
        assert mine.compute_hash() == crawled.content_hash
        compared += 1
    store.engine.dispose()
    assert compared == len(scenes) >= 20
