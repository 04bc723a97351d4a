"""Distributed crawl bookkeeping without a crawl: merged reports, joining, key names."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from core.store import RecordStore
from crawlers.distributed import (
    DistributedError,
    merge_reports,
    open_shared_run,
    owner_of,
    processing_key,
    redis_settings,
)
from crawlers.sources import Source
from crawlers.state import CrawlState


def test_merged_report_sums_counters_and_keeps_every_failure() -> None:
    merged = merge_reports(
        [
            {
                "status": "finished",
                "pages_fetched": 3,
                "items_new": 2,
                "elapsed_s": 2.0,
                "failures": {"http": [{"url": "a"}]},
                "incremental": {"skipped/detail": 1},
            },
            {
                "status": "interrupted",
                "pages_fetched": 4,
                "items_new": 1,
                "elapsed_s": 5.0,
                "failures": {"http": [{"url": "b"}], "parse": [{"url": "c"}]},
            },
        ],
        lost=1,
    )
    assert merged["pages_fetched"] == 7 and merged["items_new"] == 3
    assert merged["failures"] == {"http": [{"url": "a"}, {"url": "b"}], "parse": [{"url": "c"}]}
    assert merged["incremental"] == {"skipped/detail": 1}
    assert merged["elapsed_s"] == 5.0 and merged["status"] == "interrupted"
    assert merged["workers_lost"] == 1 and len(merged["workers"]) == 2


def test_worker_names_round_trip_through_processing_keys() -> None:
    key = processing_key("scenehub:src", "host-12-ab")
    assert owner_of("scenehub:src", key) == "host-12-ab"
    assert owner_of("scenehub:src", f"{key}:r1234") == "host-12-ab"  # a claimed hash


@pytest.mark.redis
def test_joining_without_a_crawl_is_a_clear_error(tmp_path: Path) -> None:
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/7").ping()
    except redis.ConnectionError:
        pytest.skip("needs a Redis server on 127.0.0.1:6379")
    source = Source(name=f"nojoin-{uuid.uuid4().hex[:6]}", start_urls=("http://a.example/",))
    settings = redis_settings(source, "redis://127.0.0.1:6379/7", join=True)
    settings["SCENEHUB_JOIN_WAIT"] = 0.6
    store = RecordStore.from_url(f"sqlite:///{tmp_path / 's.db'}")
    with pytest.raises(DistributedError, match="start one with --distributed"):
        open_shared_run(CrawlState(store.engine), source, settings)
    store.engine.dispose()
