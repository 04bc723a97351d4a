"""Distributed crawls: several workers share one scrapy-redis queue and dupefilter per source.

The first worker (``scenehub crawl --source NAME --distributed``) clears the source's keys,
opens the crawl's run in the database and seeds the start URLs; more workers join with
``--join`` and take requests from the same queue. Every worker writes to the same store
(PostgreSQL) and to the **same crawl run**: each adds its own report to
``<base>:reports`` and the last worker to finish writes the merged report once.
Requests are acknowledged only after their items are committed, so a killed worker's
in-flight requests are crawled by the others (see :mod:`crawlers.reliable`).
``JOBDIR`` is not used: Redis is the shared state (crawl.md §2.1).
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections import defaultdict
from typing import Any

from crawlers.errors import CrawlOptionsError
from crawlers.sources import Source
from crawlers.state import CrawlState

KEY_PREFIX = "scenehub"
#: sent by the store pipeline after each committed batch: workers acknowledge requests then
STORE_COMMITTED = object()

_SUMMED = (
    "pages_fetched",
    "list_pages",
    "detail_pages",
    "attachments_read",
    "items_scraped",
    "items_new",
    "items_updated",
    "items_unchanged",
    "dropped_schema",
    "dropped_duplicate",
    "retries",
    "encoding_corrected",
    "failure_count",
)


def base_key(queue_key: str) -> str:
    return queue_key.removesuffix(":requests")


def processing_key(base: str, worker: str) -> str:
    return f"{base}:processing:{worker}"


def alive_key(base: str, worker: str) -> str:
    return f"{base}:alive:{worker}"


def idle_key(base: str, worker: str) -> str:
    return f"{base}:idle:{worker}"


def owner_of(base: str, key: str) -> str:
    return key.removeprefix(f"{base}:processing:").split(":", 1)[0]


class DistributedError(CrawlOptionsError):
    """A distributed crawl cannot start (no crawl to join, Redis unreachable): exit status 2."""


def redis_settings(
    source: Source, redis_url: str, join: bool, prefix: str = KEY_PREFIX
) -> dict[str, Any]:
    base = f"{prefix}:{source.name}"
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        # pops into a per-worker processing hash, acknowledged after the store commit
        "SCHEDULER_QUEUE_CLASS": "crawlers.reliable.AckPriorityQueue",
        "SCHEDULER_PERSIST": True,  # a finished worker must not flush the others' queue
        "SCHEDULER_FLUSH_ON_START": not join,  # a new crawl starts from an empty dupefilter
        "SCHEDULER_QUEUE_KEY": f"{base}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{base}:dupefilter",
        "REDIS_URL": redis_url,
        "SCENEHUB_JOIN": join,
        "SCENEHUB_WORKER_ID": f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}",
        "SCENEHUB_REDIS_BASE": base,
        # the shared queue may run dry while another worker is still parsing: wait a little
        "SCENEHUB_IDLE_CLOSE": 6.0,
        "SCENEHUB_JOIN_WAIT": 60.0,  # --join: seconds to wait for the first worker's crawl
    }


def _redis(settings: dict[str, Any]) -> Any:
    import redis

    client = redis.Redis.from_url(settings["REDIS_URL"])
    try:
        client.ping()
    except redis.RedisError as exc:
        raise DistributedError(f"Redis at {settings['REDIS_URL']} is unreachable: {exc}") from exc
    return client


def open_shared_run(
    state: CrawlState, source: Source, settings: dict[str, Any]
) -> tuple[int, bool]:
    """The crawl run every worker of this crawl writes to: opened by the first worker."""
    client = _redis(settings)
    base = settings["SCENEHUB_REDIS_BASE"]
    worker = settings["SCENEHUB_WORKER_ID"]
    if settings["SCENEHUB_JOIN"]:
        # workers may be started together: give the first one time to open the crawl
        deadline = time.monotonic() + float(settings.get("SCENEHUB_JOIN_WAIT", 60))
        value = client.get(f"{base}:run")
        while value is None and time.monotonic() < deadline:
            time.sleep(0.5)
            value = client.get(f"{base}:run")
        if value is None:
            raise DistributedError(
                f"no distributed crawl of {source.name} to join: start one with --distributed"
            )
        run_id, resumed = int(value), False
    else:
        for key in client.scan_iter(f"{base}:*"):  # the previous crawl's leftovers
            client.delete(key)
        run_id, resumed = state.start_run(
            source.name, source.kind, list(source.start_urls), shared=True
        )
        client.set(f"{base}:run", run_id)
    client.sadd(f"{base}:workers", worker)
    client.set(alive_key(base, worker), 1, ex=60)  # until the crawler's heartbeat takes over
    return run_id, resumed


def close_shared_run(
    state: CrawlState, report: dict[str, Any], status: str, settings: dict[str, Any]
) -> dict[str, Any] | None:
    """Add this worker's report; the last worker alive returns the merged crawl report."""
    client = _redis(settings)
    base = settings["SCENEHUB_REDIS_BASE"]
    worker = settings["SCENEHUB_WORKER_ID"]
    client.hset(f"{base}:reports", worker, json.dumps({**report, "status": status}, default=str))
    client.delete(alive_key(base, worker))
    others = [
        w.decode()
        for w in client.smembers(f"{base}:workers")
        if w.decode() != worker and client.exists(alive_key(base, w.decode()))
    ]
    if others:
        return None
    client.delete(f"{base}:run")  # finished: a worker started later must not join it
    reports = {w.decode(): json.loads(v) for w, v in client.hgetall(f"{base}:reports").items()}
    registered = {w.decode() for w in client.smembers(f"{base}:workers")}
    merged = merge_reports(list(reports.values()), lost=len(registered - set(reports)))
    # requests taken back from killed workers and crawled again (their pages fetched twice)
    merged["requeued_from_lost_workers"] = int(client.hget(f"{base}:stats", "requeued") or 0)
    return merged


def merge_reports(reports: list[dict[str, Any]], lost: int = 0) -> dict[str, Any]:
    """One crawl report from its workers' reports: counters summed, failures concatenated."""
    merged: dict[str, Any] = dict(reports[0])
    for name in _SUMMED:
        merged[name] = sum(int(r.get(name, 0)) for r in reports)
    for name in ("incremental", "field_problems"):
        totals: dict[str, int] = defaultdict(int)
        for r in reports:
            for key, value in (r.get(name) or {}).items():
                totals[key] += int(value)
        merged[name] = dict(sorted(totals.items()))
    failures: dict[str, list[Any]] = defaultdict(list)
    for r in reports:
        for reason, entries in (r.get("failures") or {}).items():
            failures[reason].extend(entries)
    merged["failures"] = dict(failures)
    merged["rejected"] = [x for r in reports for x in r.get("rejected", [])]
    merged["elapsed_s"] = max(float(r.get("elapsed_s", 0)) for r in reports)
    merged["resumed"] = any(r.get("resumed") for r in reports)
    finished = all(r.get("status") == "finished" for r in reports)
    merged["status"] = "finished" if finished else "interrupted"
    merged["workers"] = [
        {k: r.get(k) for k in ("status", "pages_fetched", "items_new", "elapsed_s")}
        for r in reports
    ]
    merged["workers_lost"] = lost  # killed workers: their requests were requeued to the others
    return merged
