"""Retries, backoff and rate-limit waits shared by the httpx clients (ModelScope, GitHub).

A 429 — or GitHub's 403 with ``X-RateLimit-Remaining: 0`` — waits until the reset the
server announces (``Retry-After``, ``X-RateLimit-Reset``, or the IETF ``RateLimit`` field
Hugging Face sends); 5xx and transport errors back off exponentially. Each client passes
its own ``raise_for_status`` so error mapping stays in one place per source.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from contrib.errors import (
    HubBadResponse,
    HubError,
    HubForbidden,
    HubNotFound,
    HubRateLimited,
    HubServerError,
)

_RATELIMIT = re.compile(r"r=(\d+).*?t=(\d+)")
RETRY_STATUSES = frozenset({408, 500, 502, 503, 504})


@dataclass
class RetryPolicy:
    max_retries: int = 5
    base_wait: float = 0.5
    max_wait: float = 30.0
    #: never sleep longer than this for a rate-limit reset; raise HubRateLimited instead
    max_reset_wait: float = 3600.0
    sleep: Callable[[float], None] = field(default=time.sleep)
    clock: Callable[[], float] = field(default=time.time)


def rate_limit_wait(
    response: httpx.Response, clock: Callable[[], float] = time.time
) -> float | None:
    """Seconds the server asks us to wait, or ``None`` if it says nothing usable."""
    headers = response.headers
    retry_after = headers.get("retry-after")
    if retry_after:
        if retry_after.strip().isdigit():
            return float(retry_after)
        try:
            return max(0.0, parsedate_to_datetime(retry_after).timestamp() - clock())
        except (TypeError, ValueError):
            pass
    if (
        headers.get("x-ratelimit-remaining") == "0"
        and headers.get("x-ratelimit-reset", "").isdigit()
    ):
        return max(0.0, float(headers["x-ratelimit-reset"]) - clock())
    match = _RATELIMIT.search(headers.get("ratelimit", ""))
    if match and match.group(1) == "0":
        return float(match.group(2))
    return None


def status_error(response: httpx.Response | Any, hub: str, message: str = "") -> None:
    """The status mapping every hub shares: 404, 401/403, 429, 5xx, other 4xx → our tree.

    Each client's ``raise_for_status(response)`` calls this with the message it can read
    from its own error body, so all three take the same argument and map codes alike.
    """
    code = response.status_code
    if code < 400:
        return
    try:
        url: str | None = str(response.request.url)
    except (RuntimeError, AttributeError):  # a bare Response built in a test
        url = None
    text = message.strip()
    if code == 404:
        raise HubNotFound(f"not found {text}".strip(), hub=hub, url=url)
    if code in (401, 403):
        raise HubForbidden(f"forbidden ({code}) {text}".strip(), hub=hub, url=url)
    if code == 429:
        raise HubRateLimited(f"rate limited {text}".strip(), hub=hub, url=url)
    if code >= 500:
        raise HubServerError(f"server error {code} {text}".strip(), hub=hub, url=url)
    raise HubError(f"HTTP {code} {text}".strip(), hub=hub, url=url)


def is_rate_limited(response: httpx.Response) -> bool:
    if response.status_code == 429:
        return True
    return response.status_code == 403 and response.headers.get("x-ratelimit-remaining") == "0"


class HubHTTP:
    """An httpx client plus the policy; counts requests for the pull report."""

    def __init__(
        self,
        client: httpx.Client,
        hub: str,
        raise_for_status: Callable[[httpx.Response], None],
        policy: RetryPolicy | None = None,
    ) -> None:
        self.client = client
        self.hub = hub
        self.raise_for_status = raise_for_status
        self.policy = policy or RetryPolicy()
        self.requests = 0

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        policy, wait = self.policy, self.policy.base_wait
        for attempt in range(policy.max_retries + 1):
            last = attempt == policy.max_retries
            self.requests += 1
            try:
                response = self.client.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                if last:
                    raise HubError(
                        f"unreachable after {attempt + 1} tries: {exc}", hub=self.hub, url=url
                    ) from exc
                policy.sleep(wait)
                wait = min(policy.max_wait, wait * 2)
                continue
            if is_rate_limited(response):
                reset = rate_limit_wait(response, policy.clock)
                delay = wait if reset is None else reset
                if last or delay > policy.max_reset_wait:
                    raise HubRateLimited(
                        f"rate limited (reset in {delay:.0f}s)",
                        hub=self.hub,
                        url=url,
                        reset_in=delay,
                    )
                policy.sleep(delay)
                wait = min(policy.max_wait, wait * 2)
                continue
            if response.status_code in RETRY_STATUSES and not last:
                policy.sleep(wait)
                wait = min(policy.max_wait, wait * 2)
                continue
            self.raise_for_status(response)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def json(self, method: str, url: str, **kwargs: Any) -> Any:
        response = self.request(method, url, **kwargs)
        return parse_json(response, self.hub)


def parse_json(response: httpx.Response, hub: str) -> Any:
    """The body as JSON, or :class:`HubBadResponse` naming what came instead."""
    ctype = response.headers.get("content-type", "")
    try:
        url: str | None = str(response.request.url)
    except RuntimeError:  # a bare Response built in a test
        url = None
    if "json" not in ctype:
        head = response.text[:60].strip().replace("\n", " ")
        raise HubBadResponse(
            f"expected JSON, got {ctype or 'no content type'}: {head!r}", hub=hub, url=url
        )
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HubBadResponse(f"invalid JSON body: {exc}", hub=hub, url=url) from exc


def next_link(response: httpx.Response) -> str | None:
    """The ``Link: <…>; rel="next"`` URL, GitHub and Hugging Face style."""
    return response.links.get("next", {}).get("url")
