"""Distributed crawls that survive a killed worker: in-flight requests with acknowledgement.

scrapy-redis pops a request and forgets it; if the worker dies, that request (already in
the dupefilter) is never fetched again in this crawl. Here:

* :class:`AckPriorityQueue` pops atomically (Lua) from the shared zset **into the worker's
  processing hash** ``<base>:processing:<worker>``, tagging the request with a token.
* :class:`InflightTracker` (spider middleware) notes a token once its callback's output is
  exhausted; :class:`ReliableWorker` acknowledges (deletes) noted tokens only after the
  store pipeline committed the batch holding their items (``STORE_COMMITTED``, one commit
  later, so items still travelling through the pipelines are covered).
* Every worker keeps a heartbeat key (``<base>:alive:<worker>``, a few seconds' TTL). Any
  worker finding a processing hash whose owner has no heartbeat claims it atomically
  (``RENAME``) and pushes its requests back onto the queue, bypassing the dupefilter; a
  worker restarted with ``--join`` does the same. The upserts are keyed by record id, so a
  page crawled twice stores its items once.
* A worker closes only when the queue is empty, every live peer is idle and no dead peer's
  requests wait to be reclaimed. All of a crawl's keys (queue, dupefilter, reports) get a
  TTL refreshed by the heartbeats: they expire after the crawl instead of growing forever.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Request, Response
from scrapy_redis.queue import PriorityQueue

from crawlers.distributed import (
    STORE_COMMITTED,
    alive_key,
    base_key,
    idle_key,
    owner_of,
    processing_key,
)

log = logging.getLogger(__name__)

TOKEN = "scenehub_inflight"

_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], ARGV[1], r[2] .. '\\n' .. r[1])
return r[1]
"""


class AckPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop keeps the request until acknowledged."""

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.worker = spider.settings.get("SCENEHUB_WORKER_ID") or uuid.uuid4().hex[:12]
        self.base = base_key(key)
        self.processing = processing_key(self.base, self.worker)
        self._pop = server.register_script(_POP)

    def push(self, request: Request) -> None:
        super().push(request)
        token = request.meta.get(TOKEN)
        if token:  # a retry or redirect of an in-flight request: the new one is queued now
            self.server.hdel(self.processing, token)

    def pop(self, timeout: int = 0) -> Request | None:
        token = uuid.uuid4().hex
        data = self._pop(keys=[self.key, self.processing], args=[token])
        if not data:
            return None
        request: Request = self._decode_request(data)
        request.meta[TOKEN] = token
        return request

    def ack(self, tokens: list[str]) -> None:
        if tokens:
            self.server.hdel(self.processing, *tokens)

    def requeue(self, key: str) -> int:
        """Push every request of processing hash ``key`` back onto the queue; delete it."""
        entries = self.server.hgetall(key)
        pipe = self.server.pipeline()
        for value in entries.values():
            score, _, data = value.partition(b"\n")
            pipe.execute_command("ZADD", self.key, float(score), data)
        pipe.delete(key)
        pipe.execute()
        return len(entries)

    def clear(self) -> None:
        super().clear()
        for key in self.server.scan_iter(f"{self.base}:processing:*"):
            self.server.delete(key)


class InflightTracker:
    """Spider middleware: marks a request's token once its callback has yielded everything."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> InflightTracker:
        if not crawler.settings.get("SCENEHUB_WORKER_ID"):
            raise NotConfigured
        return cls(crawler)

    def _done(self, response: Response) -> None:
        token = response.request.meta.get(TOKEN) if response.request else None
        if token:
            parsed = getattr(self.crawler, "scenehub_parsed", None)
            if parsed is not None:
                parsed.append(token)

    async def process_spider_output_async(
        self, response: Response, result: Any, spider: Spider
    ) -> Any:
        async for item in result:
            yield item
        self._done(response)

    def process_spider_output(self, response: Response, result: Any, spider: Spider) -> Any:
        yield from result
        self._done(response)

    def process_spider_exception(
        self, response: Response, exception: Exception, spider: Spider
    ) -> None:
        self._done(response)


class ReliableWorker:
    """Heartbeat, acknowledgement after commit, reclaiming dead peers, the close rule."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.worker = settings.get("SCENEHUB_WORKER_ID")
        self.ttl = settings.getint("SCENEHUB_HEARTBEAT_TTL", 15)
        self.keys_ttl = settings.getint("SCENEHUB_CRAWL_KEYS_TTL", 2 * 24 * 3600)
        self.parsed: list[str] = []
        self.ready: list[str] = []  # parsed before the previous commit: ack at the next one
        crawler.scenehub_parsed = self.parsed  # type: ignore[attr-defined]
        self.idle_flag = False
        self.loop: Any = None
        self.poll_loop: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReliableWorker:
        if not crawler.settings.get("SCENEHUB_WORKER_ID"):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.busy, signal=signals.response_received)
        crawler.signals.connect(ext.committed, signal=STORE_COMMITTED)
        return ext

    @property
    def queue(self) -> AckPriorityQueue:
        """The scheduler's queue (the engine's only handle to it is private)."""
        assert self.crawler.engine is not None
        slot = getattr(self.crawler.engine, "_slot", None)
        queue = getattr(getattr(slot, "scheduler", None), "queue", None)
        if not isinstance(queue, AckPriorityQueue):
            raise RuntimeError("SCENEHUB_WORKER_ID is set but the queue is not AckPriorityQueue")
        return queue

    def opened(self, spider: Spider) -> None:
        from twisted.internet import task

        self.beat()
        self.loop = task.LoopingCall(self.beat)
        self.loop.start(max(1.0, self.ttl / 4), now=False)
        self.poll_loop = task.LoopingCall(self.poll)
        self.poll_loop.start(0.5, now=False)

    def poll(self) -> None:
        """Wake the engine when peers queued requests: Scrapy itself asks an empty scheduler
        again only every 5 s, which left a joining worker idle for most of a small crawl."""
        slot = getattr(self.crawler.engine, "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None and len(self.queue):
            nextcall.schedule()

    def beat(self) -> None:
        queue = self.queue
        pipe = queue.server.pipeline()
        pipe.set(alive_key(queue.base, self.worker), 1, ex=self.ttl)
        if self.idle_flag:
            pipe.set(idle_key(queue.base, self.worker), 1, ex=self.ttl)
        for key in (
            queue.key,
            f"{queue.base}:dupefilter",
            queue.processing,
            f"{queue.base}:run",
            f"{queue.base}:reports",
            f"{queue.base}:workers",
            f"{queue.base}:stats",
        ):
            pipe.expire(key, self.keys_ttl)
        pipe.execute()

    def busy(self, *args: Any, **kwargs: Any) -> None:
        if self.idle_flag:
            self.idle_flag = False
            queue = self.queue
            queue.server.delete(idle_key(queue.base, self.worker))

    def committed(self) -> None:
        self.queue.ack(self.ready)
        self.ready = list(self.parsed)
        self.parsed.clear()

    def reclaim(self) -> int:
        """Requeue the requests of peers without a heartbeat; return how many."""
        queue = self.queue
        moved = 0
        for key in list(queue.server.scan_iter(f"{queue.base}:processing:*")):
            name = key.decode() if isinstance(key, bytes) else key
            owner = owner_of(queue.base, name)
            if owner == self.worker or queue.server.exists(alive_key(queue.base, owner)):
                continue
            claimed = f"{queue.processing}:r{uuid.uuid4().hex[:8]}"
            try:
                queue.server.rename(name, claimed)
            except Exception:  # another worker claimed it first
                continue
            moved += queue.requeue(claimed)
        if moved:
            log.warning("requeued %d request(s) of dead worker(s)", moved)
            queue.server.hincrby(f"{queue.base}:stats", "requeued", moved)
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("scenehub/distributed/reclaimed", moved)
        return moved

    def peers_busy(self) -> bool:
        """A live peer still working, or a dead peer's requests not yet reclaimable."""
        queue = self.queue
        server = queue.server
        for key in server.scan_iter(f"{queue.base}:alive:*"):
            name = (key.decode() if isinstance(key, bytes) else key).rsplit(":", 1)[1]
            if name != self.worker and not server.exists(idle_key(queue.base, name)):
                return True
        for key in server.scan_iter(f"{queue.base}:processing:*"):
            name = key.decode() if isinstance(key, bytes) else key
            owner = owner_of(queue.base, name)
            if owner != self.worker and not server.exists(alive_key(queue.base, owner)):
                return True  # its heartbeat will lapse or has: reclaim on a later idle call
        return False

    def idle(self, spider: Spider) -> None:
        queue = self.queue
        if self.reclaim() or len(queue):
            raise DontCloseSpider
        if not self.idle_flag:
            self.idle_flag = True
            queue.server.set(idle_key(queue.base, self.worker), 1, ex=self.ttl)
        if self.peers_busy():
            raise DontCloseSpider

    def closed(self, spider: Spider, reason: str) -> None:
        for loop in (self.loop, self.poll_loop):
            if loop is not None and loop.running:
                loop.stop()
        queue = self.queue
        self.committed()
        self.committed()  # the pipeline's last flush is done: everything parsed is stored
        if reason == "finished":
            left = queue.server.hlen(queue.processing)
            if left:  # requests that ended without a callback (filtered, failed for good)
                assert self.crawler.stats is not None
                self.crawler.stats.set_value("scenehub/distributed/unacked_at_close", left)
            queue.server.delete(queue.processing)
        else:  # shut down early: what this worker holds goes back to the others
            queue.requeue(queue.processing)
        queue.server.delete(alive_key(queue.base, self.worker), idle_key(queue.base, self.worker))
