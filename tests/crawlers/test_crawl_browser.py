"""The rendering fallback: a column whose list JavaScript builds from an array in the page.
Crawled plainly, it yields nothing and the report says so; with ``browser = true`` its
source renders list pages in Debian's Chromium (scrapy-playwright) and every entry is read."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from portal_helpers import crawl_env, run_crawl

from core.records import derive_record_id
from core.store import RecordStore
from crawlers.sample_portal import serve_in_thread
from crawlers.sample_portal.columns import BROWSER_COLUMN
from crawlers.sample_portal.data import portal_data
from crawlers.spiders.browser import CHROMIUM

pytestmark = pytest.mark.slow


def _source(home: Path, browser: bool) -> None:
    folder = home / "sources"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "js.toml").write_text(
        'name = "sample-portal-js"\n'
        f'start_urls = ["http://127.0.0.1:8750{BROWSER_COLUMN}"]\n'
        'kind = "scene"\n'
        f"browser = {'true' if browser else 'false'}\n",
        encoding="utf-8",
    )


def test_a_script_built_list_without_a_browser_is_reported_empty(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _source(home, browser=False)
    env = crawl_env(home, f"sqlite:///{tmp_path / 'store.db'}")
    with serve_in_thread() as portal:
        report = run_crawl(
            env, "--source", "sample-portal-js", "--base-url", portal.url, "--fast", expect_exit=4
        )
    assert report["items_new"] == 0 and report["detail_pages"] == 0
    assert report["list_pages_empty"] == 1
    [failure] = report["failures"]["list_empty"]
    assert failure["url"].endswith(BROWSER_COLUMN)
    assert "list page yielded no items" in failure["detail"]


def test_a_source_asking_for_a_missing_browser_is_told_how_to_fix_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _source(home, browser=True)
    env = crawl_env(home, f"sqlite:///{tmp_path / 'store.db'}")
    with serve_in_thread() as portal:
        report = run_crawl(
            env,
            *("--source", "sample-portal-js", "--base-url", portal.url, "--fast"),
            *("--set", "SCENEHUB_CHROMIUM=/nonexistent/chromium"),
            expect_exit=4,  # nothing found: the exit status says so
        )
    [problem] = report["failures"]["browser_unavailable"]
    assert "no Chromium at /nonexistent/chromium" in problem["detail"]
    assert "apt-get install chromium" in problem["detail"]
    assert report["list_pages_empty"] == 1  # crawled plainly, and the empty list is said


@pytest.mark.browser
def test_the_browser_fallback_renders_the_list(tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium to run this test")
    if importlib.util.find_spec("scrapy_playwright") is None:
        pytest.skip("scrapy-playwright is not installed")
    home = tmp_path / "home"
    _source(home, browser=True)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    env = crawl_env(home, url)
    with serve_in_thread() as portal:
        report = run_crawl(env, "--source", "sample-portal-js", "--base-url", portal.url, "--fast")
        rendered = portal.hits[BROWSER_COLUMN]
    scenes = portal_data(1).browser_scenes
    assert report["failure_count"] == 0, report["failures"]
    assert report["list_pages_empty"] == 0
    assert report["detail_pages"] == len(scenes) and report["items_new"] == len(scenes)
    assert rendered == 1  # the list page went through the browser once
    assert report["list_mechanisms"] == {"browser": 1}
    store = RecordStore.from_url(url)
    try:
        for scene in scenes:
            assert store.get(derive_record_id("scene", scene.org, scene.title)).org == scene.org
    finally:
        store.engine.dispose()
