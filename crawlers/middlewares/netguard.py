"""Refuse every request to a non-public address before anything is sent (``crawlers.netguard``).

Two layers, one policy:

* :class:`NetGuardMiddleware`, the first downloader middleware (before robots.txt, retries,
  redirects and proxies), sees every request: start URLs, each redirect target (a redirect is a
  new request), robots.txt fetches, detail pages and attachments. It refuses non-http(s)
  schemes, checks IP literals, and resolves host names through the crawl's own resolver; a
  refusal is an :class:`AddressRefused` with a one-line message naming the address and the
  setting, counted as ``scenehub/refused/<why>``.
* :class:`GuardedResolver` is that resolver: every connection Scrapy opens resolves its host
  through it (IP literals too), and it answers a refused address with a lookup error. The
  middleware's check and the connection use the same cached answer, so a name that resolves
  to a public address when checked cannot be switched to a private one when connecting
  (DNS rebinding), and a request that slips past the middleware still cannot connect.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer
from twisted.internet.base import ReactorBase
from twisted.internet.error import DNSLookupError

from crawlers.netguard import NetworkPolicy, Refusal

ALLOWED_SCHEMES = ("http", "https")


class AddressRefused(IgnoreRequest):
    """A request to a refused address or scheme; its message names both and the setting."""

    def __init__(self, url: str, refusal: Refusal) -> None:
        super().__init__(refusal.message(url))
        self.url = url
        self.refusal = refusal


class RefusedLookup(DNSLookupError):
    """The resolver's answer to a refused address (a lookup error: nothing connects)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(f"{refusal.address} is {refusal.why}")
        self.refusal = refusal


def policy_from_settings(settings: Any) -> NetworkPolicy:
    return NetworkPolicy.allowing(settings.getlist("SCENEHUB_ALLOW_NETWORKS"))


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver that will not hand out a refused address."""

    def __init__(
        self, reactor: ReactorBase, cache_size: int, timeout: float, policy: NetworkPolicy
    ) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.policy = policy

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> GuardedResolver:
        settings = crawler.settings
        cache = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        timeout = settings.getfloat("DNS_TIMEOUT")
        return cls(reactor, cache, timeout, policy_from_settings(settings))

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        return super().getHostByName(name, timeout).addCallback(self._check)

    def _check(self, address: str) -> str:
        refusal = self.policy.refusal(address)
        if refusal is not None:
            raise RefusedLookup(refusal)
        return address


def _reactor_lookup(host: str) -> Awaitable[str]:
    from twisted.internet import reactor

    return maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[attr-defined]


class NetGuardMiddleware:
    def __init__(
        self,
        policy: NetworkPolicy,
        stats: Any,
        lookup: Callable[[str], Awaitable[str]] = _reactor_lookup,
    ) -> None:
        self.policy = policy
        self.stats = stats
        self.lookup = lookup

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NetGuardMiddleware:
        return cls(policy_from_settings(crawler.settings), crawler.stats)

    async def process_request(self, request: Request, spider: Spider) -> None:
        refusal = await self.refusal(request.url)
        if refusal is not None:
            self.stats.inc_value(f"scenehub/refused/{refusal.kind}")
            raise AddressRefused(request.url, refusal)

    async def refusal(self, url: str) -> Refusal | None:
        parts = urlsplit(url)
        if parts.scheme not in ALLOWED_SCHEMES:
            return Refusal(f"{parts.scheme}:", "scheme", "not an http(s) scheme")
        host = parts.hostname or ""
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            return self.policy.refusal(host)
        try:
            address = await self.lookup(host)
        except RefusedLookup as exc:
            return exc.refusal
        except DNSLookupError:
            return None  # the download fails with the same error, reported as "dns"
        return self.policy.refusal(address)
