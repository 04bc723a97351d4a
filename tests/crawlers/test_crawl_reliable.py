"""Distributed crawls that lose nothing: three workers on PostgreSQL + Redis (db 7), one of
them SIGKILLed mid-crawl; one crawl run and report for all of them; keys that expire."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from portal_helpers import ROOT, crawl_command, crawl_env, run_crawl
from sqlalchemy import select

from core.models.crawls import CrawlRunRow
from core.settings import normalize_database_url
from core.store import RecordStore
from crawlers.sample_portal import serve_in_thread

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]
REDIS = "redis://127.0.0.1:6379/7"


@pytest.fixture
def redis_client() -> Iterator[Any]:
    import redis

    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("needs a Redis server on 127.0.0.1:6379")
    yield client
    for key in client.scan_iter("scenehub:rel-*"):
        client.delete(key)


def _source(home: Path, portal_url: str) -> str:
    name = f"rel-{uuid.uuid4().hex[:8]}"
    folder = home / "sources"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.toml").write_text(
        f'name = "{name}"\nstart_urls = ["{portal_url}/news/index.html", '
        f'"{portal_url}/lists/fujian.html"]\nkind = "auto"\n',
        encoding="utf-8",
    )
    return name


def _ids(url: str) -> dict[str, int]:
    store = RecordStore.from_url(normalize_database_url(url))
    try:
        return {r.id: r.version for r in store.iter_records()}
    finally:
        store.engine.dispose()


COMMON = (
    "--fast",
    "--set",
    "CONCURRENT_REQUESTS_PER_DOMAIN=2",
    "--set",
    "SCENEHUB_IDLE_CLOSE=3",
)


def _workers(
    env: dict[str, str], name: str, delay: float, ttl: int = 15
) -> list[subprocess.Popen[str]]:
    args = ("--source", name, *COMMON, "--set", f"DOWNLOAD_DELAY={delay}")
    args += ("--set", f"SCENEHUB_HEARTBEAT_TTL={ttl}")
    procs = [
        subprocess.Popen(
            crawl_command(*args, "--distributed"),
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    ]
    time.sleep(2.0)
    for _ in range(2):
        procs.append(
            subprocess.Popen(
                crawl_command(*args, "--join"),
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    return procs


def _baseline(tmp_path: Path, portal_url: str) -> dict[str, int]:
    """The same portal crawled by one process into its own SQLite store."""
    url = f"sqlite:///{tmp_path / 'single.db'}"
    home = tmp_path / "single-home"
    name = _source(home, portal_url)
    report = run_crawl(crawl_env(home, url), "--source", name, "--fast")
    assert report["status"] == "finished"
    return _ids(url)


def _one_run(pg_url: str, name: str) -> CrawlRunRow:
    store = RecordStore.from_url(normalize_database_url(pg_url))
    with store.session() as s:
        runs = s.scalars(select(CrawlRunRow).where(CrawlRunRow.source == name)).all()
    store.engine.dispose()
    assert len(runs) == 1, [(r.id, r.status) for r in runs]
    return runs[0]


def test_three_workers_store_every_item_once_and_write_one_report(
    tmp_path: Path, pg_url: str, redis_client: Any
) -> None:
    home = tmp_path / "home"
    env = {**crawl_env(home, pg_url), "SCENEHUB_REDIS_URL": REDIS}
    with serve_in_thread(scale=3) as portal:
        expected = _baseline(tmp_path, portal.url)
        portal.hits.clear()
        name = _source(home, portal.url)
        procs = _workers(env, name, delay=0.01)
        outs = [p.communicate(timeout=240) for p in procs]
        hits = dict(portal.hits)
    assert all(p.returncode == 0 for p in procs), [e[-2000:] for _, e in outs]
    reports = [json.loads(o.strip().splitlines()[-1]) for o, _ in outs]
    assert len({r["run_id"] for r in reports}) == 1  # one crawl run for all three
    assert sum(1 for r in reports if r["pages_fetched"] > 0) >= 2  # shared the work
    stored = _ids(pg_url)
    assert stored.keys() == expected.keys() and set(stored.values()) == {1}
    assert sum(r["items_new"] for r in reports) == len(expected)
    hits.pop("/robots.txt", None)
    run = _one_run(pg_url, name)
    assert run.status == "finished" and len(run.report["workers"]) == 3
    # the shared dupefilter: each page once, except a retry (a timeout on a loaded machine)
    extra = sum(n - 1 for n in hits.values())
    assert extra <= sum(r["retries"] for r in reports) + run.report["requeued_from_lost_workers"]
    assert extra <= len(hits) // 20
    assert run.pages_fetched == sum(r["pages_fetched"] for r in reports)
    assert run.items_new == len(expected) and run.report["workers_lost"] == 0
    # the crawl's keys expire instead of piling up across crawls
    ttl = redis_client.ttl(f"scenehub:{name}:dupefilter")
    assert 0 < ttl <= 2 * 24 * 3600


def test_a_worker_killed_mid_crawl_loses_nothing(
    tmp_path: Path, pg_url: str, redis_client: Any
) -> None:
    home = tmp_path / "home"
    env = {**crawl_env(home, pg_url), "SCENEHUB_REDIS_URL": REDIS}
    with serve_in_thread(scale=3) as portal:
        expected = _baseline(tmp_path, portal.url)
        total = len([k for k in portal.hits if k != "/robots.txt"])
        portal.hits.clear()
        name = _source(home, portal.url)
        procs = _workers(env, name, delay=0.08, ttl=4)
        victim = procs[1]
        deadline = time.monotonic() + 120
        while sum(portal.hits.values()) < total * 0.35 and time.monotonic() < deadline:
            time.sleep(0.05)
        held = redis_client.keys(f"scenehub:{name}:processing:*")
        victim.send_signal(signal.SIGKILL)
        outs = [p.communicate(timeout=300) for p in procs]
        hits = dict(portal.hits)
    assert victim.returncode == -signal.SIGKILL
    survivors = [p for p in procs if p is not victim]
    assert all(p.returncode == 0 for p in survivors), [e[-2000:] for _, e in outs]
    assert len(held) == 3  # each worker held requests in flight when the kill came
    stored = _ids(pg_url)
    assert stored.keys() == expected.keys()  # nothing lost
    assert set(stored.values()) == {1}  # nothing stored twice (a second version)
    hits.pop("/robots.txt", None)
    assert any(n > 1 for n in hits.values()), "the victim's in-flight pages were re-crawled"
    run = _one_run(pg_url, name)
    assert run.status == "finished" and run.report["workers_lost"] == 1
    assert run.report["requeued_from_lost_workers"] > 0
    assert not redis_client.keys(f"scenehub:{name}:processing:*")
