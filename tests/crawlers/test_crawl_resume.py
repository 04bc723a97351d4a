"""A crawl killed mid-way (SIGKILL: no clean shutdown) resumes without losing or
duplicating items: the rerun skips pages whose items were committed, re-fetches the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from portal_helpers import ROOT, crawl_command, crawl_env, run_crawl
from sqlalchemy import func, select

from core.models import RecordSourceRow
from core.records import derive_record_id
from core.settings import normalize_database_url
from core.store import RecordStore
from crawlers.sample_portal import serve_in_thread
from crawlers.sample_portal.data import PDF_REPEATS_HTML, portal_data
from crawlers.state import CrawlState

pytestmark = pytest.mark.slow
SCALE = 5  # 300 detail pages, 12 extra attachments


def test_killed_crawl_resumes_without_loss_or_duplicates(tmp_path: Path, database_url: str) -> None:
    url = normalize_database_url(database_url)
    env = crawl_env(tmp_path / "home", url)
    store = RecordStore.from_url(url)
    data = portal_data(SCALE)
    expected = {derive_record_id("scene", s.org, s.title) for s in data.all_scenes()}
    expected |= {derive_record_id("capability", c.org, c.title) for c in data.all_capabilities()}
    with serve_in_thread(scale=SCALE) as portal:
        args = ("--source", "sample-portal", "--base-url", portal.url, "--fast")
        slow = (
            "--set",
            "DOWNLOAD_DELAY=0.03",
            "--set",
            "CONCURRENT_REQUESTS_PER_DOMAIN=1",
            "--set",
            "SCENEHUB_STORE_BATCH=10",
        )
        child = subprocess.Popen(
            crawl_command(*args, *slow),
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, like a job in a shell
        )
        try:
            deadline = time.monotonic() + 120
            while store.count() < 40 and time.monotonic() < deadline and child.poll() is None:
                time.sleep(0.05)
            assert child.poll() is None, "the crawl finished before it could be killed"
            os.killpg(child.pid, signal.SIGKILL)  # kill -9 the whole job: CLI and crawl
            child.wait(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
        stored_before = store.count()
        assert 0 < stored_before < len(expected)

        report = run_crawl(env, *args)

    assert report["status"] == "finished" and report["resumed"]
    assert report["incremental"].get("skipped/detail", 0) > 0  # finished pages not re-fetched
    assert report["items_new"] == len(expected) - stored_before
    ids = {record.id for record in store.iter_records()}
    assert ids == expected
    assert {record.version for record in store.iter_records()} == {1}
    with store.session() as session:
        sources = session.scalar(select(func.count()).select_from(RecordSourceRow))
    assert sources == len(data.all_scenes()) + len(data.all_capabilities()) + PDF_REPEATS_HTML
    runs = CrawlState(store.engine).runs("sample-portal")
    assert [run.status for run in reversed(runs)] == ["interrupted", "finished"]
    store.engine.dispose()


def test_interrupted_crawl_stores_what_it_has_and_says_so(
    tmp_path: Path, database_url: str
) -> None:
    """SIGINT (Ctrl-C): Scrapy stops gracefully; the report says interrupted; a rerun resumes."""
    import json

    url = normalize_database_url(database_url)
    env = crawl_env(tmp_path / "home", url)
    store = RecordStore.from_url(url)
    with serve_in_thread(scale=SCALE) as portal:
        args = ("--source", "sample-portal", "--base-url", portal.url, "--fast")
        slow = ("--set", "DOWNLOAD_DELAY=0.03", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        child = subprocess.Popen(
            crawl_command(*args, *slow),
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120  # the CLI and its crawl start, then store items
        while store.count() < 10 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        os.killpg(child.pid, signal.SIGINT)  # Ctrl-C reaches the CLI and its crawl alike
        out, _ = child.communicate(timeout=60)
        report = json.loads(out.strip().splitlines()[-1])
        assert report["status"] == "interrupted" and report["finish_reason"] == "shutdown"
        assert 0 < report["items_new"] == store.count()  # everything scraped was stored
        resumed = run_crawl(env, *args)
    assert resumed["status"] == "finished" and resumed["resumed"]
    assert resumed["items_new"] + report["items_new"] == len({r.id for r in store.iter_records()})
    store.engine.dispose()
