"""Retries with exponential backoff, honouring ``Retry-After`` on 429/503.

Scrapy's RetryMiddleware re-queues at once; a small gov server that just said "429" needs a
pause. The wait happens in this request's download slot (an asyncio sleep), so other sources
keep crawling. ``RETRY_BACKOFF_BASE = 0`` switches the pauses off (tests, loopback benchmarks);
a ``Retry-After`` above ``RETRY_AFTER_MAX`` gives the request up instead of stalling the crawl.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Response
from scrapy.utils.response import response_status_message


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 60.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        return cls(crawler.settings)

    def delay_for(self, request: Request, response: Response | None) -> float:
        if response is not None and response.status in (429, 503):
            after = retry_after_seconds(response.headers.get(b"Retry-After"))
            if after is not None:
                return after
        tries = int(request.meta.get("retry_times", 0))
        return min(self.backoff_max, self.backoff_base * (2**tries))

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        delay = self.delay_for(request, response)
        if delay > self.retry_after_max:
            spider.crawler.stats.inc_value("scenehub/retry/retry_after_too_long")  # type: ignore[union-attr]
            return response
        retry = get_retry_request(
            request,
            spider=spider,
            reason=response_status_message(response.status),
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
        )
        if retry is None:
            return response
        if delay > 0:
            await asyncio.sleep(delay)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Spider
    ) -> Request | None:
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get(
            "dont_retry", False
        ):
            delay = self.delay_for(request, None)
            retry = self._retry(request, exception, spider)
            if retry is not None and delay > 0:
                await asyncio.sleep(delay)
            return retry
        return None
