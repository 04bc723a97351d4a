"""Issue 10 part 4: one path from a row to a record. The sample portal's detail scenes,
crawled from their pages and imported from a spreadsheet of the same items, get the same
ids and the same content hashes (so neither way of reading a list makes spurious versions).

The spreadsheet is written here from the portal's data (``crawlers.sample_portal.data``),
as a list-maker would: its own header names, the contact split over two columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from portal_helpers import crawl_env, run_crawl

from core.ingest.importer import load_file
from core.records import RecordKind, derive_record_id
from core.store import RecordStore
from crawlers.sample_portal import serve_in_thread
from crawlers.sample_portal.data import CapabilityItem, SceneItem, portal_data
from crawlers.sample_portal.site import XLSX_TITLE

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


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordStore]:
    """The sample portal, crawled once for this module."""
    home = tmp_path_factory.mktemp("crawl")
    url = f"sqlite:///{home / 'crawl.db'}"
    with serve_in_thread() as portal:
        args = ("--source", "sample-portal", "--base-url", portal.url, "--fast")
        run_crawl(crawl_env(home, url), *args)
    store = RecordStore.from_url(url)
    yield store
    store.engine.dispose()


def _write(path: Path, headers: tuple[str, ...], rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _same_hashes(store: RecordStore, imported: list[object], ids: list[str], where: str) -> int:
    by_id = {r.with_id().id: r for r in imported}  # type: ignore[attr-defined]
    for record_id in ids:
        crawled = next(
            v
            for v in store.history(record_id)
            if where in ((v.attachment_url or "") + (v.source_url or ""))
        )
        mine = by_id[record_id]
        assert mine.content() == crawled.to_record().content(), record_id
        assert mine.compute_hash() == crawled.content_hash
    return len(ids)


def test_detail_pages_and_a_spreadsheet_of_them_hash_the_same(
    crawled: RecordStore, tmp_path: Path
) -> None:
    scenes = portal_data().detail_scenes
    rows = [_row(number, scene) for number, scene in enumerate(scenes, start=1)]
    path = _write(tmp_path / "scenes.xlsx", HEADERS, rows)
    imported = load_file(path, kind=RecordKind.SCENE).records
    ids = [derive_record_id(RecordKind.SCENE, s.org, s.title) for s in scenes]
    assert _same_hashes(crawled, list(imported), ids, "/news/") == len(scenes) >= 20


CAPABILITY_HEADERS = (
    "企业名称",
    "能力名称",
    "能力描述",
    "应用案例",
    "所属领域",
    "所属区县",
    "资质要求",
    "联系人",
    "联系电话",
    "清单名称",
    "批次",
)


def _capability_row(item: CapabilityItem, list_name: str) -> list[object]:
    return [
        item.org,
        item.title,
        item.description,
        item.cases,
        item.domain_text,
        item.district_text,
        item.qualifications,
        item.contact_name,
        item.contact_phone,
        list_name,
        "第一批",
    ]


def test_an_attachment_and_a_spreadsheet_of_its_items_hash_the_same(
    crawled: RecordStore, tmp_path: Path
) -> None:
    """The portal's own xlsx names its list in a title row and merges firm cells; ours
    writes every cell out, with other header names: the records must not differ."""
    first, second = portal_data().xlsx_capabilities
    rows = [_capability_row(c, XLSX_TITLE) for c in first]
    rows += [_capability_row(c, f"{XLSX_TITLE}（补充）") for c in second]
    path = _write(tmp_path / "caps.xlsx", CAPABILITY_HEADERS, rows)
    imported = load_file(path, kind=RecordKind.CAPABILITY).records
    items = [*first, *second]
    ids = [derive_record_id(RecordKind.CAPABILITY, c.org, c.title) for c in items]
    assert _same_hashes(crawled, list(imported), ids, ".xlsx") == len(items) >= 10
