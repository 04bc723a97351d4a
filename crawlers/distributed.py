"""Distributed crawls: several workers share one scrapy-redis queue and dupefilter per source.

The first worker (``scenehub crawl --source NAME --distributed``) flushes the source's queue
and dupefilter and seeds the start URLs; more workers join with ``--join`` and take requests
from the same queue. Every worker writes to the same store (PostgreSQL) and its own crawl
run; page state stays in the database, so a killed worker's pages are simply re-fetched by
the next crawl. ``JOBDIR`` is not used: Redis is the shared state (crawl.md §2.1).
"""

from __future__ import annotations

from typing import Any

from crawlers.sources import Source

KEY_PREFIX = "scenehub"


def redis_settings(
    source: Source, redis_url: str, join: bool, prefix: str = KEY_PREFIX
) -> dict[str, Any]:
    base = f"{prefix}:{source.name}"
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_PERSIST": True,  # a finished worker must not flush the others' queue
        "SCHEDULER_FLUSH_ON_START": not join,  # a new crawl starts from an empty dupefilter
        "SCHEDULER_QUEUE_KEY": f"{base}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{base}:dupefilter",
        "REDIS_URL": redis_url,
        "SCENEHUB_JOIN": join,
        # the shared queue may run dry while another worker is still parsing: wait a little
        "SCENEHUB_IDLE_CLOSE": 6.0,
    }
