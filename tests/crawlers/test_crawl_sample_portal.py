"""End-to-end: crawl the sample portal and compare the store with the generator's truth.

Expectations come from ``crawlers.sample_portal.data`` (what the portal publishes, as
values) and from hand-written golden records, never from the extraction code.
"""

from __future__ import annotations

import itertools
import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from portal_helpers import crawl_env, run_crawl
from sqlalchemy import func, select

from core.models import RecordSourceRow
from core.records import RecordKind, derive_record_id
from core.store import RecordStore
from crawlers.sample_portal import serve_in_thread
from crawlers.sample_portal.data import CapabilityItem, SceneItem, portal_data
from crawlers.sample_portal.site import (
    CORRECTION,
    DOCX_BATCHES,
    PDF_TITLE,
    XLS_TITLE,
    XLSX_TITLE,
)

pytestmark = pytest.mark.slow
GOLDEN = Path(__file__).parents[1] / "data" / "crawlers" / "golden_sample_portal.jsonl"


def nfkc(text: str | None) -> str | None:
    return unicodedata.normalize("NFKC", text) if text else text


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One portal, two crawls (the second must be incremental), shared by this module."""
    home = tmp_path_factory.mktemp("home")
    url = f"sqlite:///{home / 'store.db'}"
    env = crawl_env(home, url)
    with serve_in_thread() as portal:
        args = ("--source", "sample-portal", "--base-url", portal.url, "--fast")
        first = run_crawl(env, *args)
        second = run_crawl(env, *args)
        store = RecordStore.from_url(url)
        yield {
            "first": first,
            "second": second,
            "store": store,
            "env": env,
            "args": args,
            "home": home,
            "url": portal.url,
        }
        store.engine.dispose()


def _expected_scene(item: SceneItem, origin: str) -> dict[str, Any]:
    common = {
        "kind": "scene",
        "title": nfkc(item.title),
        "org": item.org,
        "domains": [item.domain],
        "domain_raw": nfkc(item.domain_text),
    }
    contact = f"{item.contact_name} {item.contact_phone}"
    place = {"district": item.district or item.district_text, "region": "杭州"}
    if origin == "detail":
        return {
            **common,
            **place,
            "description": nfkc(item.description),
            "tech_requirements": nfkc(item.tech),
            "budget_cny": item.budget_cny,
            "deadline": item.deadline,
            "published_at": item.published,
            "cooperation_mode": item.cooperation,
            "contact": contact,
        }
    if origin == "xls":
        return {
            **common,
            **place,
            "description": nfkc(item.description),
            "budget_cny": item.budget_cny,
            "deadline": item.deadline,
            "contact": contact,
            "list_name": XLS_TITLE,
            "batch": "第一批",
            "published_at": None,
        }
    batch = "第一批" if origin == "docx1" else "第二批"
    heading = DOCX_BATCHES[0 if origin == "docx1" else 1]
    return {
        **common,
        "cooperation_mode": item.cooperation,
        "contact": contact,
        "list_name": heading,
        "batch": batch,
        "district": None,
        "budget_cny": None,
    }


def _expected_capability(item: CapabilityItem, origin: str, list_name: str) -> dict[str, Any]:
    expected = {
        "kind": "capability",
        "title": nfkc(item.title),
        "org": item.org,
        "domains": [item.domain],
        "domain_raw": nfkc(item.domain_text),
        "district": item.district,
        "region": "杭州",
        "list_name": nfkc(list_name),
    }
    if origin == "xlsx":
        expected.update(
            description=nfkc(item.description),
            cases=nfkc(item.cases),
            qualifications=nfkc(item.qualifications),
            batch="第一批",
            contact=f"{item.contact_name} {item.contact_phone}",
        )
    return expected


def _all_expected() -> list[dict[str, Any]]:
    data = portal_data(1)
    expected = [_expected_scene(s, "detail") for s in data.detail_scenes]
    # the short-titled news entries and the jpage / JSON columns: detail pages too
    expected += [_expected_scene(s, "detail") for s in data.short_scenes]
    expected += [_expected_scene(s, "detail") for s in data.hanweb_scenes]
    expected += [_expected_scene(s, "detail") for s in data.json_scenes]
    expected += [_expected_scene(s, "xls") for s in data.xls_scenes]
    expected += [_expected_scene(s, "docx1") for s in data.docx_scenes[0]]
    expected += [_expected_scene(s, "docx2") for s in data.docx_scenes[1]]
    expected += [_expected_capability(c, "html", PDF_TITLE) for c in data.html_capabilities]
    expected += [_expected_capability(c, "xlsx", XLSX_TITLE) for c in data.xlsx_capabilities[0]]
    expected += [
        _expected_capability(c, "xlsx", f"{XLSX_TITLE}（补充）") for c in data.xlsx_capabilities[1]
    ]
    expected += [_expected_capability(c, "pdf", PDF_TITLE) for c in data.pdf_capabilities]
    return expected


def test_every_published_item_is_stored_as_published(crawled: dict[str, Any]) -> None:
    store: RecordStore = crawled["store"]
    expected = _all_expected()
    assert store.count(RecordKind.SCENE) == 158  # 105 + 9 short titles + 32 jpage + 12 JSON
    assert store.count(RecordKind.CAPABILITY) == 105
    mismatches = []
    for want in expected:
        record = store.get(derive_record_id(want["kind"], want["org"], want["title"]))
        got = record.model_dump()
        for name, value in want.items():
            if got[name] != value:
                mismatches.append((want["title"], name, got[name], value))
    assert mismatches == []


def test_hand_written_golden_records(crawled: dict[str, Any]) -> None:
    store: RecordStore = crawled["store"]
    content = (
        "domains",
        "domain_raw",
        "description",
        "tech_requirements",
        "district",
        "region",
        "budget_cny",
        "deadline",
        "published_at",
        "contact",
        "cooperation_mode",
        "qualifications",
        "cases",
        "list_name",
        "batch",
    )
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        want = json.loads(line)
        record = store.get(derive_record_id(want["kind"], want["org"], want["title"]))
        got = record.model_dump(mode="json")
        for name in content:
            assert got[name] == want.get(name, [] if name == "domains" else None), (
                want["title"],
                name,
            )
        assert len(record.sources) == want["_sources"]
        assert record.raw.get("_flags", []) == want.get("_flags", [])


def test_every_record_keeps_source_attachment_and_raw_row(crawled: dict[str, Any]) -> None:
    store: RecordStore = crawled["store"]
    records = list(store.iter_records())
    assert all(r.source_url and r.raw for r in records)
    from_files = [r for r in records if r.attachment_url]
    assert {r.attachment_url.rsplit("/", 1)[1] for r in from_files} == {  # type: ignore[union-attr]
        "nengli_di1pi.xlsx",
        "jihui_xiaoshan.xls",
        "jihui_qingdan.docx",
        "jiebang_rwmd.pdf",
    }
    pdf_row = next(r for r in from_files if r.attachment_url.endswith(".pdf"))  # type: ignore[union-attr]
    assert "推荐单位" in pdf_row.raw  # an unmapped column stays in the raw row


def test_same_item_on_two_pages_is_one_record_with_both_sources(crawled: dict[str, Any]) -> None:
    store: RecordStore = crawled["store"]
    item = portal_data(1).html_capabilities[0]
    record_id = derive_record_id("capability", item.org, item.title)
    sources = store.sources(record_id)
    assert len(sources) == 2
    assert {bool(s["attachment_url"]) for s in sources} == {True, False}  # type: ignore[index]
    assert store.get(record_id).version == 1


def test_first_crawl_report(crawled: dict[str, Any]) -> None:
    first = crawled["first"]
    assert first["status"] == "finished"
    assert first["items_new"] == 263 and first["items_updated"] == 0
    assert first["failure_count"] == 0, first["failures"]
    assert first["attachments_read"] == 4
    assert first["field_problems"]["budget_cny/negotiable"] >= 1
    assert first["robots"] == {"obey": True, "reason": None}
    # every list mechanism was read, and nothing was left out of a list
    assert first["list_mechanisms"] == {"jpage": 3, "json": 3}  # 1 page + 2 dataproxy groups
    assert first["item_links"] == 60 + 9 + 2 + 32 + 12
    assert first["list_pages_empty"] == 0
    assert set(first["links_skipped"]) <= {"navigation", "pagination"}


def test_short_titled_items_are_crawled(crawled: dict[str, Any]) -> None:
    """智慧水务-style titles (four or five characters) were the ones a length rule dropped."""
    store: RecordStore = crawled["store"]
    data = portal_data(1)
    short = [s for s in data.all_scenes() if len(s.title) <= 5]
    assert len(short) >= 12  # nine in the news list, three in the jpage column, one in JSON
    for scene in short:
        record = store.get(derive_record_id("scene", scene.org, scene.title))
        assert record.title == nfkc(scene.title) and record.org == scene.org


def test_second_crawl_is_incremental(crawled: dict[str, Any]) -> None:
    first, second = crawled["first"], crawled["second"]
    assert second["items_new"] == 0 and second["items_updated"] == 0
    assert second["items_unchanged"] == 0  # nothing re-read: even the table pages are unchanged
    assert second["incremental"]["same_content"] == 2  # the two pages of the HTML table
    # the 60 scene pages; the 2 notices link files, so they are re-read (hub pages) and
    # their attachments, unchanged, are skipped by their own state
    # (and 9 short-titled news entries, 32 jpage and 12 JSON-column entries)
    assert second["incremental"]["skipped/detail"] == 60 + 9 + 32 + 12
    # each attachment link met is skipped (the notices link some of the listed files again)
    assert second["incremental"]["skipped/attachment"] >= 4
    assert second["attachments_read"] == 0
    assert second["pages_fetched"] <= first["pages_fetched"] // 5


def test_a_corrected_item_becomes_a_new_version(crawled: dict[str, Any]) -> None:
    store: RecordStore = crawled["store"]
    with serve_in_thread(revision=1) as portal:
        args = ("--source", "sample-portal", "--base-url", portal.url, "--fast")
        report = run_crawl(crawled["env"], *args)
    assert report["items_updated"] == 1 and report["items_new"] == 0
    scene = portal_data(1).detail_scenes[0]
    history = store.history(derive_record_id("scene", scene.org, scene.title))
    assert [h.version for h in history] == [1, 2]
    assert history[-1].description == nfkc(scene.description + CORRECTION)
    assert history[0].description == nfkc(scene.description)


def test_runs_are_stored_with_their_reports(crawled: dict[str, Any]) -> None:
    from crawlers.state import CrawlState

    runs = CrawlState(crawled["store"].engine).runs("sample-portal")
    assert [r.status for r in runs][-2:] == ["finished", "finished"]
    assert runs[-1].items_new == 263 and runs[-1].report["items_new"] == 263
    ordered = sorted(runs, key=lambda run: run.id)
    assert ordered[0] is runs[-1]  # newest first
    # each run is stamped when it starts and ends: the crawls ran one after the other, and a
    # run's stamps bracket the time its report says it took
    for run, after in itertools.pairwise(ordered):
        assert run.finished_at is not None
        assert run.started_at < run.finished_at <= after.started_at
    for run in ordered:
        took = (run.finished_at - run.started_at).total_seconds()  # type: ignore[operator]
        assert took >= run.report["elapsed_s"] - 0.01


def test_record_sources_are_not_duplicated(crawled: dict[str, Any]) -> None:
    store: RecordStore = crawled["store"]
    with store.session() as session:
        rows = session.scalar(
            select(func.count())
            .select_from(RecordSourceRow)
            .where(RecordSourceRow.source_url.startswith(crawled["url"] + "/"))
        )
    assert rows == 268  # 263 items + 5 capabilities published on two pages


def test_blank_firm_rows_take_the_firm_above(crawled: dict[str, Any]) -> None:
    from crawlers.sample_portal.files import blank_firm_group, firm_groups

    store: RecordStore = crawled["store"]
    continued = []
    for sheet in portal_data(1).xlsx_capabilities:
        for index, group in enumerate(firm_groups(sheet)):
            if len(group) > 1 and blank_firm_group(index):
                continued += group[1:]
    assert continued  # the portal does publish some
    for item in continued:
        record = store.get(derive_record_id("capability", item.org, item.title))
        assert record.org == item.org
        assert "org_from_row_above" in record.raw["_flags"]


def test_same_item_from_two_sources_is_one_record(crawled: dict[str, Any]) -> None:
    """The xls crawled again as its own ad-hoc source: same records, one more source each."""
    store: RecordStore = crawled["store"]
    xls = f"{crawled['url']}/uploads/2025/jihui_xiaoshan.xls"
    report = run_crawl(crawled["env"], "--url", xls, "--kind", "scene", "--fast")
    assert report["source"] == "url:127.0.0.1"
    assert report["items_new"] == 0 and report["items_updated"] == 0
    assert report["items_unchanged"] == 20
    scene = portal_data(1).xls_scenes[0]
    record = store.get(derive_record_id("scene", scene.org, scene.title))
    assert record.version == 1
    here = [url for url in record.sources if url.startswith(crawled["url"] + "/")]
    assert sorted(here) == sorted([f"{crawled['url']}/lists/fujian.html", xls])
