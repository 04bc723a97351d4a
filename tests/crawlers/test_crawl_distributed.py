"""Distributed mode: two workers share one scrapy-redis queue; every page is fetched once
and every item stored once. Needs Redis on 127.0.0.1:6379 (skipped otherwise)."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from portal_helpers import ROOT, crawl_command, crawl_env

from core.records import derive_record_id
from core.store import RecordStore
from crawlers.sample_portal import serve_in_thread
from crawlers.sample_portal.data import portal_data

pytestmark = [pytest.mark.slow, pytest.mark.redis]
REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_url() -> Any:
    import redis

    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("needs a Redis server on 127.0.0.1:6379")
    yield REDIS
    for key in client.scan_iter("scenehub:dist-*"):
        client.delete(key)


def test_two_workers_share_one_crawl(tmp_path: Path, redis_url: str) -> None:
    import json

    url = f"sqlite:///{tmp_path / 'store.db'}"
    env = {**crawl_env(tmp_path / "home", url), "SCENEHUB_REDIS_URL": redis_url}
    sources = tmp_path / "home" / "sources"
    sources.mkdir(parents=True)
    name = f"dist-{uuid.uuid4().hex[:8]}"
    with serve_in_thread(scale=3) as portal:
        (sources / "dist.toml").write_text(
            f'name = "{name}"\nstart_urls = ["{portal.url}/news/index.html", '
            f'"{portal.url}/lists/fujian.html"]\nkind = "auto"\n',
            encoding="utf-8",
        )
        common = (
            "--source",
            name,
            "--fast",
            "--set",
            "DOWNLOAD_DELAY=0.01",
            "--set",
            "CONCURRENT_REQUESTS_PER_DOMAIN=2",
            "--set",
            "SCENEHUB_IDLE_CLOSE=3",
        )
        first = subprocess.Popen(
            crawl_command(*common, "--distributed"),
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.5)
        second = subprocess.Popen(
            crawl_command(*common, "--join"),
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        outputs = [p.communicate(timeout=180) for p in (first, second)]
        hits = dict(portal.hits)
    assert first.returncode == 0 and second.returncode == 0, [o[1][-2000:] for o in outputs]
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert all(r["status"] == "finished" for r in reports)
    assert all(r["pages_fetched"] > 10 for r in reports), "both workers did part of the work"

    data = portal_data(3)
    expected = {derive_record_id("scene", s.org, s.title) for s in data.detail_scenes}
    expected |= {derive_record_id("scene", s.org, s.title) for s in data.short_scenes}
    expected |= {derive_record_id("scene", s.org, s.title) for s in data.xls_scenes}
    expected |= {derive_record_id("scene", s.org, s.title) for s in data.docx_scenes[0]}
    expected |= {derive_record_id("scene", s.org, s.title) for s in data.docx_scenes[1]}
    caps = [
        *data.xlsx_capabilities[0],
        *data.xlsx_capabilities[1],
        *data.pdf_capabilities,
        *data.html_capabilities[:5],
    ]
    for rows in data.extra_attachments:
        caps += rows
    expected |= {derive_record_id("capability", c.org, c.title) for c in caps}
    store = RecordStore.from_url(url)
    assert {r.id for r in store.iter_records()} == expected
    assert {r.version for r in store.iter_records()} == {1}
    assert sum(r["items_new"] for r in reports) == len(expected)
    # the shared dupefilter: each page fetched once, by one of the two workers
    assert hits.pop("/robots.txt") == 2
    assert set(hits.values()) == {1}
    assert sum(r["pages_fetched"] for r in reports) == len(hits) + 2
    store.engine.dispose()
