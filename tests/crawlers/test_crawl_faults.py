"""A misbehaving portal: the crawl completes, stores every good item, reports every failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from fault_server import BAD, GOOD_DETAILS, GOOD_XLSX_ROWS, FaultServer
from portal_helpers import crawl_env, run_crawl

from core.records import derive_record_id
from core.settings import normalize_database_url
from core.store import RecordStore

pytestmark = pytest.mark.slow


def test_faults_are_reported_and_good_items_stored(tmp_path: Path, database_url: str) -> None:
    url = normalize_database_url(database_url)
    env = crawl_env(tmp_path / "home", url)
    with FaultServer() as server:
        report = run_crawl(
            env,
            "--url",
            f"{server.url}/list.html",
            "--kind",
            "auto",
            "--fast",
            "--set",
            "DOWNLOAD_TIMEOUT=3",
            "--set",
            "RETRY_TIMES=1",
        )
        hits = dict(server.hits)
    assert report["status"] == "finished"
    failed = {reason: [f["url"] for f in entries] for reason, entries in report["failures"].items()}
    for path, reason in BAD.items():
        assert f"{server.url}{path}" in failed.get(reason, []), (path, reason, failed)
    assert report["failure_count"] == len(BAD)

    store = RecordStore.from_url(url)
    for title, org in GOOD_DETAILS.values():
        record = store.get(derive_record_id("scene", org, title))
        assert record.budget_cny == 2_000_000
    wrong_charset = store.get(derive_record_id("scene", *reversed(GOOD_DETAILS["/d/wrongcs.html"])))
    # Chinese read correctly despite the utf-8 header on GBK bytes
    assert wrong_charset.title == "滨江区政务大模型问答场景"
    assert wrong_charset.org == "杭州高新区(滨江)数据资源管理局"
    for org, name in GOOD_XLSX_ROWS:
        assert store.get(derive_record_id("capability", org, name)).batch == "第三批"
    assert store.count() == len(GOOD_DETAILS) + len(GOOD_XLSX_ROWS)
    assert report["items_new"] == store.count()

    first, second = hits["/d/e429.html"][:2]
    assert second - first >= 0.9  # Retry-After: 1 was honoured
    assert len(hits["/d/e500.html"]) == 2  # retried once (RETRY_TIMES=1), then reported
    assert "/d/secret.html" not in hits  # robots.txt obeyed
    assert report["retries"] >= 3


def test_robots_override_is_recorded(tmp_path: Path, database_url: str) -> None:
    sources = tmp_path / "home" / "sources"
    sources.mkdir(parents=True)
    url = normalize_database_url(database_url)
    with FaultServer() as server:
        (sources / "faulty.toml").write_text(
            f'name = "faulty"\nstart_urls = ["{server.url}/list.html"]\nkind = "scene"\n'
            'shape = "list_detail"\nobey_robots = false\n'
            'robots_reason = "our own test server"\n',
            encoding="utf-8",
        )
        report = run_crawl(
            crawl_env(tmp_path / "home", url),
            "--source",
            "faulty",
            "--fast",
            "--set",
            "DOWNLOAD_TIMEOUT=3",
            "--set",
            "RETRY_TIMES=0",
            "--set",
            "DOWNLOAD_MAXSIZE=5000000",
        )
        assert "/d/secret.html" in server.hits
    assert report["robots"] == {"obey": False, "reason": "our own test server"}
    assert "robots" not in report["failures"]
    too_large = [f["url"] for f in report["failures"]["too_large"]]
    assert too_large == [f"{server.url}/f/big.xlsx"]  # refused by the size limit
