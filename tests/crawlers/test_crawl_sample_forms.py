"""End-to-end: the sample portal's harder publication forms (issue 22), crawled by the
``sample-portal-forms`` source through the real CLI, against the generator's truth."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from portal_helpers import crawl_env, run_crawl

from core.records import derive_record_id
from core.store import RecordStore
from crawlers.sample_portal import serve_in_thread
from crawlers.sample_portal.forms import (
    NEXT_ONLY_COLUMN,
    PAGER,
    WEBFORMS_COLUMN,
    view_state,
)
from crawlers.sample_portal.forms_data import forms_data
from crawlers.sample_portal.site import Site

pytestmark = pytest.mark.slow
FORMS = forms_data(1)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    home = tmp_path_factory.mktemp("forms")
    url = f"sqlite:///{home / 'store.db'}"
    env = crawl_env(home, url)
    with serve_in_thread() as portal:
        args = ("--source", "sample-portal-forms", "--base-url", portal.url, "--fast")
        first = run_crawl(env, *args)
        second = run_crawl(env, *args)
        store = RecordStore.from_url(url)
        yield {"first": first, "second": second, "store": store, "env": env, "portal": portal}
        store.engine.dispose()


def test_webforms_postback_pages_are_each_read_once(crawled: dict[str, Any]) -> None:
    first = crawled["first"]
    # moreinfo.aspx: pages 2 and 3 by posting the pager back; list.aspx: page 2 by 下一页
    assert first["postback_pages"] == {"reached": 3}
    assert crawled["portal"].hits[WEBFORMS_COLUMN] == 3 * 2  # GET + 2 POSTs, each crawl
    assert crawled["portal"].hits[NEXT_ONLY_COLUMN] == 2 * 2
    store: RecordStore = crawled["store"]
    for scene in (*FORMS.webforms, *FORMS.next_only):
        record = store.get(derive_record_id("scene", scene.org, scene.title))
        assert record.title == nfkc(scene.title) and record.description == nfkc(scene.description)
        assert record.deadline == scene.deadline and record.budget_cny == scene.budget_cny
    assert set(first["links_skipped"]) <= {"navigation", "pagination"}  # no script_link


def test_a_list_row_and_its_detail_page_are_one_item_one_version(
    crawled: dict[str, Any],
) -> None:
    first = crawled["first"]
    store: RecordStore = crawled["store"]
    assert first["rows_with_detail"] == len(FORMS.webforms)
    scene = FORMS.webforms[0]
    record = store.get(derive_record_id("scene", scene.org, scene.title))
    assert record.version == 1 and store.history(record.id)[0].version == 1
    assert record.list_name == "应用场景需求公告"  # from the list
    assert record.domain_raw == nfkc(scene.domain_text)
    assert record.contact == f"{scene.contact_name} {scene.contact_phone}"  # from the detail
    assert record.raw["项目名称"] == scene.title and "需求描述" in record.raw


def test_a_framed_list_is_followed_and_counted(crawled: dict[str, Any]) -> None:
    first = crawled["first"]
    assert first["frames_followed"] == 1
    assert first["list_pages_empty"] == 0
    store: RecordStore = crawled["store"]
    for scene in FORMS.frame:
        record = store.get(derive_record_id("scene", scene.org, scene.title))
        assert record.org == scene.org and record.source_url.endswith(".html")  # type: ignore[union-attr]


def test_first_crawl_is_all_new_and_an_unchanged_second_crawl_changes_nothing(
    crawled: dict[str, Any],
) -> None:
    first, second = crawled["first"], crawled["second"]
    total = len(FORMS.webforms) + len(FORMS.next_only) + len(FORMS.frame)
    assert (first["items_new"], first["items_updated"]) == (total, 0)
    assert first["failure_count"] == 0, first["failures"]
    assert (second["items_new"], second["items_updated"]) == (0, 0)
    # the postback pages are known to the incremental state by column URL + event
    assert second["incremental"]["same_content"] == 3  # the GridView's three pages
    assert second["incremental"]["skipped/detail"] == total
    assert second["detail_pages"] == 0


def test_a_refused_postback_is_counted_and_reported(crawled: dict[str, Any]) -> None:
    with serve_in_thread() as portal:
        # the page hands out a view state the server no longer accepts (an expired session)
        status, headers, body = portal.site.get(WEBFORMS_COLUMN)
        good = view_state(WEBFORMS_COLUMN, 1).encode()
        portal.site._cache[WEBFORMS_COLUMN] = (status, headers, body.replace(good, b"x" + good))
        report = run_crawl(
            crawled["env"], "--url", portal.url + WEBFORMS_COLUMN, "--kind", "scene", "--fast"
        )
    assert report["postback_pages"] == {"refused": 2}
    assert [f["url"] for f in report["failures"]["http_500"]] == [portal.url + WEBFORMS_COLUMN] * 2
    assert report["items_new"] + report["items_unchanged"] == 6  # page 1 still read


def test_the_server_refuses_a_form_it_did_not_issue() -> None:
    site = Site()
    state = view_state(WEBFORMS_COLUMN, 1)
    from crawlers.sample_portal.forms import _sign

    def post(**form: str) -> int:
        from urllib.parse import urlencode

        return site.post(WEBFORMS_COLUMN, urlencode(form).encode())[0]

    good = {"__VIEWSTATE": state, "__EVENTVALIDATION": _sign(state), "__EVENTTARGET": PAGER}
    assert post(**good, __EVENTARGUMENT="2") == 200
    assert post(**good, __EVENTARGUMENT="9") == 500  # no such page
    assert post(**{**good, "__VIEWSTATE": state[:-1] + "0"}, __EVENTARGUMENT="2") == 500
    assert post(__EVENTTARGET=PAGER, __EVENTARGUMENT="2") == 500  # no view state at all
    other = view_state(NEXT_ONLY_COLUMN, 1)  # another column's state
    assert post(**{**good, "__VIEWSTATE": other, "__EVENTVALIDATION": _sign(other)}) == 500
