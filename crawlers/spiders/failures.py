"""Name why a request failed, for the end-of-crawl report's "failures by reason"."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawlers.middlewares.netguard import AddressRefused


def failure_reason(failure: Failure) -> tuple[str, str]:
    """(reason, detail): http_500, timeout, truncated, too_large, robots, dns, connection,
    refused_address ..."""
    value = failure.value
    if failure.check(HttpError):
        status = value.response.status  # type: ignore[union-attr]
        return f"http_{status}", f"HTTP {status} after retries"
    if failure.check(AddressRefused):
        return "refused_address", str(value)
    if failure.check(IgnoreRequest):
        text = str(value)
        if "robots" in text.lower():
            return "robots", "forbidden by robots.txt"
        return "ignored", text or "request ignored"
    if failure.check(TimeoutError, defer.TimeoutError):
        return "timeout", str(value) or "download timed out"
    if failure.check(DNSLookupError):
        return "dns", str(value)
    if failure.check(ConnectionRefusedError):
        return "connection", str(value)
    if failure.check(defer.CancelledError):
        return "too_large", "cancelled: larger than DOWNLOAD_MAXSIZE"
    if failure.check(ResponseNeverReceived, ResponseFailed):
        return "truncated", repr(value)[:300]
    name = type(value).__name__
    if "Partial" in name or "DataLoss" in name:
        return "truncated", str(value)
    return "error", f"{name}: {value}"
